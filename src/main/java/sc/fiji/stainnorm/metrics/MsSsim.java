package sc.fiji.stainnorm.metrics;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * Multi-scale SSIM with 5 scales and weights {@code [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]}, 11x11 Gaussian
 * window (sigma 1.5), "valid" region.
 * <ul>
 * <li>Standard (Wang, Simoncelli &amp; Bovik 2003), per RGB channel then averaged:
 * {@code prod_{j<5} cs_j^w_j * ssim_5^w_5}; between scales each 2x2 block is averaged (an odd last row or column
 * is kept, as with a symmetric boundary). Needs at least 176x176 pixels.</li>
 * <li>Paper (the STST repository's MATLAB {@code msssim.m}): on the Octave {@code rgb2gray} luma,
 * {@code l_1 * prod_{j=1..4} c_j^w_j * s_j^w_j} with the luminance of the finest scale only and scale 5 unused;
 * 2x2 mean over "valid" positions, then every second row and column.</li>
 * <li>Sewar (sewar 0.4.3 {@code msssim}; not part of a convention, see {@link Metrics#sewarMsSsim()}):
 * per scale the channel-averaged SSIM and CS, {@code prod_{j<5} cs_j^w_j * ssim_5^w_5}; between scales a 2-point
 * box filter along rows, columns <i>and channels</i> (reflect; it mixes neighbouring channels), then every second
 * row and column.</li>
 * </ul>
 * Negative terms raised to a fractional power are taken in complex arithmetic and the real part is reported,
 * as the reference implementations do.
 */
final class MsSsim extends NamedMetric {
	static final double[] WEIGHTS = { 0.0448, 0.2856, 0.3001, 0.2363, 0.1333 };
	/** Octave's {@code rgb2gray} coefficients (the inverse of the NTSC matrix), used by the paper's code. */
	static final double[] OCTAVE_GRAY = { 0.298936021293775, 0.587043074451121, 0.114020904255103 };

	private final Convention convention;
	private final boolean sewar;

	MsSsim(Convention convention) {
		this(convention, false);
	}

	private MsSsim(Convention convention, boolean sewar) {
		super("MS-SSIM", true);
		this.convention = convention;
		this.sewar = sewar;
	}

	/** sewar 0.4.3's {@code msssim}, for comparison with numbers computed with it. */
	static MsSsim sewar() {
		return new MsSsim(Convention.PAPER, true);
	}

	@Override
	public double compute(RgbImage groundTruth, RgbImage prediction) {
		Planes.checkSameSize(groundTruth, prediction);
		int w = groundTruth.width(), h = groundTruth.height();
		if (sewar) {
			Planes.checkAtLeast(groundTruth, 161, name(), "an 11x11 window at 5 scales");
			return sewar(Planes.rgb(groundTruth), Planes.rgb(prediction), w, h);
		}
		if (convention == Convention.PAPER) {
			Planes.checkAtLeast(groundTruth, 88, name(), "an 11x11 window at 4 scales");
			double[] x = Planes.mix(groundTruth, OCTAVE_GRAY[0], OCTAVE_GRAY[1], OCTAVE_GRAY[2]);
			double[] y = Planes.mix(prediction, OCTAVE_GRAY[0], OCTAVE_GRAY[1], OCTAVE_GRAY[2]);
			return paper(x, y, w, h);
		}
		Planes.checkAtLeast(groundTruth, 176, name(), "an 11x11 window at 5 scales");
		return Planes.channelMean(groundTruth, prediction, MsSsim::standard);
	}

	/** True for the standard definition, whose finest scale is the standard SSIM. */
	boolean sharesSsim() {
		return convention == Convention.STANDARD && !sewar;
	}

	/** The standard MS-SSIM and the standard SSIM, which is the mean SSIM map of its finest scale. */
	record WithSsim(double msSsim, double ssim) {}

	/** Both standard indices from one set of finest-scale statistics (the same numbers as computing them apart). */
	static WithSsim standardWithSsim(RgbImage groundTruth, RgbImage prediction) {
		Planes.checkSameSize(groundTruth, prediction);
		Planes.checkAtLeast(groundTruth, 176, "MS-SSIM", "an 11x11 window at 5 scales");
		double[][] x = Planes.rgb(groundTruth), y = Planes.rgb(prediction);
		int w = groundTruth.width(), h = groundTruth.height();
		double msSsim = 0, ssim = 0;
		for (int c = 0; c < 3; c++) {
			double[] finestSsim = new double[1];
			msSsim += standard(x[c], y[c], w, h, finestSsim);
			ssim += finestSsim[0];
		}
		return new WithSsim(msSsim / 3, ssim / 3);
	}

	private static double standard(double[] x, double[] y, int w, int h) {
		return standard(x, y, w, h, new double[1]);
	}

	private static double standard(double[] x, double[] y, int w, int h, double[] finestSsim) {
		double[] bases = new double[WEIGHTS.length];
		for (int scale = 0; scale < WEIGHTS.length; scale++) {
			StructuralSimilarity.Stats s = StructuralSimilarity.stats(x, y, w, h, StructuralSimilarity.GAUSSIAN, false);
			if (scale == 0) finestSsim[0] = s.ssim();
			bases[scale] = scale < WEIGHTS.length - 1 ? s.cs() : s.ssim();
			if (scale < WEIGHTS.length - 1) {
				x = halve(x, w, h, true);
				y = halve(y, w, h, true);
				w = (w + 1) / 2;
				h = (h + 1) / 2;
			}
		}
		return Planes.realPowerProduct(bases, WEIGHTS);
	}

	private static double paper(double[] x, double[] y, int w, int h) {
		int scales = WEIGHTS.length - 1;
		double[] bases = new double[2 * scales], weights = new double[2 * scales];
		double finestLuminance = 0;
		for (int scale = 0; scale < scales; scale++) {
			StructuralSimilarity.Stats s = StructuralSimilarity.stats(x, y, w, h, StructuralSimilarity.GAUSSIAN);
			if (scale == 0) finestLuminance = s.luminance();
			bases[2 * scale] = s.contrast();
			bases[2 * scale + 1] = s.structure();
			weights[2 * scale] = weights[2 * scale + 1] = WEIGHTS[scale];
			x = halve(x, w, h, false);
			y = halve(y, w, h, false);
			w /= 2;
			h /= 2;
		}
		return finestLuminance * Planes.realPowerProduct(bases, weights);
	}

	private static double sewar(double[][] x, double[][] y, int w, int h) {
		double[] bases = new double[WEIGHTS.length];
		for (int scale = 0; scale < WEIGHTS.length; scale++) {
			double ssim = 0, cs = 0;
			for (int c = 0; c < 3; c++) {
				StructuralSimilarity.Stats s = StructuralSimilarity.stats(x[c], y[c], w, h, StructuralSimilarity.GAUSSIAN, false);
				ssim += s.ssim() / 3;
				cs += s.cs() / 3;
			}
			bases[scale] = scale < WEIGHTS.length - 1 ? cs : ssim;
			x = sewarDownsample(x, w, h);
			y = sewarDownsample(y, w, h);
			w = (w + 1) / 2;
			h = (h + 1) / 2;
		}
		return Planes.realPowerProduct(bases, WEIGHTS);
	}

	/** {@code uniform_filter(img, 2)[::2, ::2, :]} on the H x W x 3 array: out[i] = (x[i-1] + x[i]) / 2 on every axis. */
	private static double[][] sewarDownsample(double[][] img, int w, int h) {
		double[][] box = new double[3][];
		for (int c = 0; c < 3; c++)
			box[c] = LocalFilters.boxMeanSame(img[c], w, h, 2, LocalFilters.Boundary.REFLECT);
		int ow = (w + 1) / 2, oh = (h + 1) / 2;
		double[][] out = new double[3][ow * oh];
		for (int c = 0; c < 3; c++) {
			double[] previous = box[Math.max(c - 1, 0)], current = box[c];
			for (int yy = 0; yy < oh; yy++)
				for (int xx = 0; xx < ow; xx++) {
					int i = 2 * yy * w + 2 * xx;
					out[c][yy * ow + xx] = (previous[i] + current[i]) / 2;
				}
		}
		return out;
	}

	/**
	 * Means of 2x2 blocks. With {@code keepOddEdge} an odd last row/column becomes its own block (size rounds up),
	 * otherwise it is dropped (size rounds down).
	 */
	static double[] halve(double[] img, int w, int h, boolean keepOddEdge) {
		int ow = keepOddEdge ? (w + 1) / 2 : w / 2, oh = keepOddEdge ? (h + 1) / 2 : h / 2;
		double[] out = new double[ow * oh];
		for (int y = 0; y < oh; y++) {
			int y0 = 2 * y, y1 = Math.min(y0 + 1, h - 1);
			for (int x = 0; x < ow; x++) {
				int x0 = 2 * x, x1 = Math.min(x0 + 1, w - 1);
				out[y * ow + x] = (img[y0 * w + x0] + img[y0 * w + x1] + img[y1 * w + x0] + img[y1 * w + x1]) / 4;
			}
		}
		return out;
	}
}
