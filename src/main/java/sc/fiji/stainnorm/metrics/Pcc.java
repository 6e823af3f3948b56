package sc.fiji.stainnorm.metrics;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * Pearson correlation coefficient of all pixel values of all channels taken as one sample (the STST paper's PCC,
 * {@code scipy.stats.pearsonr} of the flattened arrays); the same in both conventions. When either image is one
 * single colour the coefficient is undefined (scipy: NaN with a warning): the pair's PCC is n/a with a warning.
 */
final class Pcc extends NamedMetric {
	Pcc() {
		super("PCC", true);
	}

	@Override
	public double compute(RgbImage groundTruth, RgbImage prediction) {
		Planes.checkSameSize(groundTruth, prediction);
		Planes.checkNotSingleColour(groundTruth, prediction, name());
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

	/**
	 * Pearson's r, two-pass for accuracy. A flat sample (possible here only in one channel's high-pass plane of SCC,
	 * whole single-colour images being refused before) gives 1 when both are equal, 0 otherwise.
	 */
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
