package sc.fiji.stainnorm.slide;

import static sc.fiji.stainnorm.slide.TiffFile.*;

import java.io.IOException;
import java.nio.ByteBuffer;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * One pyramid level of a TIFF: its tile (or strip) grid, and region reads that decode only the tiles the region
 * touches, through the slide's {@link TileCache}. Checked when made: 8 bits per sample, RGB (3 samples, or 4 with an
 * extra sample that must be opaque), chunky, one of the compressions none, LZW, deflate, PackBits or JPEG.
 */
final class TiffLevel implements SlideLevel {
	/** The most pixels one tile or compressed strip may hold (decoded: 256 MiB). */
	static final long MAX_DECODED_PIXELS = 1L << 26;
	private final TiffFile file;
	private final int index;
	private final long width, height;
	private final int tileWidth, tileHeight, across, down, samples, compression, predictor;
	private final boolean tiled, ycbcr;
	private final long[] offsets, byteCounts;
	private final byte[] jpegTables;
	private final double downsample;
	private final PixelSize pixelSize;
	private final TileCache cache;
	private final JpegTiles jpeg;

	TiffLevel(TiffFile file, Directory d, int index, double downsample, PixelSize pixelSize, TileCache cache, JpegTiles jpeg)
		throws IOException {
		this.file = file;
		this.index = index;
		this.downsample = downsample;
		this.pixelSize = pixelSize;
		this.cache = cache;
		this.jpeg = jpeg;
		width = d.width();
		height = d.height();
		String where = file.path() + " (level " + index + ", image directory at offset " + d.position + ")";
		if (width <= 0 || height <= 0) throw new IOException(where + " is damaged: image size " + width + "x" + height);
		compression = (int) d.number(COMPRESSION, 1);
		samples = (int) d.number(SAMPLES_PER_PIXEL, 1);
		int photometric = (int) d.number(PHOTOMETRIC, -1);
		predictor = (int) d.number(PREDICTOR, 1);
		unsupportedUnless(compressionName(compression) != null, where, "compression " + compression + " ("
			+ unsupportedCompression(compression) + ")", "uncompressed, LZW, deflate, PackBits or JPEG");
		long[] bits = d.longs(BITS_PER_SAMPLE);
		for (long b : bits.length == 0 ? new long[] { 1 } : bits)
			unsupportedUnless(b == 8, where, b + " bits per sample", "8 bits per sample");
		for (long f : d.longs(SAMPLE_FORMAT))
			unsupportedUnless(f == 1, where, "sample format " + f + (f == 3 ? " (floating point)" : f == 2 ? " (signed)" : ""),
				"unsigned 8-bit samples");
		unsupportedUnless(photometric == 2 || photometric == 6, where, "photometric interpretation " + photometric + " ("
			+ photometricName(photometric) + ")", "RGB or YCbCr colour");
		unsupportedUnless(samples == 3 || samples == 4 && d.longs(EXTRA_SAMPLES).length == 1, where, samples
			+ " samples per pixel", "3 (RGB) or 4 (RGB and alpha)");
		unsupportedUnless(d.number(PLANAR_CONFIGURATION, 1) == 1, where, "separate colour planes (planar configuration 2)",
			"interleaved (chunky) samples");
		unsupportedUnless(photometric != 6 || compression == 7, where, "YCbCr colour outside JPEG",
			"YCbCr only in JPEG tiles");
		unsupportedUnless(compression != 7 || samples == 3, where, "JPEG with " + samples + " samples", "JPEG with 3 samples");
		unsupportedUnless(predictor == 1 || predictor == 2 && (compression == 5 || compression == 8 || compression == 32946),
			where, "predictor " + predictor + (predictor == 3 ? " (floating point)" : ""), "none or horizontal (2) with LZW or deflate");
		long orientation = d.number(ORIENTATION, 1);
		unsupportedUnless(orientation == 1, where, "orientation " + orientation, "orientation 1 (top left)");
		ycbcr = photometric == 6;
		tiled = d.tiled();
		if (tiled) {
			long tw = d.number(TILE_WIDTH, 0), th = d.number(TILE_LENGTH, 0);
			if (tw <= 0 || th <= 0 || tw > 65536 || th > 65536) throw new IOException(where + " is damaged: tile size " + tw + "x" + th);
			if (tw * th > MAX_DECODED_PIXELS)
				throw new StainNormException(where + " has tiles of " + tw + "x" + th + " pixels, too large to decode in memory; "
					+ "accepted: tiles up to " + MAX_DECODED_PIXELS + " pixels (re-save it with smaller tiles, e.g. vips tiffsave --tile)");
			tileWidth = (int) tw;
			tileHeight = (int) th;
			offsets = d.longs(TILE_OFFSETS);
			byteCounts = d.longs(TILE_BYTE_COUNTS);
		}
		else {
			long rows = Math.min(d.number(ROWS_PER_STRIP, height), height);
			if (rows <= 0) throw new IOException(where + " is damaged: " + rows + " rows per strip");
			// uncompressed strips are read row by row (readRows), whatever their size; others are decoded whole
			if (compression != 1 && width * rows > MAX_DECODED_PIXELS)
				throw new StainNormException(where + " has compressed strips of " + width + "x" + rows + " pixels, too large to "
					+ "decode in memory; accepted: tiles, uncompressed strips, or compressed strips up to " + MAX_DECODED_PIXELS
					+ " pixels (re-save it tiled, e.g. vips tiffsave --tile)");
			tileWidth = (int) width;
			tileHeight = (int) rows;
			offsets = d.longs(STRIP_OFFSETS);
			byteCounts = d.longs(STRIP_BYTE_COUNTS);
		}
		long a = (width + tileWidth - 1) / tileWidth, b = (height + tileHeight - 1) / tileHeight;
		if (a * b > Integer.MAX_VALUE) throw new IOException(where + " is damaged: " + a + "x" + b + " tiles");
		across = (int) a;
		down = (int) b;
		if (offsets.length < a * b || byteCounts.length < a * b)
			throw new IOException(where + " is damaged: " + offsets.length + " " + (tiled ? "tile" : "strip") + " offsets and "
				+ byteCounts.length + " byte counts for " + a * b + " " + (tiled ? "tiles" : "strips"));
		byte[] tables = d.bytes(JPEG_TABLES);
		jpegTables = tables;
	}

	private static void unsupportedUnless(boolean ok, String where, String found, String accepted) {
		if (!ok) throw new StainNormException(where + ": unsupported " + found + "; accepted: " + accepted);
	}

	static String compressionName(int c) {
		return switch (c) {
			case 1 -> "none";
			case 5 -> "LZW";
			case 7 -> "JPEG";
			case 8, 32946 -> "deflate";
			case 32773 -> "PackBits";
			default -> null;
		};
	}

	private static String unsupportedCompression(int c) {
		return switch (c) {
			case 2, 3, 4, 32771 -> "CCITT fax, for 1-bit images";
			case 6 -> "old-style JPEG";
			case 33003, 33004, 33005, 34712 -> "JPEG 2000";
			case 34887, 34892 -> "lossy JPEG of DNG";
			case 34925 -> "LZMA";
			case 50000 -> "Zstandard";
			case 50001 -> "WebP";
			case 34933 -> "PNG";
			case 52546 -> "JPEG XL";
			default -> "unknown";
		};
	}

	private static String photometricName(int p) {
		return switch (p) {
			case 0, 1 -> "grayscale";
			case 3 -> "palette";
			case 4 -> "transparency mask";
			case 5 -> "CMYK";
			case 8, 9, 10 -> "CIE L*a*b*";
			case -1 -> "missing";
			default -> "unknown";
		};
	}

	@Override
	public int index() {
		return index;
	}

	@Override
	public double downsample() {
		return downsample;
	}

	@Override
	public int tileWidth() {
		return tileWidth;
	}

	@Override
	public int tileHeight() {
		return tileHeight;
	}

	@Override
	public String compression() {
		return compressionName(compression) + (predictor == 2 ? " (horizontal predictor)" : "") + (ycbcr ? " (YCbCr)" : "");
	}

	@Override
	public long width() {
		return width;
	}

	@Override
	public long height() {
		return height;
	}

	@Override
	public PixelSize pixelSize() {
		return pixelSize;
	}

	@Override
	public RgbImage read(long x, long y, int w, int h) throws IOException {
		RegionSource.checkRegion(this, x, y, w, h);
		if (!tiled && compression == 1) return readRows(x, y, w, h);
		int[] out = new int[Math.multiplyExact(w, h)];
		int c0 = (int) (x / tileWidth), c1 = (int) ((x + w - 1) / tileWidth);
		int r0 = (int) (y / tileHeight), r1 = (int) ((y + h - 1) / tileHeight);
		for (int r = r0; r <= r1; r++)
			for (int c = c0; c <= c1; c++) {
				int[] tile = tile(c, r);
				long tx = (long) c * tileWidth, ty = (long) r * tileHeight;
				long ix0 = Math.max(x, tx), ix1 = Math.min(x + w, tx + tileWidth);
				long iy0 = Math.max(y, ty), iy1 = Math.min(y + h, ty + tileHeight);
				int n = (int) (ix1 - ix0);
				for (long yy = iy0; yy < iy1; yy++)
					System.arraycopy(tile, (int) ((yy - ty) * tileWidth + (ix0 - tx)), out, (int) ((yy - y) * w + (ix0 - x)), n);
			}
		return RgbImage.wrap(w, h, out);
	}

	/** Uncompressed strips: only the bytes of the region, row by row, straight from the file (no cache). */
	private RgbImage readRows(long x, long y, int w, int h) throws IOException {
		int[] out = new int[Math.multiplyExact(w, h)];
		int n = Math.multiplyExact(w, samples);
		for (int j = 0; j < h; j++) {
			long row = y + j;
			int strip = (int) (row / tileHeight);
			long start = ((row - (long) strip * tileHeight) * width + x) * samples;
			String what = "row " + row + " of strip " + strip + " of level " + index;
			if (offsets[strip] <= 0 || start + n > byteCounts[strip])
				throw new IOException(file.path() + " is damaged: " + what + " lies outside the strip's data (offset " + offsets[strip]
					+ ", " + byteCounts[strip] + " bytes)");
			byte[] raw = file.read(offsets[strip] + start, n, what).array();
			for (int i = 0, o = 0, p = j * w; i < w; i++, o += samples, p++) {
				if (samples == 4 && raw[o + 3] != (byte) 0xFF) throw translucent(what, x + i, row);
				out[p] = 0xFF000000 | (raw[o] & 0xFF) << 16 | (raw[o + 1] & 0xFF) << 8 | raw[o + 2] & 0xFF;
			}
		}
		return RgbImage.wrap(w, h, out);
	}

	/** Where the data of a tile (or strip, {@code c} = 0) starts in the file, and its length. */
	long tileOffset(int c, int r) {
		return offsets[r * across + c];
	}

	long tileByteCount(int c, int r) {
		return byteCounts[r * across + c];
	}

	private int[] tile(int c, int r) throws IOException {
		long i = (long) r * across + c;
		return cache.get(new TileCache.Key(index, i), () -> decode(c, r, (int) i));
	}

	private String tileName(int c, int r) {
		return (tiled ? "tile " + c + "," + r + " (of " + across + "x" + down + ")" : "strip " + r + " (of " + down + ")")
			+ " of level " + index;
	}

	/** The pixels of one tile (all of its stored width; a strip's rows only as far as the image goes). */
	private int[] decode(int c, int r, int i) throws IOException {
		int rows = tiled ? tileHeight : (int) Math.min(tileHeight, height - (long) r * tileHeight);
		String what = tileName(c, r);
		long offset = offsets[i], count = byteCounts[i];
		if (count <= 0 || offset <= 0)
			throw new IOException(file.path() + " is damaged: " + what + " has no data (offset " + offset + ", " + count + " bytes)");
		if (count > Integer.MAX_VALUE - 64) throw new IOException(file.path() + " is damaged: " + what + " claims " + count + " bytes");
		ByteBuffer data = file.read(offset, (int) count, what);
		byte[] bytes = data.array();
		try {
			if (compression == 7) return jpeg(bytes, rows, what);
			byte[] raw = new byte[Math.multiplyExact(tileWidth * rows, samples)];
			switch (compression) {
				case 1 -> {
					if (bytes.length < raw.length) throw new IOException("holds " + bytes.length + " bytes, expected " + raw.length);
					System.arraycopy(bytes, 0, raw, 0, raw.length);
				}
				case 5 -> TiffCodecs.lzw(bytes, raw);
				case 8, 32946 -> TiffCodecs.inflate(bytes, raw);
				case 32773 -> TiffCodecs.packBits(bytes, raw);
				default -> throw new IllegalStateException("compression " + compression);
			}
			if (predictor == 2) TiffCodecs.undoHorizontalPredictor(raw, tileWidth * samples, rows, samples);
			int[] px = new int[tileWidth * rows];
			for (int p = 0, o = 0; p < px.length; p++, o += samples) {
				if (samples == 4 && raw[o + 3] != (byte) 0xFF)
					throw translucent(what, (long) c * tileWidth + p % tileWidth, (long) r * tileHeight + p / tileWidth);
				px[p] = 0xFF000000 | (raw[o] & 0xFF) << 16 | (raw[o + 1] & 0xFF) << 8 | raw[o + 2] & 0xFF;
			}
			return px;
		}
		catch (StainNormException e) {
			throw e;
		}
		catch (IOException e) {
			throw new IOException(file.path() + ": cannot decode " + what + " (" + count + " bytes at offset " + offset + "): "
				+ e.getMessage(), e);
		}
	}

	private StainNormException translucent(String what, long x, long y) {
		return new StainNormException(file.path() + " has translucent pixels (alpha below 255 at " + x + "," + y + ", in " + what
			+ "); accepted: RGB, or RGBA whose alpha is 255 everywhere");
	}

	private int[] jpeg(byte[] bytes, int rows, String what) throws IOException {
		JpegTiles.Components j = jpeg.decode(TiffCodecs.spliceTables(jpegTables, bytes));
		if (j.width() < tileWidth || j.height() < rows)
			throw new IOException("the JPEG stream is " + j.width() + "x" + j.height() + ", smaller than the " + tileWidth + "x" + rows
				+ " of the " + (tiled ? "tile" : "strip"));
		int[] px = new int[tileWidth * rows];
		byte[] s = j.samples();
		for (int y = 0, p = 0; y < rows; y++)
			for (int x = 0, o = y * j.width() * 3; x < tileWidth; x++, o += 3, p++) {
				int a = s[o] & 0xFF, b = s[o + 1] & 0xFF, c = s[o + 2] & 0xFF;
				px[p] = j.ycbcr() ? TiffCodecs.ycbcrToRgb(a, b, c) : 0xFF000000 | a << 16 | b << 8 | c;
			}
		return px;
	}
}
