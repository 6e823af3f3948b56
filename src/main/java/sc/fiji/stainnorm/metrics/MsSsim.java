package sc.fiji.stainnorm.metrics;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * Multi-scale SSIM with 5 scales and weights {@code [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]}, 11x11 Gaussian
 * window (sigma 1.5), "valid" region.
 * <ul>
 * <li>Standard (Wang, Simoncelli &amp; Bovik 2003), per RGB channel then averaged:
 * {@code prod_{j<5} cs_j^w_j * ssim_5^w_5}; between scales each 2x2 block is averaged (an odd last row or column
 * is kept, as with a symmetric boundary). Needs at least 176x176 pixels.</li>
 * <li>Paper (the STST repository's MATLAB {@code msssim.m} as its {@code evaluate.m} calls it, on {@code imread}'s
 * uint8 images; see {@link #paperUint8}): on the {@code rgb2gray} luma rounded to uint8,
 * {@code l_1 * prod_{j=1..4} c_j^w_j * s_j^w_j} with the luminance of the finest scale only and scale 5 unused;
 * 2x2 mean over "valid" positions, then every second row and column. Like {@code msssim.m} (which returns -Inf
 * there) it needs 176x176 pixels. {@link #matlabOnDouble()} is the same code on double images.</li>
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
	private final boolean sewar, matlabOnDouble;

	MsSsim(Convention convention) {
		this(convention, false, false);
	}

	private MsSsim(Convention convention, boolean sewar, boolean matlabOnDouble) {
		super("MS-SSIM", true);
		this.convention = convention;
		this.sewar = sewar;
		this.matlabOnDouble = matlabOnDouble;
	}

	/** The STST repository's {@code msssim.m} on double images ({@code im2double}-free: 0..255 as double), for comparison. */
	static MsSsim matlabOnDouble() {
		return new MsSsim(Convention.PAPER, false, true);
	}

	/** sewar 0.4.3's {@code msssim}, for comparison with numbers computed with it. */
	static MsSsim sewar() {
		return new MsSsim(Convention.PAPER, true, false);
	}

	@Override
	public double compute(RgbImage groundTruth, RgbImage prediction) {
		Planes.checkSameSize(groundTruth, prediction);
		int w = groundTruth.width(), h = groundTruth.height();
		if (sewar) {
			Planes.checkAtLeast(groundTruth, 161, name(), "an 11x11 window at 5 scales");
			return sewar(Planes.rgb(groundTruth), Planes.rgb(prediction), w, h);
		}
		if (convention == Convention.PAPER && !matlabOnDouble) return paperUint8(groundTruth, prediction);
		if (convention == Convention.PAPER) {
			Planes.checkAtLeast(groundTruth, PAPER_MIN_SIZE, name(), PAPER_MIN_SIZE_WHY);
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

	/** {@code msssim.m}: {@code min(M, N) / 2^(level - 1)} must reach the 11-pixel window at level 5, or it returns -Inf. */
	static final int PAPER_MIN_SIZE = 176;
	private static final String PAPER_MIN_SIZE_WHY = "an 11x11 window at 5 scales; the STST msssim.m returns -Inf below";

	/**
	 * {@code msssim.m} on {@code imread}'s uint8 images, as the STST repository's {@code evaluate.m} calls it (it
	 * passes {@code imread}'s arrays straight to {@code msssim}, which does not cast them). What MATLAB computes there:
	 * <ul>
	 * <li>{@code rgb2gray} of a uint8 image returns a uint8 image (https://www.mathworks.com/help/matlab/ref/rgb2gray.html;
	 * Octave's {@code rgb2gray} likewise casts back to the input's class): the luma rounded.</li>
	 * <li>{@code filter2} accepts integer data and returns double (https://www.mathworks.com/help/matlab/ref/filter2.html:
	 * X may be int8 ... uint8 ...; "If one or both of X and H are of type single, then the output is of type single.
	 * Otherwise, filter2 returns type double"), so the local means are exact. MATLAB releases before about R2016
	 * refused integers in {@code conv2} ("First and second arguments must be single or double",
	 * https://www.mathworks.com/matlabcentral/answers/158271); there {@code evaluate.m} could not have run at all.</li>
	 * <li>{@code img1.*img1}, {@code img2.*img2} and {@code img1.*img2} of two uint8 arrays are uint8, and MATLAB's
	 * integer arithmetic saturates: "results greater than 255 (including Inf) are set to 255"
	 * (https://www.mathworks.com/help/images/image-arithmetic-saturation-rules.html; uint8's help: "UINT8 arrays
	 * saturate on overflow in arithmetic"). So at the finest scale the second moments are those of
	 * {@code min(x*y, 255)}, the variances mostly negative, their square roots ({@code sqrt} of a negative double is
	 * imaginary) make the contrast and structure means complex.</li>
	 * <li>From the second scale on the images are filter2's doubles, computed as usual.</li>
	 * </ul>
	 * The real part is reported. This reproduces GNU Octave running {@code msssim.m} on the uint8 images
	 * ({@code MSSSIM_stst_uint8} in {@code ../shared/data/he/_reference_outputs/metrics_reference.json}) to 1e-10;
	 * Octave's integer arithmetic saturates the same way.
	 */
	static double paperUint8(RgbImage groundTruth, RgbImage prediction) {
		Planes.checkSameSize(groundTruth, prediction);
		Planes.checkAtLeast(groundTruth, PAPER_MIN_SIZE, "MS-SSIM", PAPER_MIN_SIZE_WHY);
		int w = groundTruth.width(), h = groundTruth.height();
		double[] x = uint8Gray(groundTruth), y = uint8Gray(prediction);
		int scales = WEIGHTS.length - 1;
		double[] finest = uint8FinestScale(x, y, w, h); // l, Re c, Im c, Re cs, Im cs
		// sum over scales of w_j * (log c_j + log cs_j), in complex arithmetic (principal branch, as MATLAB's .^)
		double re = 0, im = 0;
		for (int k = 0; k < 2; k++) {
			double zr = finest[1 + 2 * k], zi = finest[2 + 2 * k];
			re += WEIGHTS[0] * Math.log(Math.hypot(zr, zi));
			im += WEIGHTS[0] * Math.atan2(zi, zr);
		}
		x = halve(x, w, h, false);
		y = halve(y, w, h, false);
		w /= 2;
		h /= 2;
		for (int scale = 1; scale < scales; scale++) {
			StructuralSimilarity.Stats s = StructuralSimilarity.stats(x, y, w, h, StructuralSimilarity.GAUSSIAN);
			for (double z : new double[] { s.contrast(), s.structure() }) {
				re += WEIGHTS[scale] * Math.log(Math.abs(z));
				if (z < 0) im += WEIGHTS[scale] * Math.PI;
			}
			x = halve(x, w, h, false);
			y = halve(y, w, h, false);
			w /= 2;
			h /= 2;
		}
		return finest[0] * Math.exp(re) * Math.cos(im);
	}

	/** MATLAB's {@code rgb2gray} on uint8: the luma rounded half away from zero to uint8. */
	static double[] uint8Gray(RgbImage image) {
		double[] g = Planes.mix(image, OCTAVE_GRAY[0], OCTAVE_GRAY[1], OCTAVE_GRAY[2]);
		for (int i = 0; i < g.length; i++) g[i] = Math.min(255, Math.max(0, Math.round(g[i])));
		return g;
	}

	/**
	 * The finest scale of {@code ssim_index_new_CC} on uint8 gray: means of the luminance map (real), of the contrast
	 * map {@code (2 s1 s2 + C2) / (v1 + v2 + C2)} and of the structure map {@code (2 s12 + C2) / (2 s1 s2 + C2)}, with
	 * {@code s = sqrt(v)} imaginary where the saturated variance {@code v} is negative.
	 */
	private static double[] uint8FinestScale(double[] x, double[] y, int w, int h) {
		double[] sums = new double[5];
		LocalFilters.windowedMoments(x, y, w, h, StructuralSimilarity.GAUSSIAN, 255, (mx, my, mxx, myy, mxy, n) -> {
			for (int i = 0; i < n; i++) {
				double ux = mx[i], uy = my[i];
				double vx = mxx[i] - ux * ux, vy = myy[i] - uy * uy, cov = mxy[i] - ux * uy;
				sums[0] += (2 * ux * uy + StructuralSimilarity.C1) / (ux * ux + uy * uy + StructuralSimilarity.C1);
				// s1 s2 with s = sqrt(v): real, imaginary, or minus the product of the magnitudes when both are imaginary
				double m = Math.sqrt(Math.abs(vx)) * Math.sqrt(Math.abs(vy));
				double pr = vx >= 0 && vy >= 0 ? m : vx < 0 && vy < 0 ? -m : 0, pi = (vx >= 0) != (vy >= 0) ? m : 0;
				double c2 = StructuralSimilarity.C2;
				sums[1] += (2 * pr + c2) / (vx + vy + c2);
				sums[2] += 2 * pi / (vx + vy + c2);
				double dr = 2 * pr + c2, di = 2 * pi, d = dr * dr + di * di, nr = 2 * cov + c2;
				sums[3] += nr * dr / d;
				sums[4] += -nr * di / d;
			}
		});
		int n = (w - StructuralSimilarity.WINDOW + 1) * (h - StructuralSimilarity.WINDOW + 1);
		for (int k = 0; k < 5; k++) sums[k] /= n;
		return sums;
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
