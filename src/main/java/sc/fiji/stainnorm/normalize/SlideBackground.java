package sc.fiji.stainnorm.normalize;

import java.util.Arrays;

import sc.fiji.stainnorm.core.ColorSpaces;
import sc.fiji.stainnorm.core.RgbImage;

/**
 * Tissue versus glass, and the glass's intensity: the I₀ of Beer–Lambert's {@code I = I₀·exp(−OD)}. A scanner
 * whose empty glass reads (232, 231, 233) instead of 255 would otherwise give every background pixel a small
 * gray OD, which deconvolution turns into stain (and a stain rescaling amplifies).
 * <p>
 * Tissue is CIE L* below {@code 100·luminosity} (Vahadane's luminosity mask). Glass is the bright, nearly
 * neutral rest (chroma at most {@value #GLASS_CHROMA}). Faint tissue can be as light and as neutral, but lies
 * below the glass: the glass level is the peak of the luma histogram within the brightest quarter of those pixels,
 * and I₀ per channel the median of the pixels within {@value #GLASS_SPREAD} levels of it. With less glass than
 * {@value #MIN_GLASS_FRACTION} of the pixels (tissue covers the patch) I₀ is 255, the methods' default.
 */
final class SlideBackground {
	/** The luminosity threshold of Vahadane et al.: tissue is L* below 100 times it. */
	static final double DEFAULT_LUMINOSITY = 0.8;
	static final double GLASS_CHROMA = 12;
	/** Glass pixels lie within this many luma levels of the glass peak. */
	static final int GLASS_SPREAD = 5;
	static final double MIN_GLASS_FRACTION = 0.01;
	/** At least this many glass pixels, whatever the image size. */
	static final int MIN_GLASS_PIXELS = 16;
	static final double[] WHITE = { 255, 255, 255 };

	/** Linear-light sRGB of each 8-bit value (the sRGB transfer curve, as in CIE L*a*b*). */
	private static final double[] LINEAR = new double[256];
	static {
		for (int v = 0; v < 256; v++) {
			double c = v / 255.0;
			LINEAR[v] = c <= 0.04045 ? c / 12.92 : StrictMath.pow((c + 0.055) / 1.055, 2.4);
		}
	}

	private SlideBackground() {}

	/** Relative luminance Y (D65 white = 1) of a packed pixel; CIE L* is an increasing function of it. */
	static double luminance(int p) {
		return 0.2126729 * LINEAR[RgbImage.red(p)] + 0.7151522 * LINEAR[RgbImage.green(p)] + 0.0721750 * LINEAR[RgbImage.blue(p)];
	}

	/** The luminance Y at which L* = 100·luminosity: pixels below it are tissue. */
	static double tissueLuminance(double luminosity) {
		double f = (100 * luminosity + 16) / 116, t = f * f * f;
		return t > 216.0 / 24389 ? t : (116 * f - 16) * 27 / 24389;
	}

	/** I₀ per channel from the pixels on a regular grid of the given step; {@link #WHITE} when there is too little glass. */
	static double[] intensity(int[] pixels, int step, double luminosity) {
		double[] measured = measuredIntensity(pixels, step, luminosity);
		return measured == null ? WHITE.clone() : measured;
	}

	/** As {@link #intensity}, but null when there is too little glass to measure ({@link #showsGlass} false). */
	static double[] measuredIntensity(int[] pixels, int step, double luminosity) {
		int[] glass = glassCandidates(pixels, step, luminosity);
		int count = glass.length;
		if (!enoughGlass(count, pixels.length, step)) return null;
		// the glass is the brightest dense cluster: the peak of the luma histogram among the brightest quarter, and
		// the pixels around it (symmetrically, so that noise does not bias I₀ upwards)
		int[] luma = new int[count], histogram = new int[256];
		for (int k = 0; k < count; k++)
			histogram[luma[k] = (int) Math.round(ColorSpaces.luma(RgbImage.red(glass[k]), RgbImage.green(glass[k]), RgbImage.blue(glass[k])))]++;
		int brightestQuarter = 255;
		for (int seen = histogram[255]; seen < (count + 3) / 4;)
			seen += histogram[--brightestQuarter];
		int peak = brightestQuarter, peakCount = -1;
		for (int v = brightestQuarter; v < 256; v++) {
			int around = 0;
			for (int d = -2; d <= 2; d++)
				around += v + d >= 0 && v + d < 256 ? histogram[v + d] : 0;
			if (around > peakCount) {
				peak = v;
				peakCount = around;
			}
		}
		int[][] channels = new int[3][count];
		int bright = 0;
		for (int k = 0; k < count; k++) {
			if (Math.abs(luma[k] - peak) > GLASS_SPREAD) continue;
			channels[0][bright] = RgbImage.red(glass[k]);
			channels[1][bright] = RgbImage.green(glass[k]);
			channels[2][bright] = RgbImage.blue(glass[k]);
			bright++;
		}
		double[] io = new double[3];
		for (int c = 0; c < 3; c++) {
			int[] v = Arrays.copyOf(channels[c], bright);
			Arrays.sort(v);
			io[c] = Math.max(1, (v.length % 2 == 1 ? v[v.length / 2] : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2])));
		}
		return io;
	}

	/** The bright, nearly neutral pixels on a regular grid of the given step: glass, or faint tissue as light. */
	private static int[] glassCandidates(int[] pixels, int step, double luminosity) {
		double tissueY = tissueLuminance(luminosity);
		int[] glass = new int[(pixels.length + step - 1) / step];
		int count = 0;
		for (int i = 0; i < pixels.length; i += step) {
			int p = pixels[i];
			if (luminance(p) < tissueY) continue;
			double[] lab = ColorSpaces.rgbToLab(RgbImage.red(p), RgbImage.green(p), RgbImage.blue(p));
			if (Math.hypot(lab[1], lab[2]) <= GLASS_CHROMA) glass[count++] = p;
		}
		return Arrays.copyOf(glass, count);
	}

	private static boolean enoughGlass(int count, int pixels, int step) {
		return count >= Math.max(MIN_GLASS_PIXELS, MIN_GLASS_FRACTION * ((pixels + step - 1) / step));
	}

	/** Whether the pixels show glass at all ({@link #intensity} is then measured, not {@link #WHITE} for want of glass). */
	static boolean showsGlass(int[] pixels, int step, double luminosity) {
		return enoughGlass(glassCandidates(pixels, step, luminosity).length, pixels.length, step);
	}

	/** The mean of several images' I₀ (of the references: the target's background). */
	static double[] mean(java.util.List<double[]> intensities) {
		double[] m = new double[3];
		for (double[] io : intensities)
			for (int c = 0; c < 3; c++)
				m[c] += io[c] / intensities.size();
		return m;
	}

	/**
	 * {@code ln(255 / I₀)} per channel: subtracted from {@link OdTables#od} it gives the OD relative to I₀; added to
	 * an OD before {@link OdTables#toByte} it renders on a background of I₀.
	 */
	static double[] odOffset(double[] io) {
		double[] o = new double[3];
		for (int c = 0; c < 3; c++)
			o[c] = StrictMath.log(OdTables.IO / io[c]);
		return o;
	}
}
