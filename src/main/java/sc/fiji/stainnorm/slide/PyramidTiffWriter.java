package sc.fiji.stainnorm.slide;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.slide.PyramidTiffOptions.Compression;

/**
 * Writes a {@link RegionSource} as a tiled, pyramidal TIFF that OpenSlide (its generic tiled-TIFF driver) and libvips
 * open (Bio-Formats, not on Maven Central, is untested): every level a tiled directory in the main chain, level 0 first, each reduced level (NewSubfileType
 * 1) half the size of the one before (2×2 mean), down to the first level under 1024 pixels on its longer side.
 *
 * <p><b>Safety.</b> The file is written to {@code .NAME.part} beside the output and gets its name only when complete:
 * forced to disk, its size checked, its header and every directory parsed back and checked against what was written,
 * one tile of every level decoded; then published like {@link AtomicFile} does (a hard link that fails when the name
 * exists, or a rename when replacing; the folder synced). A failure never leaves a half file under the output's name.
 * BigTIFF is chosen up front when the file could exceed 4 GB (from a bound on the compressed size of every tile).
 *
 * <p><b>Resume.</b> After each level-0 tile row (and the reduced levels' rows it completes) the data is forced and a line
 * added to the journal {@code .NAME.journal}; a killed, failed or cancelled run is continued by running the same job
 * again: the tiles in the journal are checked (CRC-32) and kept, and the temporary file is cut back to where the journal
 * ends. The reduced levels' rows that were still being accumulated are rebuilt by decoding the level-below tiles already
 * written (at most one tile row per level), so with deflate the result is bit-identical to an uninterrupted run; with
 * JPEG level 0 is identical and each reduced level differs in at most one tile row, by JPEG's error (its averages are
 * taken of decoded instead of original pixels). A journal of another job (other size, options, pixel size or job tag)
 * is not continued: the output is started over with a warning. {@code .NAME.lock} keeps two jobs from writing one
 * output at the same time.
 *
 * <p><b>Memory and threads.</b> Level-0 tiles are read from the source and encoded by {@code threads} workers, one tile
 * row at a time, and written in order by the calling thread; each reduced level keeps one tile row of its own pixels.
 * So memory is a few tile rows (about {@code 4 × tileSize × width} bytes over all levels), whatever the height.
 */
public final class PyramidTiffWriter {

	/** The write was cancelled between tiles; the journal was kept, so running the same job again resumes it. */
	public static final class CancelledException extends StainNormException {
		private static final long serialVersionUID = 1L;

		CancelledException(String message) {
			super(message);
		}
	}

	/**
	 * What was written.
	 *
	 * @param resumedRows level-0 tile rows taken over from an interrupted run (0: written from the start)
	 */
	public record Result(Path output, long bytes, boolean bigTiff, List<long[]> levelSizes, int tileRows, int resumedRows, double seconds) {
		public int levels() {
			return levelSizes.size();
		}
	}

	static final String SOFTWARE = "Stain Normalization for Fiji";
	/** Levels are added while the last one is at least this large on its longer side. */
	static final int SMALLEST_LEVEL = 1024;

	private PyramidTiffWriter() {}

	/** The temporary file a write of {@code output} goes to, fixed so that a rerun finds it. */
	public static Path temporaryFile(Path output) {
		return hidden(output, ".part");
	}

	/** The resume journal of a write of {@code output}. */
	public static Path journalFile(Path output) {
		return hidden(output, ".journal");
	}

	static Path lockFile(Path output) {
		return hidden(output, ".lock");
	}

	private static Path hidden(Path output, String suffix) {
		Path abs = output.toAbsolutePath();
		return abs.resolveSibling("." + abs.getFileName() + suffix);
	}

	/** Width and height of each level: level 0, then halves (rounded up) until the longer side is under 1024. */
	public static List<long[]> levelSizes(long width, long height) {
		List<long[]> sizes = new ArrayList<>();
		sizes.add(new long[] { width, height });
		while (Math.max(width, height) >= SMALLEST_LEVEL) {
			width = (width + 1) / 2;
			height = (height + 1) / 2;
			sizes.add(new long[] { width, height });
		}
		return sizes;
	}

	/**
	 * Whether a pyramid of this size could outgrow classic TIFF's 4 GB with these options, so that it is written as
	 * BigTIFF: from an upper bound of the file's size (every tile at its worst: JPEG twice the raw pixels, deflate the
	 * raw pixels plus 1 %, plus the directories). At 512-pixel tiles that is from about 0.5 gigapixels with JPEG and
	 * 1 with deflate.
	 */
	public static boolean needsBigTiff(long width, long height, PyramidTiffOptions options) {
		long tile = options.tileSize(), raw = 3 * tile * tile, tiles = 0;
		List<long[]> sizes = levelSizes(width, height);
		for (long[] s : sizes)
			tiles += ((s[0] + tile - 1) / tile) * ((s[1] + tile - 1) / tile);
		long worstTile = options.compression() == Compression.JPEG ? 2 * raw + 4096 : raw + raw / 100 + 1024;
		return 16 + tiles * (worstTile + 16) + sizes.size() * 4096L > 0xFFFFFFFFL;
	}

	/**
	 * The ImageDescription of level 0: {@code |}-separated {@code key = value} fields after a title, e.g.
	 * {@code Stain Normalization for Fiji pyramidal TIFF|size = 3000x2000|levels = 3|tile = 512|compression = JPEG Q90
	 * 4:2:0|MPP = 0.2500|AppMag = 40}. MPP (µm per level-0 pixel; {@code MPP-Y} too when it differs) and AppMag only when
	 * known. Deliberately not starting with "Aperio", which would make OpenSlide take it for an Aperio file.
	 */
	static String description(long width, long height, int levels, PyramidTiffOptions o, PixelSize px) {
		StringBuilder s = new StringBuilder(SOFTWARE).append(" pyramidal TIFF|size = ").append(width).append('x').append(height)
			.append("|levels = ").append(levels).append("|tile = ").append(o.tileSize()).append("|compression = ")
			.append(o.compression() == Compression.JPEG ? "JPEG Q" + o.jpegQuality() + (o.chromaSubsampling() ? " 4:2:0" : " 4:4:4")
				: "deflate" + (o.predictor() ? " predictor 2" : ""));
		if (px.known()) {
			s.append("|MPP = ").append(number(px.micronsX()));
			if (px.micronsY() != px.micronsX()) s.append("|MPP-Y = ").append(number(px.micronsY()));
		}
		if (px.magnification() > 0) s.append("|AppMag = ").append(number(px.magnification()));
		if (!o.note().isEmpty()) s.append("|note = ").append(o.note().replace('|', '/').replaceAll("[\\r\\n]+", " "));
		return s.toString();
	}

	private static String number(double v) {
		String s = String.format(Locale.ROOT, "%.6f", v).replaceAll("0+$", "");
		if (s.endsWith(".")) s = s.substring(0, s.length() - 1);
		return s;
	}

	/**
	 * Writes (or, after an interrupted run of the same job, finishes) {@code output}.
	 *
	 * @throws IOException            when the output cannot be written (the message names it and says why, e.g. "No space
	 *                                left on device"; the temporary file and journal are kept for a resume), or when the
	 *                                source cannot be read (its message, naming the source's file)
	 * @throws CancelledException     when {@link Progress#isCancelled()} turned true (checked between tiles)
	 * @throws StainNormException     when the output exists and {@code overwrite} is off, or another job writes it
	 */
	public static Result write(RegionSource source, Path output, PyramidTiffOptions options, Progress progress) throws IOException {
		if (Files.isDirectory(output)) throw new StainNormException("Cannot write " + output + ": it is a folder");
		if (!options.overwrite() && Files.exists(output))
			throw new StainNormException(output + " exists; it was kept (overwrite to replace it)");
		AtomicFile.createWritableFolder(output.toAbsolutePath().getParent(), "output folder");
		OutputLock lock = OutputLock.acquire(lockFile(output), output);
		try {
			if (!options.overwrite() && Files.exists(output)) // another job finished it between our check and the lock
				throw new StainNormException(output + " exists; it was kept (overwrite to replace it)");
			return new Job(source, output, options, progress).run();
		}
		finally {
			lock.release(true);
		}
	}

	/** One write: the levels, their pending rows, the temporary file and the journal. */
	private static final class Job {
		private final RegionSource source;
		private final Path output, temporary, journalPath;
		private final PyramidTiffOptions o;
		private final Progress progress;
		private final int tile;
		private final Level[] levels;
		private final boolean big;
		private final String job;
		private final long totalTiles;
		private final ThreadLocal<TileCodec> codecs;
		private final List<TileCodec> allCodecs = new ArrayList<>();
		private FileChannel file;
		private ResumeJournal journal;
		private long position;
		private long tilesDone;
		private int committedRows;

		Job(RegionSource source, Path output, PyramidTiffOptions options, Progress progress) {
			this.source = source;
			this.output = output;
			this.temporary = temporaryFile(output);
			this.journalPath = journalFile(output);
			this.o = options;
			this.progress = progress;
			this.tile = options.tileSize();
			long w = source.width(), h = source.height();
			if (w < 1 || h < 1) throw new StainNormException("Cannot write " + output + ": the source is " + w + "x" + h);
			if (w > Integer.MAX_VALUE / tile || h > Integer.MAX_VALUE / tile)
				throw new StainNormException("Cannot write " + output + ": " + w + "x" + h + " is larger than this writer supports");
			List<long[]> sizes = levelSizes(w, h);
			levels = new Level[sizes.size()];
			long tiles = 0;
			for (int k = 0; k < levels.length; k++) {
				levels[k] = new Level(k, (int) sizes.get(k)[0], (int) sizes.get(k)[1], tile, k > 0);
				tiles += levels[k].offsets.length;
			}
			totalTiles = tiles;
			big = options.forceBigTiff() || needsBigTiff(w, h, options);
			PixelSize px = source.pixelSize();
			job = w + "x" + h + " " + options.formatKey() + (big ? " bigtiff" : " tiff") + " levels " + levels.length + " pixel "
				+ (px.known() ? number(px.micronsX()) + "x" + number(px.micronsY()) : "unknown") + " mag "
				+ (px.magnification() > 0 ? number(px.magnification()) : "unknown") + " note " + sha256(options.note())
				+ " tag " + sha256(options.jobTag());
			codecs = ThreadLocal.withInitial(() -> {
				TileCodec c = new TileCodec(options);
				synchronized (allCodecs) {
					allCodecs.add(c);
				}
				return c;
			});
		}

		private int headerSize() {
			return big ? 16 : 8;
		}

		private byte[] header(long firstIfd) {
			ByteBuffer b = ByteBuffer.allocate(headerSize()).order(ByteOrder.LITTLE_ENDIAN);
			b.put((byte) 'I').put((byte) 'I');
			if (big) b.putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(firstIfd);
			else b.putShort((short) 42).putInt((int) firstIfd);
			return b.array();
		}

		Result run() throws IOException {
			long start = System.nanoTime();
			int resumed = 0;
			ExecutorService pool = Executors.newFixedThreadPool(o.threads(), new java.util.concurrent.ThreadFactory() {
				final AtomicInteger n = new AtomicInteger();

				@Override
				public Thread newThread(Runnable r) {
					Thread t = new Thread(r, "pyramid-tiff-" + n.incrementAndGet());
					t.setDaemon(true);
					return t;
				}
			});
			try {
				resumed = open();
				Level top = levels[0];
				for (int row = resumed; row < top.tilesY; row++) {
					List<ResumeJournal.Tile> written = new ArrayList<>();
					writeLevel0Row(pool, row, written);
					cascade(pool, 1, row, written);
					file.force(false);
					journal.commit(new ResumeJournal.Row(row, position, written));
					committedRows = row + 1;
					progress.update(tilesDone, totalTiles, output.getFileName() + ": tile row " + (row + 1) + " of " + top.tilesY);
				}
				finish();
			}
			catch (IOException e) {
				throw failure(e);
			}
			finally {
				pool.shutdownNow();
				for (TileCodec c : allCodecs)
					c.close();
				if (file != null && file.isOpen()) file.close();
				if (journal != null) journal.close();
				if (committedRows == 0) { // failed before the first row: nothing worth resuming, so nothing left behind
					Files.deleteIfExists(temporary);
					Files.deleteIfExists(journalPath);
				}
			}
			long bytes = Files.size(output);
			List<long[]> sizes = new ArrayList<>();
			for (Level l : levels)
				sizes.add(new long[] { l.width, l.height });
			return new Result(output, bytes, big, sizes, levels[0].tilesY, resumed, (System.nanoTime() - start) / 1e9);
		}

		/** A write failure as a message naming the output, saying what was kept for a resume. */
		private IOException failure(IOException e) {
			String kept = committedRows > 0 ? committedRows + " of " + levels[0].tilesY + " tile rows are kept in " + temporary
				+ " (journal " + journalPath.getFileName() + "): run the same job again to resume" : "";
			if (e instanceof SourceException)
				return new IOException(e.getMessage() + " (writing " + output + " stopped" + (kept.isEmpty() ? ")" : "; " + kept + ")"), e.getCause());
			// give back the space of the unfinished row: a full disk is the likely reason
			try {
				if (file != null && file.isOpen()) file.truncate(Math.max(position, headerSize()));
			}
			catch (IOException ignored) {
				// the write error matters more
			}
			return new IOException("Cannot write " + output + ": " + AtomicFile.reason(e) + (kept.isEmpty() ? "" : "; " + kept), e);
		}

		/** Opens the temporary file and the journal, resuming when both belong to this job; returns the first row to write. */
		private int open() throws IOException {
			ResumeJournal.Contents old = ResumeJournal.read(journalPath);
			List<ResumeJournal.Row> kept = List.of();
			if (old != null && !old.job().equals(job))
				progress.warn(journalPath + " belongs to another job (" + old.job() + "; now " + job + "): " + output + " is written from the start");
			else if (old != null && !old.rows().isEmpty()) {
				String why = resumable(old.rows());
				if (why == null) kept = old.rows();
				else progress.warn("cannot resume " + output + " from " + journalPath + " (" + why + "): it is written from the start");
			}
			file = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
			if (kept.isEmpty()) {
				file.truncate(0);
				writeFully(ByteBuffer.wrap(header(0)), 0);
				position = headerSize();
			}
			else {
				position = kept.get(kept.size() - 1).end();
				file.truncate(position);
				for (ResumeJournal.Row r : kept)
					for (ResumeJournal.Tile t : r.tiles()) {
						levels[t.level()].offsets[t.index()] = t.offset();
						levels[t.level()].counts[t.index()] = t.length();
						tilesDone++;
					}
				rebuildPendingRows(kept.size());
				progress.update(tilesDone, totalTiles, "resuming " + output + " after tile row " + kept.size() + " of " + levels[0].tilesY
					+ " (" + journalPath.getFileName() + ")");
			}
			journal = ResumeJournal.start(journalPath, job, kept);
			committedRows = kept.size();
			return kept.size();
		}

		/** Null when the temporary file holds every tile the journal lists intact, otherwise why not. */
		private String resumable(List<ResumeJournal.Row> rows) throws IOException {
			if (!Files.isRegularFile(temporary)) return temporary + " is missing";
			long end = rows.get(rows.size() - 1).end();
			if (Files.size(temporary) < end) return temporary + " is shorter than the journal says";
			try (FileChannel ch = FileChannel.open(temporary, StandardOpenOption.READ)) {
				ByteBuffer h = ByteBuffer.allocate(headerSize());
				ch.read(h, 0);
				byte[] expected = header(0), got = h.array();
				// the first-directory offset may have been written by a run killed while publishing
				for (int i = 0; i < 4; i++)
					if (got[i] != expected[i]) return "its header is not this job's";
				for (ResumeJournal.Row r : rows)
					for (ResumeJournal.Tile t : r.tiles()) {
						if (t.level() < 0 || t.level() >= levels.length || t.index() < 0 || t.index() >= levels[t.level()].offsets.length)
							return "it lists a tile this job has not";
						if (ResumeJournal.crc(read(ch, t.offset(), t.length())) != t.crc()) return "a tile's checksum differs";
					}
			}
			return null;
		}

		private static byte[] read(FileChannel ch, long offset, int length) throws IOException {
			ByteBuffer b = ByteBuffer.allocate(length);
			while (b.hasRemaining())
				if (ch.read(b, offset + b.position()) < 0) throw new IOException("unexpected end of file");
			return b.array();
		}

		/**
		 * After {@code rows} level-0 rows: each reduced level whose next tile row is half accumulated (the level below
		 * finished an odd number of rows) gets that half back by decoding the level below's last written tile row.
		 */
		private void rebuildPendingRows(int rows) throws IOException {
			int finished = rows; // tile rows finished of the level below
			for (int k = 1; k < levels.length; k++) {
				Level below = levels[k - 1];
				int mine = finished == below.tilesY ? levels[k].tilesY : finished / 2;
				if (finished % 2 == 1 && finished < below.tilesY) {
					int row = finished - 1;
					TileCodec codec = codecs.get();
					for (int c = 0; c < below.tilesX; c++) {
						int i = row * below.tilesX + c;
						int[] px = codec.decode(read(file, below.offsets[i], (int) below.counts[i]));
						levels[k].accumulate(px, tile, below.tileWidth(c), below.tileHeight(row), c, row);
					}
				}
				finished = mine;
			}
		}

		private void writeLevel0Row(ExecutorService pool, int row, List<ResumeJournal.Tile> written) throws IOException {
			Level l0 = levels[0];
			Level next = levels.length > 1 ? levels[1] : null;
			List<Future<byte[]>> tiles = new ArrayList<>();
			for (int c = 0; c < l0.tilesX; c++) {
				int col = c;
				tiles.add(pool.submit(() -> {
					if (progress.isCancelled()) return null;
					int w = l0.tileWidth(col), h = l0.tileHeight(row);
					RgbImage img;
					try {
						img = source.read((long) col * tile, (long) row * tile, w, h);
					}
					catch (IOException e) {
						throw new SourceException(e);
					}
					if (img.width() != w || img.height() != h)
						throw new IllegalStateException("the source gave " + img.width() + "x" + img.height() + " for a " + w + "x" + h + " region");
					int[] px = padded(img.pixels(), w, w, h, 0, tile);
					if (next != null) next.accumulate(px, tile, w, h, col, row);
					return codecs.get().encode(px);
				}));
			}
			writeInOrder(l0, row, tiles, written);
		}

		/** Level {@code k}'s row completed by row {@code belowRow} of the level below, if it did: encode, write, go on down. */
		private void cascade(ExecutorService pool, int k, int belowRow, List<ResumeJournal.Tile> written) throws IOException {
			if (k >= levels.length) return;
			Level below = levels[k - 1];
			if (belowRow % 2 == 0 && belowRow != below.tilesY - 1) return;
			Level l = levels[k];
			Level next = k + 1 < levels.length ? levels[k + 1] : null;
			int row = belowRow / 2;
			List<Future<byte[]>> tiles = new ArrayList<>();
			for (int c = 0; c < l.tilesX; c++) {
				int col = c;
				tiles.add(pool.submit(() -> {
					if (progress.isCancelled()) return null;
					int w = l.tileWidth(col), h = l.tileHeight(row);
					int[] px = padded(l.pending, l.width, w, h, col * tile, tile);
					if (next != null) next.accumulate(px, tile, w, h, col, row);
					return codecs.get().encode(px);
				}));
			}
			writeInOrder(l, row, tiles, written);
			cascade(pool, k + 1, row, written);
		}

		private void writeInOrder(Level l, int row, List<Future<byte[]>> tiles, List<ResumeJournal.Tile> written) throws IOException {
			try {
				for (int c = 0; c < tiles.size(); c++) {
					byte[] b = tiles.get(c).get();
					if (b == null) throw cancelled();
					int index = row * l.tilesX + c;
					if (!big && position + b.length > 0xFFFFFFFFL)
						throw new IOException("the file outgrew classic TIFF's 4 GB (write it as BigTIFF)");
					writeFully(ByteBuffer.wrap(b), position);
					l.offsets[index] = position;
					l.counts[index] = b.length;
					written.add(new ResumeJournal.Tile(l.index, index, position, b.length, ResumeJournal.crc(b)));
					position += b.length;
					tilesDone++;
				}
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new StainNormException("interrupted while writing " + output);
			}
			catch (ExecutionException e) {
				Throwable cause = e.getCause();
				if (cause instanceof SourceException s) throw s;
				if (cause instanceof IOException io) throw io;
				if (cause instanceof RuntimeException r) throw r;
				if (cause instanceof Error err) throw err;
				throw new IllegalStateException(cause);
			}
			finally {
				for (Future<byte[]> f : tiles)
					f.cancel(true);
			}
		}

		private CancelledException cancelled() {
			return new CancelledException("Writing " + output + " cancelled after " + committedRows + " of " + levels[0].tilesY
				+ " tile rows; " + (committedRows > 0 ? temporary + " and its journal " + journalPath.getFileName()
					+ " are kept: run the same job again to resume" : "nothing is kept"));
		}

		private void writeFully(ByteBuffer b, long at) throws IOException {
			while (b.hasRemaining())
				at += file.write(b, at);
		}

		/** Writes the directories after the tiles, points the header at them, forces, verifies, publishes, cleans up. */
		private void finish() throws IOException {
			long ifdStart = position + (position & 1);
			List<TiffDirectory> dirs = new ArrayList<>();
			String description = description(levels[0].width, levels[0].height, levels.length, o, source.pixelSize());
			for (Level l : levels)
				dirs.add(directory(l, description));
			long at = ifdStart;
			List<Long> starts = new ArrayList<>();
			for (TiffDirectory d : dirs) {
				starts.add(at);
				at += d.size();
			}
			if (!big && at > 0xFFFFFFFFL) throw new IOException("the file outgrew classic TIFF's 4 GB (write it as BigTIFF)");
			for (int i = 0; i < dirs.size(); i++)
				writeFully(ByteBuffer.wrap(dirs.get(i).encode(starts.get(i), i + 1 < dirs.size() ? starts.get(i + 1) : 0)), starts.get(i));
			writeFully(ByteBuffer.wrap(header(ifdStart)), 0);
			file.truncate(at);
			file.force(true);
			file.close();
			long size = Files.size(temporary);
			if (size != at) throw new IOException("only " + size + " of " + at + " bytes reached the disk");
			TileCodec checker = new TileCodec(o);
			try {
				PyramidTiffCheck.verify(temporary, big, levels, checker);
			}
			finally {
				checker.close();
			}
			journal.close();
			try {
				AtomicFile.publish(temporary, output, o.overwrite());
			}
			catch (AtomicFile.TargetExistsException e) {
				Files.deleteIfExists(temporary);
				Files.deleteIfExists(journalPath);
				throw e;
			}
			Files.deleteIfExists(temporary);
			Files.deleteIfExists(journalPath);
		}

		private TiffDirectory directory(Level l, String description) {
			TiffDirectory d = new TiffDirectory(big);
			int offsetType = big ? TiffDirectory.LONG8 : TiffDirectory.LONG;
			d.add(TiffDirectory.NEW_SUBFILE_TYPE, TiffDirectory.LONG, l.index == 0 ? 0 : 1);
			d.add(TiffDirectory.IMAGE_WIDTH, TiffDirectory.LONG, l.width);
			d.add(TiffDirectory.IMAGE_LENGTH, TiffDirectory.LONG, l.height);
			d.add(TiffDirectory.BITS_PER_SAMPLE, TiffDirectory.SHORT, 8, 8, 8);
			d.add(TiffDirectory.COMPRESSION, TiffDirectory.SHORT, TileCodec.tiffCompression(o));
			boolean jpeg = o.compression() == Compression.JPEG;
			d.add(TiffDirectory.PHOTOMETRIC, TiffDirectory.SHORT, jpeg ? 6 : 2);
			if (l.index == 0) d.ascii(TiffDirectory.IMAGE_DESCRIPTION, description);
			d.add(TiffDirectory.SAMPLES_PER_PIXEL, TiffDirectory.SHORT, 3);
			PixelSize px = source.pixelSize().downsampled(Math.pow(2, l.index));
			if (px.known()) {
				d.add(TiffDirectory.X_RESOLUTION, TiffDirectory.RATIONAL, rational(1e4 / px.micronsX()));
				d.add(TiffDirectory.Y_RESOLUTION, TiffDirectory.RATIONAL, rational(1e4 / px.micronsY()));
				d.add(TiffDirectory.RESOLUTION_UNIT, TiffDirectory.SHORT, 3); // centimetre
			}
			d.add(TiffDirectory.PLANAR_CONFIGURATION, TiffDirectory.SHORT, 1);
			d.ascii(TiffDirectory.SOFTWARE, SOFTWARE);
			if (!jpeg && o.predictor()) d.add(TiffDirectory.PREDICTOR, TiffDirectory.SHORT, 2);
			d.add(TiffDirectory.TILE_WIDTH, TiffDirectory.LONG, tile);
			d.add(TiffDirectory.TILE_LENGTH, TiffDirectory.LONG, tile);
			d.add(TiffDirectory.TILE_OFFSETS, offsetType, l.offsets);
			d.add(TiffDirectory.TILE_BYTE_COUNTS, offsetType, l.counts);
			if (jpeg) {
				int f = o.chromaSubsampling() ? 2 : 1;
				d.add(TiffDirectory.YCBCR_SUBSAMPLING, TiffDirectory.SHORT, f, f);
			}
			return d;
		}
	}

	/** Pixels per centimetre as a TIFF RATIONAL, with as many decimals as 32 bits allow (up to 6). */
	static long[] rational(double perCm) {
		long den = 1_000_000;
		while (den > 1 && Math.round(perCm * den) > 0xFFFFFFFFL)
			den /= 10;
		return new long[] { Math.round(perCm * den), den };
	}

	/**
	 * The {@code w × h} block at column {@code x0} of {@code src} (rows {@code stride} long) in a new {@code size²} tile;
	 * the right and bottom margin repeat the last column and row (smoother than a constant, so JPEG spends no bits and
	 * rings no edge there).
	 */
	static int[] padded(int[] src, int stride, int w, int h, int x0, int size) {
		int[] t = new int[size * size];
		for (int y = 0; y < h; y++) {
			int s = y * stride + x0, d = y * size;
			System.arraycopy(src, s, t, d, w);
			if (w < size) java.util.Arrays.fill(t, d + w, d + size, src[s + w - 1]);
		}
		for (int y = h; y < size; y++)
			System.arraycopy(t, (h - 1) * size, t, y * size, size);
		return t;
	}

	private static String sha256(String s) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	/** A source's read failure, carried through the worker threads so that it is not reported as a write failure. */
	private static final class SourceException extends IOException {
		private static final long serialVersionUID = 1L;

		SourceException(IOException cause) {
			super(cause.getMessage(), cause);
		}
	}

	/** One pyramid level: its tile table and (reduced levels) the tile row being accumulated from the level below. */
	static final class Level {
		final int index, width, height, tilesX, tilesY, tile;
		final long[] offsets, counts;
		/** Reduced levels: one tile row of pixels, {@code width} wide, filled by two tile rows of the level below. */
		final int[] pending;

		Level(int index, int width, int height, int tile, boolean reduced) {
			this.index = index;
			this.width = width;
			this.height = height;
			this.tile = tile;
			this.tilesX = (width + tile - 1) / tile;
			this.tilesY = (height + tile - 1) / tile;
			this.offsets = new long[tilesX * tilesY];
			this.counts = new long[tilesX * tilesY];
			this.pending = reduced ? new int[Math.multiplyExact(tile, width)] : null;
		}

		int tileWidth(int col) {
			return Math.min(tile, width - col * tile);
		}

		int tileHeight(int row) {
			return Math.min(tile, height - row * tile);
		}

		/**
		 * Adds the 2×2 means of a tile of the level below ({@code w × h} valid pixels at tile column {@code col}, tile row
		 * {@code belowRow}; rows {@code stride} long) to this level's pending row. An odd last column or row is averaged with
		 * itself, i.e. the mean of the pixels there are. Tiles write disjoint parts, so workers may call this at once.
		 */
		void accumulate(int[] src, int stride, int w, int h, int col, int belowRow) {
			int ow = (w + 1) / 2, oh = (h + 1) / 2;
			int dx = col * (tile / 2), dy = (belowRow % 2) * (tile / 2);
			for (int oy = 0; oy < oh; oy++) {
				int r0 = 2 * oy * stride, r1 = Math.min(2 * oy + 1, h - 1) * stride;
				int d = (dy + oy) * width + dx;
				for (int ox = 0; ox < ow; ox++) {
					int x0 = 2 * ox, x1 = Math.min(x0 + 1, w - 1);
					int a = src[r0 + x0], b = src[r0 + x1], c = src[r1 + x0], e = src[r1 + x1];
					int r = ((a >> 16 & 0xFF) + (b >> 16 & 0xFF) + (c >> 16 & 0xFF) + (e >> 16 & 0xFF) + 2) >> 2;
					int g = ((a >> 8 & 0xFF) + (b >> 8 & 0xFF) + (c >> 8 & 0xFF) + (e >> 8 & 0xFF) + 2) >> 2;
					int bl = ((a & 0xFF) + (b & 0xFF) + (c & 0xFF) + (e & 0xFF) + 2) >> 2;
					pending[d + ox] = 0xFF000000 | r << 16 | g << 8 | bl;
				}
			}
		}
	}
}
