package sc.fiji.stainnorm.slide;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A TIFF or BigTIFF file, either byte order: its image file directories (the main chain and the SubIFDs of tag 330),
 * with the values of the tags the slide reader uses, and positional reads of its bytes. Positional reads on one
 * {@link FileChannel} do not move a shared file pointer, so any number of threads can read tiles at once.
 */
final class TiffFile implements AutoCloseable {
	static final int NEW_SUBFILE_TYPE = 254, IMAGE_WIDTH = 256, IMAGE_LENGTH = 257, BITS_PER_SAMPLE = 258,
		COMPRESSION = 259, PHOTOMETRIC = 262, IMAGE_DESCRIPTION = 270, STRIP_OFFSETS = 273, ORIENTATION = 274,
		SAMPLES_PER_PIXEL = 277, ROWS_PER_STRIP = 278, STRIP_BYTE_COUNTS = 279, X_RESOLUTION = 282, Y_RESOLUTION = 283,
		PLANAR_CONFIGURATION = 284, RESOLUTION_UNIT = 296, PREDICTOR = 317, TILE_WIDTH = 322, TILE_LENGTH = 323,
		TILE_OFFSETS = 324, TILE_BYTE_COUNTS = 325, SUB_IFDS = 330, EXTRA_SAMPLES = 338, SAMPLE_FORMAT = 339,
		JPEG_TABLES = 347;
	/** The tags whose values are read; the others are only noted as present. */
	private static final Set<Integer> READ = Set.of(NEW_SUBFILE_TYPE, IMAGE_WIDTH, IMAGE_LENGTH, BITS_PER_SAMPLE,
		COMPRESSION, PHOTOMETRIC, IMAGE_DESCRIPTION, STRIP_OFFSETS, ORIENTATION, SAMPLES_PER_PIXEL, ROWS_PER_STRIP,
		STRIP_BYTE_COUNTS, X_RESOLUTION, Y_RESOLUTION, PLANAR_CONFIGURATION, RESOLUTION_UNIT, PREDICTOR, TILE_WIDTH,
		TILE_LENGTH, TILE_OFFSETS, TILE_BYTE_COUNTS, SUB_IFDS, EXTRA_SAMPLES, SAMPLE_FORMAT, JPEG_TABLES);
	private static final int MAX_DIRECTORIES = 10_000;

	private final Path path;
	private final FileChannel channel;
	private final long size;
	private final ByteOrder order;
	private final boolean big;
	private final List<Directory> main = new ArrayList<>();
	private final Set<Long> seen = new HashSet<>();

	private TiffFile(Path path, FileChannel channel) throws IOException {
		this.path = path;
		this.channel = channel;
		this.size = channel.size();
		ByteBuffer header = read(0, 8, "the header");
		byte a = header.get(0), b = header.get(1);
		if (a == 'I' && b == 'I') order = ByteOrder.LITTLE_ENDIAN;
		else if (a == 'M' && b == 'M') order = ByteOrder.BIG_ENDIAN;
		else throw new IOException(path + " is not a TIFF file (no II/MM byte order mark)");
		header.order(order);
		int magic = header.getShort(2) & 0xFFFF;
		long first;
		if (magic == 42) {
			big = false;
			first = header.getInt(4) & 0xFFFFFFFFL;
		}
		else if (magic == 43) {
			big = true;
			ByteBuffer h = read(0, 16, "the BigTIFF header").order(order);
			if ((h.getShort(4) & 0xFFFF) != 8)
				throw new IOException(path + ": BigTIFF header with offset size " + (h.getShort(4) & 0xFFFF) + " (expected 8)");
			first = h.getLong(8);
		}
		else throw new IOException(path + " is not a TIFF file (version " + magic + ", expected 42 or 43)");
		for (long at = first; at != 0;) {
			Directory d = directory(at);
			main.add(d);
			at = d.next;
		}
		if (main.isEmpty()) throw new IOException(path + " holds no image (its first directory offset is 0)");
	}

	static boolean looksLikeTiff(byte[] head) {
		if (head.length < 4) return false;
		boolean ii = head[0] == 'I' && head[1] == 'I' && (head[2] == 42 || head[2] == 43) && head[3] == 0;
		boolean mm = head[0] == 'M' && head[1] == 'M' && head[2] == 0 && (head[3] == 42 || head[3] == 43);
		return ii || mm;
	}

	static TiffFile open(Path path) throws IOException {
		FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
		try {
			return new TiffFile(path, channel);
		}
		catch (IOException | RuntimeException e) {
			channel.close();
			throw e;
		}
	}

	Path path() {
		return path;
	}

	boolean bigTiff() {
		return big;
	}

	long size() {
		return size;
	}

	/** The directories of the main chain, first to last. */
	List<Directory> directories() {
		return main;
	}

	/** The SubIFDs (tag 330) of a directory, in their order. */
	List<Directory> subDirectories(Directory parent) throws IOException {
		List<Directory> out = new ArrayList<>();
		for (long at : parent.longs(SUB_IFDS))
			out.add(directory(at));
		return out;
	}

	/**
	 * {@code length} bytes at {@code position}, all of them, or an IOException naming the file and {@code what}
	 * (never fewer bytes: a short read is a truncated file).
	 */
	ByteBuffer read(long position, int length, String what) throws IOException {
		if (position < 0 || length < 0 || position + length > size)
			throw new EOFException(path + " is truncated or damaged: " + what + " (" + length + " bytes at offset " + position
				+ ") lies past the end of the file (" + size + " bytes)");
		ByteBuffer buffer = ByteBuffer.allocate(length);
		while (buffer.hasRemaining()) {
			int n;
			try {
				n = channel.read(buffer, position + buffer.position());
			}
			catch (ClosedChannelException e) {
				throw new IOException(path + " is closed: cannot read " + what, e);
			}
			if (n < 0)
				throw new EOFException(path + " is truncated: " + what + " (" + length + " bytes at offset " + position
					+ ") ends after " + buffer.position() + " bytes");
		}
		return buffer.flip();
	}

	private Directory directory(long at) throws IOException {
		if (!seen.add(at)) throw new IOException(path + " is damaged: its image directories form a loop (offset " + at + ")");
		if (seen.size() > MAX_DIRECTORIES) throw new IOException(path + " has more than " + MAX_DIRECTORIES + " image directories");
		String what = "the image directory at offset " + at;
		int countSize = big ? 8 : 2, entrySize = big ? 20 : 12, offsetSize = big ? 8 : 4;
		ByteBuffer c = read(at, countSize, what).order(order);
		long count = big ? c.getLong(0) : c.getShort(0) & 0xFFFF;
		if (count <= 0 || count > 4096) throw new IOException(path + " is damaged: " + what + " claims " + count + " entries");
		ByteBuffer e = read(at + countSize, (int) count * entrySize + offsetSize, what).order(order);
		Map<Integer, Object> values = new HashMap<>();
		for (int i = 0; i < count; i++) {
			int base = i * entrySize;
			int tag = e.getShort(base) & 0xFFFF, type = e.getShort(base + 2) & 0xFFFF;
			long n = big ? e.getLong(base + 4) : e.getInt(base + 4) & 0xFFFFFFFFL;
			if (!READ.contains(tag)) {
				values.put(tag, null);
				continue;
			}
			int typeSize = typeSize(type);
			if (typeSize == 0 || n < 0 || n * typeSize > size)
				throw new IOException(path + " is damaged: tag " + tag + " of " + what + " has type " + type + " and " + n + " values");
			int bytes = (int) (n * typeSize);
			ByteBuffer data;
			int valueAt = base + (big ? 12 : 8);
			if (bytes <= offsetSize) data = e.duplicate().order(order).position(valueAt).limit(valueAt + bytes).slice().order(order);
			else {
				long pos = big ? e.getLong(valueAt) : e.getInt(valueAt) & 0xFFFFFFFFL;
				data = read(pos, bytes, "the values of tag " + tag + " of " + what).order(order);
			}
			values.put(tag, decode(type, (int) n, data));
		}
		long next = big ? e.getLong((int) count * entrySize) : e.getInt((int) count * entrySize) & 0xFFFFFFFFL;
		return new Directory(at, values, next);
	}

	private static int typeSize(int type) {
		return switch (type) {
			case 1, 2, 6, 7 -> 1;
			case 3, 8 -> 2;
			case 4, 9, 11, 13 -> 4;
			case 5, 10, 12, 16, 17, 18 -> 8;
			default -> 0;
		};
	}

	private static Object decode(int type, int n, ByteBuffer b) {
		switch (type) {
			case 2: {
				byte[] s = new byte[n];
				b.get(0, s);
				int end = 0;
				while (end < n && s[end] != 0) end++;
				return new String(s, 0, end, StandardCharsets.UTF_8);
			}
			case 7: {
				byte[] s = new byte[n];
				b.get(0, s);
				return s;
			}
			case 5, 10: {
				double[] d = new double[n];
				for (int i = 0; i < n; i++) {
					long num = type == 5 ? b.getInt(8 * i) & 0xFFFFFFFFL : b.getInt(8 * i);
					long den = type == 5 ? b.getInt(8 * i + 4) & 0xFFFFFFFFL : b.getInt(8 * i + 4);
					d[i] = den == 0 ? Double.NaN : (double) num / den;
				}
				return d;
			}
			case 11, 12: {
				double[] d = new double[n];
				for (int i = 0; i < n; i++)
					d[i] = type == 11 ? b.getFloat(4 * i) : b.getDouble(8 * i);
				return d;
			}
			default: {
				long[] v = new long[n];
				for (int i = 0; i < n; i++)
					v[i] = switch (type) {
						case 1 -> b.get(i) & 0xFF;
						case 6 -> b.get(i);
						case 3 -> b.getShort(2 * i) & 0xFFFF;
						case 8 -> b.getShort(2 * i);
						case 4, 13 -> b.getInt(4 * i) & 0xFFFFFFFFL;
						case 9 -> b.getInt(4 * i);
						default -> b.getLong(8 * i);
					};
				return v;
			}
		}
	}

	@Override
	public void close() throws IOException {
		channel.close();
	}

	/** One image file directory: where it is, its tags, and the offset of the next one in its chain (0: none). */
	static final class Directory {
		final long position;
		final long next;
		private final Map<Integer, Object> values;

		Directory(long position, Map<Integer, Object> values, long next) {
			this.position = position;
			this.values = values;
			this.next = next;
		}

		boolean has(int tag) {
			return values.containsKey(tag);
		}

		/** The integer values of a tag; empty when absent. */
		long[] longs(int tag) {
			Object v = values.get(tag);
			if (v instanceof long[] l) return l;
			if (v instanceof byte[] b) {
				long[] l = new long[b.length];
				for (int i = 0; i < b.length; i++) l[i] = b[i] & 0xFF;
				return l;
			}
			return new long[0];
		}

		long number(int tag, long otherwise) {
			long[] v = longs(tag);
			return v.length == 0 ? otherwise : v[0];
		}

		double rational(int tag) {
			Object v = values.get(tag);
			if (v instanceof double[] d && d.length > 0) return d[0];
			if (v instanceof long[] l && l.length > 0) return l[0];
			return Double.NaN;
		}

		String string(int tag) {
			return values.get(tag) instanceof String s ? s : "";
		}

		byte[] bytes(int tag) {
			Object v = values.get(tag);
			if (v instanceof byte[] b) return b;
			if (v instanceof long[] l) {
				byte[] b = new byte[l.length];
				for (int i = 0; i < l.length; i++) b[i] = (byte) l[i];
				return b;
			}
			return null;
		}

		long width() {
			return number(IMAGE_WIDTH, 0);
		}

		long height() {
			return number(IMAGE_LENGTH, 0);
		}

		boolean tiled() {
			return has(TILE_WIDTH) || has(TILE_OFFSETS);
		}
	}
}
