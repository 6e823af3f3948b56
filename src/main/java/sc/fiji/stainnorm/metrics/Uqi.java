package sc.fiji.stainnorm.metrics;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * Universal quality index (Wang &amp; Bovik 2002), {@code Q = 4 sxy mx my / ((sx² + sy²)(mx² + my²))} in a sliding
 * 8x8 window, per channel, averaged. Flat windows follow the authors' code: {@code 2 mx my / (mx² + my²)} when
 * only the variances vanish, 1 when the means do too. A whole image of one single colour makes the index
 * undefined (its correlation term has no value; the formula would give 0 against any textured image), so the pair's
 * UQI is n/a with a warning.
 * <ul>
 * <li>Standard: every window position inside the image ("valid").</li>
 * <li>Paper (sewar 0.4.3 {@code uqi}): the authors' formula written for window sums but fed window means, so the
 * {@code N = 64} factors no longer cancel; reflect boundary, map cropped by 4 pixels on each side. Not the
 * textbook value (about 0.975 where the textbook gives 0.707).</li>
 * </ul>
 */
final class Uqi extends NamedMetric {
	private static final int WINDOW = 8;
	private final Convention convention;

	Uqi(Convention convention) {
		super("UQI", true);
		this.convention = convention;
	}

	@Override
	public double compute(RgbImage groundTruth, RgbImage prediction) {
		Planes.checkSameSize(groundTruth, prediction);
		Planes.checkAtLeast(groundTruth, convention == Convention.PAPER ? 9 : WINDOW, name(), "one 8x8 window");
		Planes.checkNotSingleColour(groundTruth, prediction, name());
		return Planes.channelMean(groundTruth, prediction, convention == Convention.PAPER ? Uqi::paper : Uqi::standard);
	}

	private static double standard(double[] x, double[] y, int w, int h) {
		double[] sum = new double[1];
		LocalFilters.windowedMoments(x, y, w, h, LocalFilters.uniform(WINDOW), (mx, my, mxx, myy, mxy, n) -> {
			double s = sum[0];
			for (int i = 0; i < n; i++)
				s += quality(mx[i], my[i], mxx[i], myy[i], mxy[i], 1);
			sum[0] = s;
		});
		return sum[0] / ((w - WINDOW + 1) * (h - WINDOW + 1));
	}

	private static double paper(double[] x, double[] y, int w, int h) {
		LocalFilters.Boundary r = LocalFilters.Boundary.REFLECT;
		double[] q = map(LocalFilters.boxMeanSame(x, w, h, WINDOW, r), LocalFilters.boxMeanSame(y, w, h, WINDOW, r),
			LocalFilters.boxMeanSame(LocalFilters.multiply(x, x), w, h, WINDOW, r), LocalFilters.boxMeanSame(LocalFilters.multiply(y, y), w, h, WINDOW, r),
			LocalFilters.boxMeanSame(LocalFilters.multiply(x, y), w, h, WINDOW, r), WINDOW * WINDOW);
		return Planes.meanInside(q, w, h, WINDOW / 2);
	}

	/**
	 * The quality map from local first and second moments; {@code n} is 1 for window means (the textbook index)
	 * and 64 for sewar's mix of a sums formula with means.
	 */
	private static double[] map(double[] mx, double[] my, double[] mxx, double[] myy, double[] mxy, double n) {
		double[] q = new double[mx.length];
		for (int i = 0; i < q.length; i++)
			q[i] = quality(mx[i], my[i], mxx[i], myy[i], mxy[i], n);
		return q;
	}

	/** The index of one window from its first and second moments; {@code n} as in {@link #map}. */
	private static double quality(double mx, double my, double mxx, double myy, double mxy, double n) {
		double meanProduct = mx * my, meanSquares = mx * mx + my * my;
		double numerator = 4 * (n * mxy - meanProduct) * meanProduct;
		double spread = n * (mxx + myy) - meanSquares;
		double denominator = spread * meanSquares;
		if (denominator != 0) return numerator / denominator;
		if (spread == 0 && meanSquares != 0) return 2 * meanProduct / meanSquares;
		return 1;
	}
}
