package sc.fiji.stainnorm.slide;

import static sc.fiji.stainnorm.slide.TiffFile.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.PathChecks;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * A whole-slide image opened for region reads: its pyramid levels, largest first, each a thread-safe
 * {@link RegionSource}, with the slide's pixel size, magnification and description.
 * <p>
 * TIFF and BigTIFF (either byte order; so also Aperio SVS and OME-TIFF) are parsed here and read tile by tile,
 * decoding only the tiles or strips a region touches; decoded tiles are kept in a cache bounded by bytes. Levels are
 * the first image and either its SubIFDs (OME-TIFF, {@code vips --subifd}) or the further images of the file that
 * continue its pyramid: the same layout (tiled or strips), smaller, the same aspect ratio, not a mask, and not an
 * Aperio label, macro or thumbnail. Any other file the project reads (PNG, JPEG, a palette TIFF) becomes a one-level
 * slide held in memory.
 * <p>
 * Pixel size, first found wins: Aperio's {@code |MPP = } in the ImageDescription (and {@code |MPP-Y = }, which this
 * project's writer adds when it differs), OME-XML's {@code PhysicalSizeX/Y}
 * (with their units), the TIFF resolution tags with their unit (inch or centimetre; none: unknown). The tags are
 * taken as written, also when a program wrote its default (72 dpi, or libvips' 1 pixel/mm = 1000 µm/px).
 * Magnification: Aperio's {@code |AppMag = }, OME's {@code NominalMagnification}.
 * <p>
 * Errors: a feature that is not read (JPEG 2000, 16-bit, palette pyramids, separate planes, ...) is a
 * {@link StainNormException} naming the file and what was found; a truncated or damaged file, or a tile that does not
 * decode, is an {@link IOException} naming the file and the tile.
 */
public final class Slide implements AutoCloseable {
	/** The decoded-tile cache of a slide opened without a size: 64 MiB (256 tiles of 256², 64 of 512²). */
	public static final long DEFAULT_CACHE_BYTES = 64L << 20;
	/** Images that are not TIFF (or are a TIFF this reader does not tile) are decoded whole: up to this many pixels. */
	static final long MAX_IN_MEMORY_PIXELS = 1L << 28;
	private static final Pattern APERIO_MPP = Pattern.compile("\\|\\s*MPP\\s*=\\s*([0-9.eE+-]+)");
	private static final Pattern APERIO_MPP_Y = Pattern.compile("\\|\\s*MPP-Y\\s*=\\s*([0-9.eE+-]+)");
	private static final Pattern APERIO_MAG = Pattern.compile("\\|\\s*AppMag\\s*=\\s*([0-9.eE+-]+)");
	private static final Pattern ASSOCIATED = Pattern.compile("(?i)\\b(label|macro|thumbnail)\\b");

	private final Path path;
	private final String format;
	private final String description;
	private final PixelSize pixelSize;
	private final List<SlideLevel> levels;
	private final AutoCloseable resources;
	private final TileCache cache;

	private Slide(Path path, String format, String description, PixelSize pixelSize, List<SlideLevel> levels, TileCache cache,
		AutoCloseable resources) {
		this.cache = cache;
		this.path = path;
		this.format = format;
		this.description = description;
		this.pixelSize = pixelSize;
		this.levels = List.copyOf(levels);
		this.resources = resources;
	}

	public static Slide open(Path path) throws IOException {
		return open(path, DEFAULT_CACHE_BYTES);
	}

	/**
	 * Opens a slide; {@code cacheBytes} bounds the decoded tiles kept for later reads (0: none kept).
	 *
	 * @throws StainNormException when the file is not a regular readable file or holds what this reader does not read
	 * @throws IOException when the file is truncated or damaged
	 */
	public static Slide open(Path path, long cacheBytes) throws IOException {
		PathChecks.requireReadableRegularFile(path);
		byte[] head;
		try (InputStream in = Files.newInputStream(path)) {
			head = in.readNBytes(4);
		}
		if (TiffFile.looksLikeTiff(head)) return openTiff(path, cacheBytes);
		return inMemory(path, ImageFiles.read(path), ImageFiles.extension(path).equals("png") ? "PNG" : "JPEG", "");
	}

	private static Slide inMemory(Path path, RgbImage image, String format, String description) {
		return new Slide(path, format, description, PixelSize.UNKNOWN, List.of(new MemoryLevel(image)), new TileCache(0), () -> {});
	}

	private static Slide openTiff(Path path, long cacheBytes) throws IOException {
		TiffFile tiff = TiffFile.open(path);
		JpegTiles jpeg = new JpegTiles();
		try {
			List<Directory> main = tiff.directories();
			Directory first = main.get(0);
			String description = first.string(IMAGE_DESCRIPTION);
			if (first.number(PHOTOMETRIC, -1) == 3 && !first.tiled() && main.size() == 1
				&& first.width() * first.height() <= MAX_IN_MEMORY_PIXELS) {
				// a small palette TIFF: Image I/O reads it whole, each pixel its palette entry's exact RGB
				tiff.close();
				return inMemory(path, ImageFiles.read(path), "TIFF", description);
			}
			List<Directory> pyramid = pyramid(tiff, main);
			PixelSize size = pixelSize(first, description);
			TileCache cache = new TileCache(cacheBytes);
			List<SlideLevel> levels = new ArrayList<>();
			double w0 = first.width(), h0 = first.height();
			for (Directory d : pyramid) {
				double downsample = levels.isEmpty() ? 1 : (w0 / d.width() + h0 / d.height()) / 2;
				// each axis by its own ratio (a level of 375x262 under 3000x2100 is 8 times coarser in x, 8.02 in y)
				PixelSize own = new PixelSize(size.micronsX() * w0 / d.width(), size.micronsY() * h0 / d.height(),
					size.magnification() / downsample);
				levels.add(new TiffLevel(tiff, d, levels.size(), downsample, own, cache, jpeg));
			}
			AutoCloseable resources = () -> {
				cache.clear();
				jpeg.close();
				tiff.close();
			};
			return new Slide(path, format(tiff, description), description, size, levels, cache, resources);
		}
		catch (IOException | RuntimeException e) {
			jpeg.close();
			tiff.close();
			throw e;
		}
	}

	/** The first image and what continues its pyramid (see the class comment); refuses stacks. */
	private static List<Directory> pyramid(TiffFile tiff, List<Directory> main) throws IOException {
		Directory first = main.get(0);
		for (Directory d : main.subList(1, main.size()))
			if (d.width() == first.width() && d.height() == first.height() && (d.number(NEW_SUBFILE_TYPE, 0) & 4) == 0)
				throw new StainNormException(tiff.path() + " holds several images of " + first.width() + "x" + first.height()
					+ " (a stack, or several planes or channels); accepted: one RGB image or one pyramid of it");
		List<Directory> candidates = first.has(SUB_IFDS) ? tiff.subDirectories(first) : main.subList(1, main.size());
		List<Directory> levels = new ArrayList<>();
		levels.add(first);
		for (Directory d : candidates) {
			Directory last = levels.get(levels.size() - 1);
			boolean sameLayout = d.tiled() == first.tiled();
			boolean reduced = first.has(SUB_IFDS) || d.tiled() || (d.number(NEW_SUBFILE_TYPE, 0) & 1) != 0;
			boolean mask = (d.number(NEW_SUBFILE_TYPE, 0) & 4) != 0;
			boolean associated = ASSOCIATED.matcher(d.string(IMAGE_DESCRIPTION)).find();
			boolean smaller = d.width() > 0 && d.height() > 0 && d.width() < last.width() && d.height() <= last.height();
			double expectedHeight = (double) first.height() * d.width() / first.width();
			boolean sameAspect = Math.abs(d.height() - expectedHeight) <= Math.max(2, 0.02 * expectedHeight);
			if (sameLayout && reduced && !mask && !associated && smaller && sameAspect) levels.add(d);
		}
		return levels;
	}

	private static String format(TiffFile tiff, String description) {
		String base = description.startsWith("Aperio") ? "Aperio SVS" : description.contains("<OME") ? "OME-TIFF" : null;
		if (base == null) return tiff.bigTiff() ? "BigTIFF" : "TIFF";
		return tiff.bigTiff() ? base + " (BigTIFF)" : base;
	}

	static PixelSize pixelSize(Directory first, String description) {
		double magnification = Double.NaN;
		// Aperio's "key = value" fields after '|' (also in the descriptions of this project's PyramidTiffWriter)
		magnification = number(APERIO_MAG, description);
		double mpp = number(APERIO_MPP, description), mppY = number(APERIO_MPP_Y, description);
		if (mpp > 0) return new PixelSize(mpp, mppY > 0 ? mppY : mpp, magnification);
		if (description.contains("<OME")) {
			Matcher pixels = Pattern.compile("<(?:\\w+:)?Pixels\\b[^>]*>").matcher(description);
			Matcher objective = Pattern.compile("NominalMagnification=\"([^\"]+)\"").matcher(description);
			if (objective.find()) magnification = parse(objective.group(1));
			if (pixels.find()) {
				String p = pixels.group();
				double x = omeMicrons(p, "PhysicalSizeX"), y = omeMicrons(p, "PhysicalSizeY");
				if (x > 0 && y > 0) return new PixelSize(x, y, magnification);
			}
		}
		long unit = first.number(RESOLUTION_UNIT, 2);
		double perUnit = unit == 2 ? 25400 : unit == 3 ? 10000 : Double.NaN;
		double xr = first.rational(X_RESOLUTION), yr = first.rational(Y_RESOLUTION);
		if (xr > 0 && yr > 0 && perUnit > 0) return new PixelSize(perUnit / xr, perUnit / yr, magnification);
		return new PixelSize(Double.NaN, Double.NaN, magnification);
	}

	private static double omeMicrons(String pixels, String attribute) {
		Matcher v = Pattern.compile("\\b" + attribute + "=\"([^\"]+)\"").matcher(pixels);
		if (!v.find()) return Double.NaN;
		Matcher u = Pattern.compile("\\b" + attribute + "Unit=\"([^\"]+)\"").matcher(pixels);
		double factor = u.find() ? micronsPer(u.group(1)) : 1; // OME's default unit is the micrometre
		return parse(v.group(1)) * factor;
	}

	private static double micronsPer(String unit) {
		return switch (unit.trim()) {
			case "µm", "μm", "um", "micron", "microns" -> 1;
			case "nm" -> 1e-3;
			case "pm" -> 1e-6;
			case "Å" -> 1e-4;
			case "mm" -> 1e3;
			case "cm" -> 1e4;
			case "m" -> 1e6;
			case "in", "inch" -> 25400;
			default -> Double.NaN;
		};
	}

	private static double number(Pattern p, String text) {
		Matcher m = p.matcher(text);
		return m.find() ? parse(m.group(1)) : Double.NaN;
	}

	private static double parse(String s) {
		try {
			return Double.parseDouble(s.trim());
		}
		catch (NumberFormatException e) {
			return Double.NaN;
		}
	}

	/** The decoded tiles kept (for tests). */
	TileCache cache() {
		return cache;
	}

	public Path path() {
		return path;
	}

	/** "TIFF", "BigTIFF", "Aperio SVS", "OME-TIFF" (each with " (BigTIFF)" when it is one), "PNG" or "JPEG". */
	public String format() {
		return format;
	}

	/** The first image's ImageDescription tag; "" when it has none (or the file is no TIFF). */
	public String description() {
		return description;
	}

	/** Pixel size and magnification of level 0 (each level's own is {@link SlideLevel#pixelSize()}). */
	public PixelSize pixelSize() {
		return pixelSize;
	}

	/** The objective magnification the scanner recorded (Aperio's AppMag); NaN when the file does not say. */
	public double magnification() {
		return pixelSize.magnification();
	}

	/** The levels, full resolution first, each coarser than the one before. */
	public List<SlideLevel> levels() {
		return levels;
	}

	public SlideLevel level(int index) {
		return levels.get(index);
	}

	/**
	 * The level to read for a wanted downsample factor: the coarsest whose downsample is at most {@code downsample}
	 * (level 0 for anything up to its own), as OpenSlide's best level for a downsample.
	 */
	public SlideLevel levelFor(double downsample) {
		SlideLevel best = levels.get(0);
		for (SlideLevel l : levels)
			if (l.downsample() <= downsample * (1 + 1e-9)) best = l;
		return best;
	}

	public int levelCount() {
		return levels.size();
	}

	public long width() {
		return levels.get(0).width();
	}

	public long height() {
		return levels.get(0).height();
	}

	@Override
	public String toString() {
		StringBuilder s = new StringBuilder(path + ": " + format + ", " + width() + "x" + height());
		if (pixelSize.known()) s.append(String.format(Locale.ROOT, ", %.4f x %.4f µm/px", pixelSize.micronsX(), pixelSize.micronsY()));
		if (!Double.isNaN(magnification())) s.append(String.format(Locale.ROOT, ", %gx", magnification()));
		s.append(", ").append(levels.size()).append(levels.size() == 1 ? " level" : " levels");
		return s.toString();
	}

	/** Closes the file; reads after this fail with an IOException. */
	@Override
	public void close() throws IOException {
		try {
			resources.close();
		}
		catch (IOException | RuntimeException e) {
			throw e;
		}
		catch (Exception e) {
			throw new IOException(path + ": " + e.getMessage(), e);
		}
	}

	/** A decoded image as a one-level slide. */
	private static final class MemoryLevel implements SlideLevel {
		private final RgbImage image;

		MemoryLevel(RgbImage image) {
			this.image = image;
		}

		@Override
		public long width() {
			return image.width();
		}

		@Override
		public long height() {
			return image.height();
		}

		@Override
		public RgbImage read(long x, long y, int w, int h) {
			RegionSource.checkRegion(this, x, y, w, h);
			return image.crop((int) x, (int) y, w, h);
		}

		@Override
		public int index() {
			return 0;
		}

		@Override
		public double downsample() {
			return 1;
		}

		@Override
		public int tileWidth() {
			return Math.min(512, image.width());
		}

		@Override
		public int tileHeight() {
			return Math.min(512, image.height());
		}

		@Override
		public String compression() {
			return "in memory";
		}
	}
}
