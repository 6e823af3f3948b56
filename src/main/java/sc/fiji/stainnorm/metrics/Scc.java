package sc.fiji.stainnorm.metrics;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * Spatial correlation coefficient (Zhou et al. 1998): both images are high-pass filtered with the 3x3 Laplacian
 * {@code [-1 -1 -1; -1 8 -1; -1 -1 -1]} (reflect boundary), then correlated, per channel, and averaged.
 * <ul>
 * <li>Standard: Pearson correlation of the whole high-pass planes (see {@link Pcc#correlation} for a flat channel).</li>
 * <li>Paper (sewar 0.4.3 {@code scc}): local correlation in an 8x8 box (zero-padded "same", window i-4..i+3),
 * negative variances set to 0, 0 where a standard deviation is 0, averaged over all pixels.</li>
 * </ul>
 * Both: undefined (n/a with a warning) when either image is one single colour, where sewar reports 0.
 */
final class Scc extends NamedMetric {
	private static final int WINDOW = 8;
	private final Convention convention;

	Scc(Convention convention) {
		super("SCC", true);
		this.convention = convention;
	}

	@Override
	public double compute(RgbImage groundTruth, RgbImage prediction) {
		Planes.checkSameSize(groundTruth, prediction);
		Planes.checkNotSingleColour(groundTruth, prediction, name());
		return Planes.channelMean(groundTruth, prediction, (x, y, w, h) -> {
			double[] hx = LocalFilters.laplacian(x, w, h), hy = LocalFilters.laplacian(y, w, h);
			return convention == Convention.PAPER ? localCorrelation(hx, hy, w, h) : Pcc.correlation(hx, hy);
		});
	}

	private static double localCorrelation(double[] x, double[] y, int w, int h) {
		// sewar's generic_laplace adds the same 2-D correlation once per axis: a factor 2 that cancels in a
		// correlation but is kept so that the zero tests below see the same numbers
		LocalFilters.Boundary zero = LocalFilters.Boundary.ZERO;
		for (int i = 0; i < x.length; i++) {
			x[i] *= 2;
			y[i] *= 2;
		}
		double[] mx = LocalFilters.boxMeanSame(x, w, h, WINDOW, zero), my = LocalFilters.boxMeanSame(y, w, h, WINDOW, zero);
		double[] mxx = LocalFilters.boxMeanSame(LocalFilters.multiply(x, x), w, h, WINDOW, zero);
		double[] myy = LocalFilters.boxMeanSame(LocalFilters.multiply(y, y), w, h, WINDOW, zero);
		double[] mxy = LocalFilters.boxMeanSame(LocalFilters.multiply(x, y), w, h, WINDOW, zero);
		double sum = 0;
		for (int i = 0; i < x.length; i++) {
			double vx = Math.max(mxx[i] - mx[i] * mx[i], 0), vy = Math.max(myy[i] - my[i] * my[i], 0);
			double den = Math.sqrt(vx) * Math.sqrt(vy);
			if (den != 0) sum += (mxy[i] - mx[i] * my[i]) / den;
		}
		return sum / x.length;
	}
}
