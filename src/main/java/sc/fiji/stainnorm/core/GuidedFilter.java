package sc.fiji.stainnorm.core;

/**
 * The guided filter of He, Sun and Tang (IEEE TPAMI 35(6), 2013): in every (2r+1)×(2r+1) window the output is
 * the linear function {@code a·guide + b} that best fits the input (least squares with ridge {@code eps} on
 * {@code a}), averaged over all windows covering a pixel. The output therefore has the guide's local
 * structure and the input's local means and contrasts. Windows are clipped at the image border. Linear time.
 */
public final class GuidedFilter {
	private GuidedFilter() {}

	/**
	 * @param guide w·h values, row by row
	 * @param input w·h values to be fitted
	 * @param radius window radius r ≥ 0
	 * @param eps ridge on the slope, in squared input units: larger values smooth more
	 */
	public static float[] filter(float[] guide, float[] input, int w, int h, int radius, double eps) {
		int n = w * h;
		if (guide.length != n || input.length != n) throw new IllegalArgumentException("guide and input must both have " + w + "x" + h + " values");
		if (radius < 0 || eps < 0) throw new IllegalArgumentException("radius and eps must not be negative");
		float[] tmp = new float[n], product = new float[n];
		float[] meanGuide = boxMean(guide, w, h, radius, tmp), meanInput = boxMean(input, w, h, radius, tmp);
		for (int i = 0; i < n; i++) product[i] = guide[i] * guide[i];
		float[] a = boxMean(product, w, h, radius, tmp);
		for (int i = 0; i < n; i++) product[i] = guide[i] * input[i];
		float[] b = boxMean(product, w, h, radius, tmp);
		for (int i = 0; i < n; i++) {
			double variance = a[i] - (double) meanGuide[i] * meanGuide[i], covariance = b[i] - (double) meanGuide[i] * meanInput[i];
			double ridged = Math.max(0, variance) + eps;
			double slope = ridged > 0 ? covariance / ridged : 0; // a flat guide with eps 0 explains nothing
			a[i] = (float) slope;
			b[i] = (float) (meanInput[i] - slope * meanGuide[i]);
		}
		float[] meanA = boxMean(a, w, h, radius, tmp), meanB = boxMean(b, w, h, radius, tmp);
		float[] out = product;
		for (int i = 0; i < n; i++) out[i] = meanA[i] * guide[i] + meanB[i];
		return out;
	}

	/** Mean over the (2r+1)² window clipped to the image: a running sum along x, then along y. */
	static float[] boxMean(float[] src, int w, int h, int r, float[] tmp) {
		double[] perX = inverseCounts(w, r), perY = inverseCounts(h, r);
		for (int y = 0; y < h; y++) {
			int row = y * w;
			double sum = 0;
			for (int x = 0; x < Math.min(r, w - 1) + 1; x++) sum += src[row + x];
			for (int x = 0; x < w; x++) {
				tmp[row + x] = (float) (sum * perX[x]);
				if (x + r + 1 < w) sum += src[row + x + r + 1];
				if (x - r >= 0) sum -= src[row + x - r];
			}
		}
		float[] dst = new float[src.length];
		double[] column = new double[w];
		for (int y = 0; y < Math.min(r, h - 1) + 1; y++)
			for (int x = 0; x < w; x++) column[x] += tmp[y * w + x];
		for (int y = 0; y < h; y++) {
			double inv = perY[y];
			int row = y * w, plus = (y + r + 1) * w, minus = (y - r) * w;
			for (int x = 0; x < w; x++) dst[row + x] = (float) (column[x] * inv);
			if (y + r + 1 < h) for (int x = 0; x < w; x++) column[x] += tmp[plus + x];
			if (y - r >= 0) for (int x = 0; x < w; x++) column[x] -= tmp[minus + x];
		}
		return dst;
	}

	/** 1 / (number of positions within r of each position along an axis of the given length). */
	private static double[] inverseCounts(int length, int r) {
		double[] inv = new double[length];
		for (int i = 0; i < length; i++) inv[i] = 1.0 / (Math.min(length - 1, i + r) - Math.max(0, i - r) + 1);
		return inv;
	}
}
