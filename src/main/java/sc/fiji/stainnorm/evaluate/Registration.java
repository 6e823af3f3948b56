package sc.fiji.stainnorm.evaluate;

import sc.fiji.stainnorm.core.ColorSpaces;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * Aligns two scans of the same tissue by a whole-pixel translation: the shift (within ±{@code maxShift}
 * pixels in x and y) that maximises the Pearson correlation of their luma over the overlap. Scanners differ
 * in colour, not in where the nuclei are, so grayscale correlation finds the shift; sub-pixel offsets,
 * rotation and scale differences are not corrected and remain part of the measured error.
 */
public final class Registration {
	/** The search radius used for the multi-scanner pair: its thumbnails are aligned to within a few pixels. */
	public static final int DEFAULT_MAX_SHIFT = 12;

	/**
	 * @param dx,dy      {@code moving(x + dx, y + dy)} matches {@code fixed(x, y)}
	 * @param unshifted  the correlation without any shift, for comparison
	 * @param fixed      the fixed image cropped to the overlap
	 * @param moving     the moving image cropped to the same overlap, now aligned with {@code fixed}
	 */
	public record Alignment(int dx, int dy, double correlation, double unshifted, RgbImage fixed, RgbImage moving) {}

	private Registration() {}

	public static Alignment align(RgbImage fixed, RgbImage moving, int maxShift) {
		if (maxShift < 0) throw new StainNormException("The registration search radius must be >= 0, got " + maxShift);
		int minSide = Math.min(Math.min(fixed.width(), fixed.height()), Math.min(moving.width(), moving.height()));
		if (minSide < 2 * maxShift + 16)
			throw new StainNormException("Images of " + fixed.width() + "x" + fixed.height() + " and " + moving.width() + "x"
				+ moving.height() + " are too small to register within ±" + maxShift + " px (need at least " + (2 * maxShift + 16) + " px a side)");
		double[] a = luma(fixed), b = luma(moving);
		int bestDx = 0, bestDy = 0;
		double best = Double.NEGATIVE_INFINITY;
		for (int dy = -maxShift; dy <= maxShift; dy++)
			for (int dx = -maxShift; dx <= maxShift; dx++) {
				double r = correlation(a, fixed.width(), fixed.height(), b, moving.width(), moving.height(), dx, dy);
				// ties go to the smaller shift: scan order alone must not decide
				if (r > best + 1e-12 || (Math.abs(r - best) <= 1e-12 && Math.abs(dx) + Math.abs(dy) < Math.abs(bestDx) + Math.abs(bestDy))) {
					best = r;
					bestDx = dx;
					bestDy = dy;
				}
			}
		if (!(best > 0.2))
			throw new StainNormException("The two images do not match at any shift within ±" + maxShift + " px (best luma correlation "
				+ String.format("%.2f", best) + "): are they the same tissue?");
		double unshifted = correlation(a, fixed.width(), fixed.height(), b, moving.width(), moving.height(), 0, 0);
		int[] o = overlap(fixed.width(), fixed.height(), moving.width(), moving.height(), bestDx, bestDy);
		return new Alignment(bestDx, bestDy, best, unshifted, fixed.crop(o[0], o[1], o[2], o[3]),
			moving.crop(o[0] + bestDx, o[1] + bestDy, o[2], o[3]));
	}

	/** {x, y, w, h} in fixed coordinates of the region both images cover under shift (dx, dy). */
	private static int[] overlap(int fw, int fh, int mw, int mh, int dx, int dy) {
		int x0 = Math.max(0, -dx), y0 = Math.max(0, -dy);
		int x1 = Math.min(fw, mw - dx), y1 = Math.min(fh, mh - dy);
		return new int[] { x0, y0, x1 - x0, y1 - y0 };
	}

	private static double correlation(double[] a, int aw, int ah, double[] b, int bw, int bh, int dx, int dy) {
		int[] o = overlap(aw, ah, bw, bh, dx, dy);
		double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
		long n = (long) o[2] * o[3];
		for (int y = o[1]; y < o[1] + o[3]; y++)
			for (int x = o[0]; x < o[0] + o[2]; x++) {
				double va = a[y * aw + x], vb = b[(y + dy) * bw + x + dx];
				sa += va;
				sb += vb;
				saa += va * va;
				sbb += vb * vb;
				sab += va * vb;
			}
		double cov = sab - sa * sb / n, va = saa - sa * sa / n, vb = sbb - sb * sb / n;
		return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
	}

	private static double[] luma(RgbImage img) {
		int[] p = img.pixels();
		double[] y = new double[p.length];
		for (int i = 0; i < p.length; i++)
			y[i] = ColorSpaces.luma(RgbImage.red(p[i]), RgbImage.green(p[i]), RgbImage.blue(p[i]));
		return y;
	}
}
