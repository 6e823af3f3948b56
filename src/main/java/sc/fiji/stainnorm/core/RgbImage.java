package sc.fiji.stainnorm.core;

import java.util.Arrays;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.IntArray;
import net.imglib2.type.numeric.ARGBType;

/**
 * An 8-bit RGB image: the one image type every method and metric works on.
 * <p>
 * Pixels are packed {@code 0xRRGGBB} ints in row-major order, the layout of ImageJ's {@code ColorProcessor}
 * and of ImgLib2's {@code ARGBType}, so both can wrap the same array without copying. The top byte is
 * ignored on read and written as 0xFF (opaque).
 */
public final class RgbImage {
	private final int width;
	private final int height;
	private final int[] pixels;

	private RgbImage(int width, int height, int[] pixels) {
		if (width <= 0 || height <= 0)
			throw new StainNormException("Image size must be positive, got " + width + "x" + height);
		if ((long) width * height != pixels.length)
			throw new IllegalArgumentException("pixel array has " + pixels.length + " entries, expected " + width + "x" + height);
		this.width = width;
		this.height = height;
		this.pixels = pixels;
	}

	/** A new white image. */
	public static RgbImage create(int width, int height) {
		if (width <= 0 || height <= 0)
			throw new StainNormException("Image size must be positive, got " + width + "x" + height);
		int[] p = new int[Math.multiplyExact(width, height)];
		Arrays.fill(p, 0xFFFFFFFF);
		return new RgbImage(width, height, p);
	}

	/** Wraps (does not copy) packed 0xRRGGBB pixels. */
	public static RgbImage wrap(int width, int height, int[] pixels) {
		return new RgbImage(width, height, pixels);
	}

	/** Builds an image from three channel planes in [0, 255], rounding and clamping each value. */
	public static RgbImage fromChannels(int width, int height, float[] red, float[] green, float[] blue) {
		int n = Math.multiplyExact(width, height);
		if (red.length != n || green.length != n || blue.length != n)
			throw new IllegalArgumentException("channel planes must have " + n + " entries");
		int[] p = new int[n];
		for (int i = 0; i < n; i++)
			p[i] = pack(toByte(red[i]), toByte(green[i]), toByte(blue[i]));
		return new RgbImage(width, height, p);
	}

	/** Rounds to the nearest integer and clamps to [0, 255]; NaN becomes 0. */
	public static int toByte(double v) {
		if (!(v > 0)) return 0;
		if (v >= 255) return 255;
		return (int) (v + 0.5);
	}

	public static int pack(int r, int g, int b) {
		return 0xFF000000 | (r << 16) | (g << 8) | b;
	}

	public static int red(int rgb) {
		return (rgb >> 16) & 0xFF;
	}

	public static int green(int rgb) {
		return (rgb >> 8) & 0xFF;
	}

	public static int blue(int rgb) {
		return rgb & 0xFF;
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	public int pixelCount() {
		return pixels.length;
	}

	/** The backing array (not a copy): packed 0xRRGGBB, row-major. */
	public int[] pixels() {
		return pixels;
	}

	public int get(int x, int y) {
		return pixels[y * width + x];
	}

	public void set(int x, int y, int r, int g, int b) {
		pixels[y * width + x] = pack(r, g, b);
	}

	/**
	 * One channel as floats in [0, 255].
	 *
	 * @param channel 0 red, 1 green, 2 blue
	 */
	public float[] channel(int channel) {
		int shift = 16 - 8 * channel;
		if (channel < 0 || channel > 2) throw new IllegalArgumentException("channel must be 0, 1 or 2");
		float[] out = new float[pixels.length];
		for (int i = 0; i < out.length; i++)
			out[i] = (pixels[i] >> shift) & 0xFF;
		return out;
	}

	public RgbImage copy() {
		return new RgbImage(width, height, pixels.clone());
	}

	public RgbImage crop(int x, int y, int w, int h) {
		if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > width || y + h > height)
			throw new IllegalArgumentException("crop " + w + "x" + h + "+" + x + "+" + y + " outside " + width + "x" + height);
		int[] p = new int[w * h];
		for (int row = 0; row < h; row++)
			System.arraycopy(pixels, (y + row) * width + x, p, row * w, w);
		return new RgbImage(w, h, p);
	}

	/** An ImgLib2 view sharing this image's pixels. */
	public ArrayImg<ARGBType, IntArray> asImg() {
		return ArrayImgs.argbs(pixels, width, height);
	}

	/** True when both images have the same size and the same RGB values (alpha ignored). */
	public boolean sameRgb(RgbImage other) {
		if (other.width != width || other.height != height) return false;
		for (int i = 0; i < pixels.length; i++)
			if (((pixels[i] ^ other.pixels[i]) & 0xFFFFFF) != 0) return false;
		return true;
	}

	@Override
	public String toString() {
		return "RgbImage " + width + "x" + height;
	}
}
