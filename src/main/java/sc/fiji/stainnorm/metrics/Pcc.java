package sc.fiji.stainnorm.metrics;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * Pearson correlation coefficient of all pixel values of all channels taken as one sample (the STST paper's PCC,
 * {@code scipy.stats.pearsonr} of the flattened arrays); the same in both conventions. When either image is flat
 * (zero variance) the coefficient is undefined: 1 is returned for identical images, 0 otherwise.
 */
final class Pcc extends NamedMetric {
	Pcc() {
		super("PCC", true);
	}

	@Override
	public double compute(RgbImage groundTruth, RgbImage prediction) {
		Planes.checkSameSize(groundTruth, prediction);
		double[][] x = Planes.rgb(groundTruth), y = Planes.rgb(prediction);
		return correlation(concat(x), concat(y));
	}

	private static double[] concat(double[][] planes) {
		int n = planes[0].length;
		double[] all = new double[planes.length * n];
		for (int c = 0; c < planes.length; c++)
			System.arraycopy(planes[c], 0, all, c * n, n);
		return all;
	}

	/** Pearson's r, two-pass for accuracy; flat inputs as described in the class comment. */
	static double correlation(double[] x, double[] y) {
		double mx = Planes.mean(x), my = Planes.mean(y);
		double sxx = 0, syy = 0, sxy = 0;
		for (int i = 0; i < x.length; i++) {
			double dx = x[i] - mx, dy = y[i] - my;
			sxx += dx * dx;
			syy += dy * dy;
			sxy += dx * dy;
		}
		if (sxx == 0 || syy == 0) return java.util.Arrays.equals(x, y) ? 1 : 0;
		return sxy / Math.sqrt(sxx * syy);
	}
}
