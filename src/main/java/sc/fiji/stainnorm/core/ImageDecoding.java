package sc.fiji.stainnorm.core;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG, JPEG and TIFF files into {@link RgbImage} with the JDK's own Image I/O readers (the plain 8-bit
 * RGB(A) PNG with {@link PngDecoder}, to the same pixels, without Image I/O's per-file cost), never through
 * ImageJ's opener: that one shows modal error dialogs (and aborts a running macro) on files it cannot read,
 * which would hang a batch job. The pixel values are the file's samples, as ImageJ reads them.
 * <p>
 * Converted because nothing is lost or guessed: an alpha channel that is 255 everywhere, palette (indexed)
 * colour (the palette gives the exact RGB of each pixel), ImageJ's 3-channel 8-bit composite TIFF. Refused with
 * what was found: translucent pixels, CMYK (no colour profile to convert with), grayscale (except for STST),
 * 16- and 32-bit, stacks.
 */
final class ImageDecoding {
	private ImageDecoding() {}

	static RgbImage read(Path path, boolean acceptGray) {
		PathChecks.requireReadableRegularFile(path);
		if (!ImageFiles.isImageFile(path))
			throw new StainNormException("Not a supported image file: " + path + " (accepted: " + String.join(", ", ImageFiles.EXTENSIONS) + ")");
		String name = path.getFileName().toString();
		String expected = ImageFiles.extension(path).startsWith("tif") ? "TIFF" : ImageFiles.extension(path).equals("png") ? "PNG" : "JPEG";
		if (expected.equals("PNG")) {
			RgbImage plain = plainPng(path);
			if (plain != null) return plain;
		}
		try (ImageInputStream in = ImageIO.createImageInputStream(path.toFile())) {
			Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
			if (readers == null || !readers.hasNext()) throw damaged(path, expected);
			ImageReader reader = readers.next();
			try {
				reader.setInput(in, false, false);
				String format = reader.getFormatName().toUpperCase(Locale.ROOT);
				int pages = format.startsWith("TIF") ? reader.getNumImages(true) : 1;
				if (pages > 1) return stack(reader, pages, path, acceptGray);
				BufferedImage bi;
				try {
					bi = reader.read(0);
				}
				catch (IOException | RuntimeException e) {
					if (format.contains("JP") && jpegComponents(path) == 4) throw cmyk(name, "JPEG");
					throw damaged(path, expected);
				}
				return convert(bi, name, acceptGray, format.contains("JP") ? "JPEG" : format.startsWith("TIF") ? "TIFF" : format);
			}
			finally {
				reader.dispose();
			}
		}
		catch (StainNormException e) {
			throw e;
		}
		catch (IOException | RuntimeException e) {
			throw damaged(path, expected);
		}
	}

	/** The common 8-bit RGB(A) PNG through {@link PngDecoder}; null for every other file (Image I/O decides). */
	private static RgbImage plainPng(Path path) {
		try {
			return PngDecoder.decode(Files.readAllBytes(path));
		}
		catch (IOException e) {
			return null; // Image I/O's path reports it
		}
	}

	private static StainNormException damaged(Path path, String format) {
		return new StainNormException("Cannot decode " + path + ": the file is damaged or not a " + format + " image");
	}

	private static StainNormException cmyk(String name, String format) {
		return new StainNormException(name + " is a CMYK " + format + ", convert to RGB; accepted: 8-bit RGB colour (CMYK has no "
			+ "unique RGB without its printer's colour profile)");
	}

	/** A multi-page TIFF: RGB only when it is ImageJ's 3-channel 8-bit composite, otherwise refused. */
	private static RgbImage stack(ImageReader reader, int pages, Path path, boolean acceptGray) throws IOException {
		String name = path.getFileName().toString();
		String description = imageJDescription(reader);
		int channels = dimension(description, "channels", 1), slices = dimension(description, "slices", 0),
			frames = dimension(description, "frames", 1);
		if (slices == 0) slices = pages / Math.max(1, channels * frames);
		if (pages == 3 && channels == 3) {
			int[][] planes = new int[3][];
			int w = -1, h = -1;
			for (int c = 0; c < 3; c++) {
				BufferedImage bi = reader.read(c);
				if (!eightBitGray(bi) || (w >= 0 && (bi.getWidth() != w || bi.getHeight() != h))) {
					planes = null;
					break;
				}
				w = bi.getWidth();
				h = bi.getHeight();
				planes[c] = bi.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
			}
			if (planes != null) {
				int[] p = new int[w * h];
				for (int i = 0; i < p.length; i++)
					p[i] = RgbImage.pack(planes[0][i], planes[1][i], planes[2][i]);
				return RgbImage.wrap(w, h, p);
			}
		}
		throw new StainNormException(name + " is a stack of " + pages + " planes (" + channels + " channels, " + slices + " slices, "
			+ frames + " frames); accepted: a single 8-bit RGB image (split the stack first)");
	}

	private static boolean eightBitGray(BufferedImage bi) {
		ColorModel cm = bi.getColorModel();
		return !(cm instanceof IndexColorModel) && cm.getNumComponents() == 1 && cm.getComponentSize(0) == 8
			&& bi.getRaster().getTransferType() == DataBuffer.TYPE_BYTE;
	}

	private static String imageJDescription(ImageReader reader) {
		try {
			IIOMetadata meta = reader.getImageMetadata(0);
			if (meta == null) return "";
			TIFFField f = TIFFDirectory.createFromMetadata(meta).getTIFFField(BaselineTIFFTagSet.TAG_IMAGE_DESCRIPTION);
			return f == null ? "" : f.getAsString(0);
		}
		catch (IOException | RuntimeException e) {
			return "";
		}
	}

	private static int dimension(String description, String key, int otherwise) {
		Matcher m = Pattern.compile("(?m)^" + key + "=(\\d+)").matcher(description);
		return m.find() ? Integer.parseInt(m.group(1)) : otherwise;
	}

	static RgbImage convert(BufferedImage bi, String name, boolean acceptGray, String format) {
		ColorModel cm = bi.getColorModel();
		Raster raster = bi.getRaster();
		int w = bi.getWidth(), h = bi.getHeight();
		if (cm instanceof IndexColorModel icm) return fromPalette(icm, raster, name, acceptGray);
		int colours = cm.getNumColorComponents(), space = cm.getColorSpace().getType();
		if (space == ColorSpace.TYPE_CMYK) throw cmyk(name, format);
		int bits = cm.getComponentSize(0);
		boolean floating = raster.getTransferType() == DataBuffer.TYPE_FLOAT || raster.getTransferType() == DataBuffer.TYPE_DOUBLE;
		for (int c = 0; c < cm.getNumComponents(); c++)
			if (cm.getComponentSize(c) != bits) bits = -1;
		if (bits == 8 && !floating && colours == 3 && space == ColorSpace.TYPE_RGB) {
			refuseTranslucent(bi, name, "RGBA");
			int[] p = new int[w * h], r = new int[w], g = new int[w], b = new int[w]; // row by row: no full-size copies per band
			for (int y = 0; y < h; y++) {
				raster.getSamples(0, y, w, 1, 0, r);
				raster.getSamples(0, y, w, 1, 1, g);
				raster.getSamples(0, y, w, 1, 2, b);
				for (int x = 0; x < w; x++)
					p[y * w + x] = RgbImage.pack(r[x], g[x], b[x]);
			}
			return RgbImage.wrap(w, h, p);
		}
		if (bits == 8 && !floating && colours == 1) {
			refuseTranslucent(bi, name, "gray with alpha");
			if (!acceptGray) throw gray(name, "8-bit grayscale");
			int[] p = new int[w * h], g = new int[w];
			for (int y = 0; y < h; y++) {
				raster.getSamples(0, y, w, 1, 0, g);
				for (int x = 0; x < w; x++)
					p[y * w + x] = RgbImage.pack(g[x], g[x], g[x]);
			}
			return RgbImage.wrap(w, h, p);
		}
		String found = floating ? (bits == 32 ? "32-bit floating point" : bits + "-bit floating point")
			: colours == 1 ? (bits > 0 ? bits + "-bit grayscale" : "grayscale")
			: colours == 3 && space == ColorSpace.TYPE_RGB ? (bits > 0 ? bits + "-bit-per-channel RGB" : "RGB with unequal channel depths")
			: colours + "-channel colour (colour space type " + space + ")";
		throw new StainNormException(name + " is " + found + (cm.hasAlpha() ? " with alpha" : "") + "; accepted: 8-bit RGB colour. In Fiji: Image > Type > RGB Color");
	}

	private static StainNormException gray(String name, String found) {
		return new StainNormException(name + " is " + found + "; accepted: 8-bit RGB colour (only STST can take grayscale input). In Fiji: Image > Type > RGB Color");
	}

	/** Palette colour: each index becomes its palette entry's exact RGB; a gray palette is grayscale. */
	private static RgbImage fromPalette(IndexColorModel icm, Raster raster, String name, boolean acceptGray) {
		int w = raster.getWidth(), h = raster.getHeight();
		int[] p = new int[w * h], index = new int[w];
		long translucent = 0;
		boolean allGray = true;
		for (int y = 0; y < h; y++) {
			raster.getSamples(0, y, w, 1, 0, index);
			for (int x = 0; x < w; x++) {
				int k = index[x];
				if (icm.getAlpha(k) != 255) translucent++;
				int r = icm.getRed(k), g = icm.getGreen(k), b = icm.getBlue(k);
				allGray &= r == g && g == b;
				p[y * w + x] = RgbImage.pack(r, g, b);
			}
		}
		if (translucent > 0) throw translucent(name, "a palette image", translucent);
		if (allGray && !acceptGray) throw gray(name, "grayscale (a palette of gray levels only)");
		return RgbImage.wrap(w, h, p);
	}

	private static void refuseTranslucent(BufferedImage bi, String name, String kind) {
		Raster alpha = bi.getColorModel().hasAlpha() ? bi.getAlphaRaster() : null;
		if (alpha == null) return;
		int w = bi.getWidth(), h = bi.getHeight(), max = (1 << bi.getColorModel().getComponentSize(bi.getColorModel().getNumComponents() - 1)) - 1;
		long n = 0;
		int[] row = new int[w];
		for (int y = 0; y < h; y++) {
			alpha.getSamples(0, y, w, 1, 0, row);
			for (int a : row)
				if (a != max) n++;
		}
		if (n > 0) throw translucent(name, kind, n);
	}

	private static StainNormException translucent(String name, String kind, long pixels) {
		return new StainNormException(name + " is " + kind + " with " + pixels + " non-opaque pixels; accepted: 8-bit RGB, "
			+ "or RGBA whose alpha is 255 everywhere (flatten the image onto white first)");
	}

	/** The number of colour components in a JPEG's frame header, or -1 if none is found. */
	static int jpegComponents(Path path) {
		try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(path))) {
			if (in.read() != 0xFF || in.read() != 0xD8) return -1;
			while (true) {
				int b = in.read();
				while (b == 0xFF)
					b = in.read();
				if (b < 0) return -1;
				int marker = b;
				if (marker == 0xD9 || marker == 0xDA) return -1;
				if (marker >= 0xD0 && marker <= 0xD7 || marker == 0x01) continue;
				int length = (in.read() << 8) | in.read();
				if (length < 2) return -1;
				boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
				if (frame) {
					in.skipNBytes(5); // precision, height, width
					return in.read();
				}
				in.skipNBytes(length - 2);
			}
		}
		catch (IOException e) {
			return -1;
		}
	}
}
