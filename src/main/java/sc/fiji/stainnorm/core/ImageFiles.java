package sc.fiji.stainnorm.core;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import javax.imageio.ImageIO;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;

/**
 * Reading and writing images through ImageJ 1.x, and conversion to and from {@link ImagePlus}.
 * Accepts 8-bit RGB; converts only where nothing is lost or guessed (an opaque alpha channel, a 3-channel
 * 8-bit composite); everything else gets an error that says what was found and what is accepted.
 */
public final class ImageFiles {
	/** File endings we read and write. */
	public static final String[] EXTENSIONS = { "png", "tif", "tiff", "jpg", "jpeg" };

	private ImageFiles() {}

	public static boolean isImageFile(Path path) {
		String ext = extension(path);
		for (String e : EXTENSIONS)
			if (e.equals(ext)) return true;
		return false;
	}

	/** Reads an 8-bit RGB image; anything else is refused with a clear message. */
	public static RgbImage read(Path path) {
		return fromImagePlus(open(path), false);
	}

	/**
	 * Reads an RGB image, or an 8-bit grayscale one as R = G = B. For STST, whose input is grayscale anyway;
	 * the classical methods need colour and use {@link #read}.
	 */
	public static RgbImage readAcceptingGray(Path path) {
		return fromImagePlus(open(path), true);
	}

	private static ImagePlus open(Path path) {
		if (!Files.exists(path)) throw new StainNormException("File not found: " + path);
		if (Files.isDirectory(path)) throw new StainNormException("Expected an image file but found a folder: " + path);
		if (!Files.isReadable(path)) throw new StainNormException("Cannot read " + path + ": permission denied");
		if (!isImageFile(path))
			throw new StainNormException("Not a supported image file: " + path + " (accepted: " + String.join(", ", EXTENSIONS) + ")");
		if ("png".equals(extension(path))) refuseTranslucentPng(path);
		ImagePlus imp;
		try {
			imp = IJ.openImage(path.toString());
		}
		catch (RuntimeException e) {
			imp = null;
		}
		if (imp == null || imp.getProcessor() == null)
			throw new StainNormException("Cannot decode " + path + ": the file is damaged or not a " + extension(path).toUpperCase(Locale.ROOT) + " image");
		imp.setTitle(path.getFileName().toString());
		return imp;
	}

	/** ImageJ drops alpha silently; a translucent pixel's colour is not the tissue's, so refuse it. */
	private static void refuseTranslucentPng(Path path) {
		BufferedImage bi;
		try {
			bi = ImageIO.read(path.toFile());
		}
		catch (IOException | RuntimeException e) {
			throw new StainNormException("Cannot decode " + path + ": the file is damaged or not a PNG image");
		}
		if (bi == null) throw new StainNormException("Cannot decode " + path + ": the file is damaged or not a PNG image");
		if (!bi.getColorModel().hasAlpha()) return;
		var alpha = bi.getAlphaRaster();
		int w = bi.getWidth(), h = bi.getHeight();
		long translucent = 0;
		int[] row = new int[w];
		for (int y = 0; y < h; y++) {
			alpha.getSamples(0, y, w, 1, 0, row);
			for (int a : row)
				if (a != 255) translucent++;
		}
		if (translucent > 0)
			throw new StainNormException(path.getFileName() + " is RGBA with " + translucent + " non-opaque pixels; accepted: 8-bit RGB, "
				+ "or RGBA whose alpha is 255 everywhere (flatten the image onto white first)");
	}

	/** Converts an ImageJ image to RGB; see the class comment for what is accepted. */
	public static RgbImage fromImagePlus(ImagePlus imp) {
		return fromImagePlus(imp, false);
	}

	public static RgbImage fromImagePlus(ImagePlus imp, boolean acceptGray) {
		String name = imp.getTitle() == null || imp.getTitle().isEmpty() ? "The image" : imp.getTitle();
		int w = imp.getWidth(), h = imp.getHeight();
		int slices = imp.getNSlices(), frames = imp.getNFrames(), channels = imp.getNChannels();
		if (imp.getBitDepth() == 8 && channels == 3 && slices == 1 && frames == 1 && imp.getStackSize() == 3) {
			// a 3-channel 8-bit composite is RGB stored as planes: unambiguous
			byte[] r = (byte[]) imp.getStack().getPixels(1), g = (byte[]) imp.getStack().getPixels(2), b = (byte[]) imp.getStack().getPixels(3);
			int[] p = new int[w * h];
			for (int i = 0; i < p.length; i++)
				p[i] = RgbImage.pack(r[i] & 0xFF, g[i] & 0xFF, b[i] & 0xFF);
			return RgbImage.wrap(w, h, p);
		}
		if (imp.getStackSize() > 1)
			throw new StainNormException(name + " is a stack of " + imp.getStackSize() + " planes (" + channels + " channels, "
				+ slices + " slices, " + frames + " frames); accepted: a single 8-bit RGB image (split the stack first)");
		int bits = imp.getBitDepth();
		ImageProcessor ip = imp.getProcessor();
		if (bits == 24) return RgbImage.wrap(w, h, ((int[]) ip.getPixels()).clone());
		if (bits == 8 && acceptGray && !ip.isColorLut() && !ip.isInvertedLut()) {
			byte[] g = (byte[]) ip.getPixels();
			int[] p = new int[w * h];
			for (int i = 0; i < p.length; i++)
				p[i] = RgbImage.pack(g[i] & 0xFF, g[i] & 0xFF, g[i] & 0xFF);
			return RgbImage.wrap(w, h, p);
		}
		String found = switch (bits) {
			case 8 -> ip.isColorLut() ? "8-bit indexed colour" : "8-bit grayscale";
			case 16 -> "16-bit grayscale";
			case 32 -> "32-bit floating point";
			default -> bits + "-bit";
		};
		throw new StainNormException(name + " is " + found + "; accepted: 8-bit RGB colour"
			+ (bits == 8 && !acceptGray ? " (only STST can take grayscale input)" : "")
			+ ". In Fiji: Image > Type > RGB Color");
	}

	public static ImagePlus toImagePlus(RgbImage image, String title) {
		return new ImagePlus(title, new ColorProcessor(image.width(), image.height(), image.pixels().clone()));
	}

	/**
	 * Writes atomically and verified ({@link ImageOutput}, {@link AtomicFile}) as PNG, TIFF or JPEG (quality 95),
	 * following the file ending, replacing an existing file.
	 */
	public static void write(RgbImage image, Path path) {
		write(image, path, true);
	}

	/**
	 * As {@link #write(RgbImage, Path)}; with {@code replace = false} an existing file is kept and
	 * {@link AtomicFile.TargetExistsException} thrown, even when another writer finished it a moment ago.
	 */
	public static void write(RgbImage image, Path path, boolean replace) {
		ImageOutput.write(toImagePlus(image, path.getFileName().toString()), path, replace);
	}

	/** The lower-case file ending without the dot, or "" if none. */
	public static String extension(Path path) {
		String n = path.getFileName().toString();
		int dot = n.lastIndexOf('.');
		return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
	}
}
