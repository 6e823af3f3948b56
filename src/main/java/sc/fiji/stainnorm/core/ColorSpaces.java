package sc.fiji.stainnorm.core;

/**
 * Colour-space conversions on 8-bit RGB values. All functions take and return {@code double[3]} triples so
 * methods can convert pixel by pixel without allocating images.
 */
public final class ColorSpaces {
	private ColorSpaces() {}

	/** ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B), the grayscale STST learns from; not ImageJ's unweighted mean. */
	public static double luma(int r, int g, int b) {
		return 0.299 * r + 0.587 * g + 0.114 * b;
	}

	/** The luma of every pixel as an image with R = G = B. */
	public static RgbImage grayscale(RgbImage image) {
		int[] src = image.pixels();
		int[] dst = new int[src.length];
		for (int i = 0; i < src.length; i++) {
			int y = RgbImage.toByte(luma(RgbImage.red(src[i]), RgbImage.green(src[i]), RgbImage.blue(src[i])));
			dst[i] = RgbImage.pack(y, y, y);
		}
		return RgbImage.wrap(image.width(), image.height(), dst);
	}

	// --- CIE L*a*b* (sRGB primaries, D65 white, sRGB transfer curve) ---

	private static final double XN = 0.95047, YN = 1.0, ZN = 1.08883;

	static double srgbToLinear(double c) {
		c /= 255;
		return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
	}

	/** {@link #srgbToLinear} of every 8-bit level: the same values without a {@code pow} per channel and pixel. */
	private static final double[] LINEAR_OF_LEVEL = new double[256];
	static {
		for (int v = 0; v < 256; v++)
			LINEAR_OF_LEVEL[v] = srgbToLinear(v);
	}

	private static double linearOf(double c) {
		int level = (int) c;
		return level == c && level >= 0 && level <= 255 ? LINEAR_OF_LEVEL[level] : srgbToLinear(c);
	}

	static double linearToSrgb(double c) {
		double v = c <= 0.0031308 ? 12.92 * c : 1.055 * Math.pow(c, 1 / 2.4) - 0.055;
		return 255 * v;
	}

	/**
	 * {@code LEVEL_FROM[k]}: the smallest linear value whose {@link #linearToSrgb}, rounded by {@link RgbImage#toByte},
	 * is level k or more (k = 1..255; index 0 unused). That rounded value never decreases as the linear value grows
	 * ({@code Math.pow} is semi-monotonic, and so is each rounding after it), so these 255 bounds give it exactly.
	 */
	private static final double[] LEVEL_FROM = new double[256];
	static {
		for (int k = 1; k < 256; k++) {
			// bisection over the bit patterns of the non-negative doubles, which are ordered as the values
			long lo = 0, hi = Double.doubleToLongBits(2.0); // level(0) = 0 < k <= 255 = level(2)
			while (hi - lo > 1) {
				long mid = (lo + hi) >>> 1;
				if (RgbImage.toByte(linearToSrgb(Double.longBitsToDouble(mid))) >= k) hi = mid;
				else lo = mid;
			}
			LEVEL_FROM[k] = Double.longBitsToDouble(hi);
		}
	}

	/**
	 * Linear values in [0, 1) in bins of 1/4096: no level is narrower than a bin (the curve rises at most ~3300 levels
	 * per unit, at its linear foot), so a bin holds at most one bound, which the static block checks.
	 * {@code BIN_LEVEL[j]}: the level at the bin's start; {@code BIN_NEXT[j]}: the bound of the level after it.
	 */
	private static final int BINS = 4096;
	private static final int[] BIN_LEVEL = new int[BINS];
	private static final double[] BIN_NEXT = new double[BINS];
	static {
		int level = 0;
		for (int j = 0; j < BINS; j++) {
			double start = j / (double) BINS, end = (j + 1) / (double) BINS;
			while (level < 255 && LEVEL_FROM[level + 1] <= start) level++;
			BIN_LEVEL[j] = level;
			BIN_NEXT[j] = level < 255 ? LEVEL_FROM[level + 1] : Double.POSITIVE_INFINITY;
			if (level < 254 && LEVEL_FROM[level + 2] < end) throw new IllegalStateException("two sRGB level bounds in bin " + j);
		}
		if (RgbImage.toByte(linearToSrgb(1.0)) != 255) throw new IllegalStateException("sRGB level of linear 1 is not 255");
	}

	/** {@code RgbImage.toByte(linearToSrgb(c))} without the {@code pow}: one bin and at most one comparison. */
	static int srgbLevelOfLinear(double c) {
		if (!(c > 0)) return 0; // NaN too, as toByte(NaN)
		if (c >= 1) return 255;
		int j = (int) (c * BINS); // exact: a power-of-two scale, so j / BINS <= c < (j + 1) / BINS
		return c >= BIN_NEXT[j] ? BIN_LEVEL[j] + 1 : BIN_LEVEL[j];
	}

	private static double labF(double t) {
		return t > 216.0 / 24389 ? Math.cbrt(t) : (24389.0 / 27 * t + 16) / 116;
	}

	private static double labFInverse(double f) {
		double t = f * f * f;
		return t > 216.0 / 24389 ? t : (116 * f - 16) * 27 / 24389;
	}

	/** sRGB in [0, 255] to CIE L* in [0, 100], a*, b*. */
	public static double[] rgbToLab(double r, double g, double b) {
		double lr = linearOf(r), lg = linearOf(g), lb = linearOf(b);
		double x = 0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb;
		double y = 0.2126729 * lr + 0.7151522 * lg + 0.0721750 * lb;
		double z = 0.0193339 * lr + 0.1191920 * lg + 0.9503041 * lb;
		double fx = labF(x / XN), fy = labF(y / YN), fz = labF(z / ZN);
		return new double[] { 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz) };
	}

	/** CIE L*a*b* to sRGB in [0, 255], not clamped. */
	public static double[] labToRgb(double l, double a, double bStar) {
		double fy = (l + 16) / 116, fx = fy + a / 500, fz = fy - bStar / 200;
		double x = XN * labFInverse(fx), y = YN * labFInverse(fy), z = ZN * labFInverse(fz);
		double lr = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z;
		double lg = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z;
		double lb = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z;
		return new double[] { linearToSrgb(lr), linearToSrgb(lg), linearToSrgb(lb) };
	}

	/**
	 * {@link #labToRgb} rounded to 8 bits by {@link RgbImage#toByte} and packed: the same pixel, with the sRGB curve's
	 * rounding read from {@link #LEVEL_FROM} instead of three {@code pow}s and without an array per pixel.
	 */
	public static int labToPackedRgb(double l, double a, double bStar) {
		double fy = (l + 16) / 116, fx = fy + a / 500, fz = fy - bStar / 200;
		double x = XN * labFInverse(fx), y = YN * labFInverse(fy), z = ZN * labFInverse(fz);
		double lr = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z;
		double lg = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z;
		double lb = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z;
		return RgbImage.pack(srgbLevelOfLinear(lr), srgbLevelOfLinear(lg), srgbLevelOfLinear(lb));
	}

	// --- Ruderman lαβ (Reinhard et al. 2001, the colour space of the STST paper's Reinhard baseline) ---

	/** Intensities below this (of 255) are clamped before the logarithm, so black stays finite. */
	public static final double LMS_FLOOR = 1.0 / 255;
	private static final double[][] RGB_TO_LMS = {
		{ 0.3811, 0.5783, 0.0402 },
		{ 0.1967, 0.7244, 0.0782 },
		{ 0.0241, 0.1288, 0.8444 } };
	/** The exact inverse, not the paper's 4-digit one, so that RGB → lαβ → RGB round-trips. */
	private static final double[][] LMS_TO_RGB = Matrix3.inverse(RGB_TO_LMS);
	private static final double S3 = Math.sqrt(3), S6 = Math.sqrt(6), S2 = Math.sqrt(2);

	/** Reinhard's RGB (in [0, 1]) to LMS matrix, a copy. */
	public static double[][] rgbToLmsMatrix() {
		return new double[][] { RGB_TO_LMS[0].clone(), RGB_TO_LMS[1].clone(), RGB_TO_LMS[2].clone() };
	}

	/** The exact inverse of {@link #rgbToLmsMatrix()}, a copy. */
	public static double[][] lmsToRgbMatrix() {
		return new double[][] { LMS_TO_RGB[0].clone(), LMS_TO_RGB[1].clone(), LMS_TO_RGB[2].clone() };
	}

	/** RGB in [0, 255] to lαβ: LMS cone space (Reinhard's matrix), log10, then the decorrelating rotation. */
	public static double[] rgbToRuderman(double r, double g, double b) {
		r /= 255;
		g /= 255;
		b /= 255;
		double[] lms = Matrix3.multiply(RGB_TO_LMS, new double[] { r, g, b });
		double l = Math.log10(Math.max(lms[0], LMS_FLOOR));
		double m = Math.log10(Math.max(lms[1], LMS_FLOOR));
		double s = Math.log10(Math.max(lms[2], LMS_FLOOR));
		return new double[] { (l + m + s) / S3, (l + m - 2 * s) / S6, (l - m) / S2 };
	}

	/** lαβ to RGB in [0, 255], not clamped. */
	public static double[] rudermanToRgb(double lum, double alpha, double beta) {
		double a = lum / S3, bb = alpha / S6, c = beta / S2;
		double[] lms = { Math.pow(10, a + bb + c), Math.pow(10, a + bb - c), Math.pow(10, a - 2 * bb) };
		double[] rgb = Matrix3.multiply(LMS_TO_RGB, lms);
		return new double[] { 255 * rgb[0], 255 * rgb[1], 255 * rgb[2] };
	}
}
