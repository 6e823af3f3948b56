package sc.fiji.stainnorm.stst;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * The image side of the ImgLib2/ImageJ ↔ TensorFlow bridge: packed RGB pixels (the array behind
 * {@link RgbImage#asImg()}) to NHWC float batches in [-1, 1] and back, in plain array loops (no per-pixel
 * virtual calls). The engine turns these arrays into {@code TFloat32} tensors with one bulk copy.
 * Index of (image n, row y, column x, channel c) in a batch of h x w x C images: {@code ((n*h + y)*w + x)*C + c}.
 */
public final class NhwcBatch {
	private NhwcBatch() {}

	/** ITU-601 luma of one pixel scaled to [-1, 1]: the generator's input. */
	static float grayValue(int rgb) {
		double luma = 0.299 * RgbImage.red(rgb) + 0.587 * RgbImage.green(rgb) + 0.114 * RgbImage.blue(rgb);
		return (float) (luma / 127.5 - 1);
	}

	/**
	 * Writes the luma of the w x h window at (x0, y0) into {@code dst} from index {@code offset}; pixels
	 * outside the image are mirrored back in (so tiles at the border see plausible tissue, not black).
	 */
	public static void putGray(RgbImage image, int x0, int y0, int w, int h, float[] dst, int offset) {
		putGray(image, StstInput.GrayMap.IDENTITY, x0, y0, w, h, dst, offset);
	}

	/** {@link #putGray(RgbImage, int, int, int, int, float[], int)} with the luma passed through {@code map} (clamped to 0..255). */
	public static void putGray(RgbImage image, StstInput.GrayMap map, int x0, int y0, int w, int h, float[] dst, int offset) {
		int[] px = image.pixels();
		int iw = image.width(), ih = image.height();
		boolean identity = map.identity();
		double scale = map.scale(), shift = map.offset();
		// a tile inside the image along x (every tile of an image at least a tile wide) reads its rows straight, unmirrored
		boolean inside = x0 >= 0 && x0 + w <= iw;
		for (int y = 0; y < h; y++) {
			int sy = mirror(y0 + y, ih);
			int row = sy * iw, o = offset + y * w;
			if (inside) {
				int from = row + x0;
				if (identity) for (int x = 0; x < w; x++) dst[o + x] = grayValue(px[from + x]);
				else
					for (int x = 0; x < w; x++)
						dst[o + x] = (float) (Math.max(0, Math.min(255, scale * StstInput.luma(px[from + x]) + shift)) / 127.5 - 1);
			}
			else if (identity) for (int x = 0; x < w; x++) dst[o + x] = grayValue(px[row + mirror(x0 + x, iw)]);
			else
				for (int x = 0; x < w; x++) {
					double level = Math.max(0, Math.min(255, scale * StstInput.luma(px[row + mirror(x0 + x, iw)]) + shift));
					dst[o + x] = (float) (level / 127.5 - 1);
				}
		}
	}

	/**
	 * The same for a tile of a larger image of which only {@code window} (its pixels from ({@code windowX},
	 * {@code windowY})) is in memory: a slide read region by region. Tile pixels outside the full
	 * {@code fullWidth} x {@code fullHeight} image are mirrored back into it, as {@link #putGray(RgbImage, StstInput.GrayMap,
	 * int, int, int, int, float[], int)} does for a whole image; the window must hold every pixel the tile reads.
	 */
	public static void putGray(RgbImage window, StstInput.GrayMap map, long windowX, long windowY, int fullWidth, int fullHeight, int x0, int y0,
		int w, int h, float[] dst, int offset) {
		int[] px = window.pixels();
		int ww = window.width();
		boolean identity = map.identity();
		double scale = map.scale(), shift = map.offset();
		// a tile inside the image along x (all but the narrowest images' tiles) reads its rows straight, unmirrored
		boolean inside = x0 >= 0 && x0 + w <= fullWidth;
		for (int y = 0; y < h; y++) {
			int sy = (int) (mirror(y0 + y, fullHeight) - windowY);
			int row = sy * ww, o = offset + y * w;
			if (inside) {
				int from = row + (int) (x0 - windowX);
				if (identity) for (int x = 0; x < w; x++) dst[o + x] = grayValue(px[from + x]);
				else
					for (int x = 0; x < w; x++)
						dst[o + x] = (float) (Math.max(0, Math.min(255, scale * StstInput.luma(px[from + x]) + shift)) / 127.5 - 1);
				continue;
			}
			for (int x = 0; x < w; x++) {
				int p = px[row + (int) (mirror(x0 + x, fullWidth) - windowX)];
				if (identity) dst[o + x] = grayValue(p);
				else dst[o + x] = (float) (Math.max(0, Math.min(255, scale * StstInput.luma(p) + shift)) / 127.5 - 1);
			}
		}
	}

	/** The colour of the w x h window at (x0, y0), interleaved R, G, B in [-1, 1], mirrored at the borders. */
	public static void putRgb(RgbImage image, int x0, int y0, int w, int h, float[] dst, int offset) {
		int[] px = image.pixels();
		int iw = image.width(), ih = image.height();
		for (int y = 0; y < h; y++) {
			int sy = mirror(y0 + y, ih);
			int row = sy * iw, o = offset + y * w * 3;
			for (int x = 0; x < w; x++) {
				int p = px[row + mirror(x0 + x, iw)];
				dst[o + 3 * x] = RgbImage.red(p) / 127.5f - 1;
				dst[o + 3 * x + 1] = RgbImage.green(p) / 127.5f - 1;
				dst[o + 3 * x + 2] = RgbImage.blue(p) / 127.5f - 1;
			}
		}
	}

	/** A whole image as a 1 x h x w x 1 gray batch. */
	public static float[] gray(RgbImage image) {
		float[] dst = new float[image.pixelCount()];
		putGray(image, 0, 0, image.width(), image.height(), dst, 0);
		return dst;
	}

	/** A whole image as a 1 x h x w x 3 colour batch. */
	public static float[] rgb(RgbImage image) {
		float[] dst = new float[3 * image.pixelCount()];
		putRgb(image, 0, 0, image.width(), image.height(), dst, 0);
		return dst;
	}

	/** Image {@code n} of an h x w x 3 batch back to 8-bit RGB (rounded, clamped). */
	public static RgbImage toRgb(float[] batch, int n, int w, int h) {
		int[] px = new int[w * h];
		int o = n * w * h * 3;
		for (int i = 0; i < px.length; i++, o += 3)
			px[i] = RgbImage.pack(toByte(batch[o]), toByte(batch[o + 1]), toByte(batch[o + 2]));
		return RgbImage.wrap(w, h, px);
	}

	static int toByte(float v) {
		return RgbImage.toByte(toLevel(v));
	}

	/** A network value in [-1, 1] as an 8-bit level in [0, 255], unrounded. */
	static double toLevel(float v) {
		return (v + 1) * 127.5;
	}

	/** Reflects an index into [0, n) without repeating the edge pixel (…2 1 | 0 1 2 … n-1 | n-2 …). */
	static int mirror(int i, int n) {
		if (n == 1) return 0;
		int period = 2 * (n - 1);
		i = Math.floorMod(i, period);
		return i < n ? i : period - i;
	}
}
