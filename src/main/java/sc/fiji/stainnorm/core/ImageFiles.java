package sc.fiji.stainnorm.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import ij.ImagePlus;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;

/**
 * Reading images (through {@link ImageDecoding}, which never raises an ImageJ dialog), writing them (through
 * {@link ImageOutput}), and conversion to and from {@link ImagePlus}. Accepts 8-bit RGB; converts only where nothing is
 * lost or guessed (an opaque alpha channel, palette colour, a 3-channel 8-bit composite); everything else gets
 * an error that says what was found and what is accepted.
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
		return ImageDecoding.read(path, false);
	}

	/**
	 * Reads an RGB image, or an 8-bit grayscale one as R = G = B. For STST, whose input is grayscale anyway;
	 * the classical methods need colour and use {@link #read}.
	 */
	public static RgbImage readAcceptingGray(Path path) {
		return ImageDecoding.read(path, true);
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
		if (bits == 8 && ip.isColorLut()) // indexed colour: the LUT gives each pixel's exact RGB, as on screen
			return RgbImage.wrap(w, h, (int[]) ip.convertToRGB().getPixels());
		String found = switch (bits) {
			case 8 -> "8-bit grayscale";
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
	 * Writes atomically and verified ({@link ImageOutput}, {@link AtomicFile}) as PNG (8-bit RGB, fast fixed-filter
	 * encoder), TIFF or JPEG (quality 95), following the file ending, replacing an existing file.
	 */
	public static void write(RgbImage image, Path path) {
		write(image, path, true);
	}

	/**
	 * As {@link #write(RgbImage, Path)}; with {@code replace = false} an existing file is kept and
	 * {@link AtomicFile.TargetExistsException} thrown, even when another writer finished it a moment ago.
	 */
	public static void write(RgbImage image, Path path, boolean replace) {
		ImageOutput.write(image, path, replace);
	}

	/** The lower-case file ending without the dot, or "" if none. */
	public static String extension(Path path) {
		String n = path.getFileName().toString();
		int dot = n.lastIndexOf('.');
		return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
	}
}
