package sc.fiji.stainnorm.metrics;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * FSIM and FSIMc, the feature similarity index (Zhang, Zhang, Mou &amp; Zhang 2011), the same in both conventions
 * (the paper reports FSIMc). Luma {@code Y = 0.299 R + 0.587 G + 0.114 B} and the YIQ chroma I, Q; images are first
 * averaged over F x F boxes and subsampled by {@code F = max(1, round(min(w, h) / 256))}. Per pixel:
 * phase-congruency similarity {@code (2 PC1 PC2 + T1) / (PC1² + PC2² + T1)}, T1 = 0.85 ({@link PhaseCongruency});
 * gradient-magnitude similarity with the Scharr operator {@code [3 0 -3; 10 0 -10; 3 0 -3] / 16}, T2 = 160;
 * FSIMc multiplies in {@code (S_I S_Q)^0.03} with T3 = T4 = 200 (real part). Both are pooled with weight
 * {@code max(PC1, PC2)}.
 */
final class Fsim extends NamedMetric {
	private static final double T1 = 0.85, T2 = 160, T3 = 200, T4 = 200, LAMBDA = 0.03;
	private final boolean colour;

	/** Both indices of one comparison; they share all the expensive work. */
	record Result(double fsim, double fsimc) {}

	Fsim(boolean colour) {
		super(colour ? "FSIMc" : "FSIM", true);
		this.colour = colour;
	}

	@Override
	public double compute(RgbImage groundTruth, RgbImage prediction) {
		return select(both(groundTruth, prediction));
	}

	double select(Result r) {
		return colour ? r.fsimc() : r.fsim();
	}

	static Result both(RgbImage groundTruth, RgbImage prediction) {
		Planes.checkSameSize(groundTruth, prediction);
		Planes.checkAtLeast(groundTruth, 8, "FSIM", "phase congruency at 4 scales");
		int w = groundTruth.width(), h = groundTruth.height();
		int f = (int) Math.max(1, Math.round(Math.min(w, h) / 256.0));
		int sw = (w + f - 1) / f, sh = (h + f - 1) / f;
		double[] y1 = reduce(Planes.mix(groundTruth, 0.299, 0.587, 0.114), w, h, f);
		double[] y2 = reduce(Planes.mix(prediction, 0.299, 0.587, 0.114), w, h, f);
		double[] i1 = reduce(Planes.mix(groundTruth, 0.596, -0.274, -0.322), w, h, f);
		double[] i2 = reduce(Planes.mix(prediction, 0.596, -0.274, -0.322), w, h, f);
		double[] q1 = reduce(Planes.mix(groundTruth, 0.211, -0.523, 0.312), w, h, f);
		double[] q2 = reduce(Planes.mix(prediction, 0.211, -0.523, 0.312), w, h, f);
		PhaseCongruency.Workspace work = new PhaseCongruency.Workspace(sh, sw);
		double[] pc1 = PhaseCongruency.of(y1, sh, sw, work), pc2 = PhaseCongruency.of(y2, sh, sw, work);
		double[] g1 = gradientMagnitude(y1, sw, sh), g2 = gradientMagnitude(y2, sw, sh);
		double weightSum = 0, fsim = 0, fsimc = 0;
		for (int i = 0; i < pc1.length; i++) {
			double pcSim = (2 * pc1[i] * pc2[i] + T1) / (pc1[i] * pc1[i] + pc2[i] * pc2[i] + T1);
			double gSim = (2 * g1[i] * g2[i] + T2) / (g1[i] * g1[i] + g2[i] * g2[i] + T2);
			double iSim = (2 * i1[i] * i2[i] + T3) / (i1[i] * i1[i] + i2[i] * i2[i] + T3);
			double qSim = (2 * q1[i] * q2[i] + T4) / (q1[i] * q1[i] + q2[i] * q2[i] + T4);
			double weight = Math.max(pc1[i], pc2[i]);
			double sim = gSim * pcSim * weight;
			weightSum += weight;
			fsim += sim;
			fsimc += sim * realPower(iSim * qSim, LAMBDA);
		}
		if (weightSum == 0)
			throw new StainNormException("FSIM is undefined for images without structure (phase congruency is zero everywhere, e.g. blank patches)");
		return new Result(fsim / weightSum, fsimc / weightSum);
	}

	/** The real part of {@code v^p} in complex arithmetic. */
	private static double realPower(double v, double p) {
		return v >= 0 ? Math.pow(v, p) : Math.pow(-v, p) * Math.cos(Math.PI * p);
	}

	/** F x F box average as MATLAB's {@code conv2(.., 'same')} places it, then every F-th row and column. */
	private static double[] reduce(double[] img, int w, int h, int f) {
		if (f == 1) return img;
		double[] box = LocalFilters.boxMeanSame(img, w, h, f, (f - 1) / 2, LocalFilters.Boundary.ZERO);
		int sw = (w + f - 1) / f, sh = (h + f - 1) / f;
		double[] out = new double[sw * sh];
		for (int y = 0; y < sh; y++)
			for (int x = 0; x < sw; x++)
				out[y * sw + x] = box[y * f * w + x * f];
		return out;
	}

	/** Scharr gradient magnitude, zeros outside the image. */
	private static double[] gradientMagnitude(double[] img, int w, int h) {
		// a copy with a border of zeros, so that every neighbour is an array element
		int pw = w + 2;
		double[] padded = new double[pw * (h + 2)];
		for (int y = 0; y < h; y++)
			System.arraycopy(img, y * w, padded, (y + 1) * pw + 1, w);
		double[] out = new double[w * h];
		for (int y = 0; y < h; y++) {
			int up = y * pw + 1, row = up + pw, down = row + pw;
			for (int x = 0; x < w; x++) {
				double gx = 3 * (padded[up + x + 1] - padded[up + x - 1])
					+ 10 * (padded[row + x + 1] - padded[row + x - 1])
					+ 3 * (padded[down + x + 1] - padded[down + x - 1]);
				double gy = 3 * (padded[down + x - 1] - padded[up + x - 1])
					+ 10 * (padded[down + x] - padded[up + x])
					+ 3 * (padded[down + x + 1] - padded[up + x + 1]);
				out[y * w + x] = Math.sqrt(gx * gx + gy * gy) / 16;
			}
		}
		return out;
	}
}
