package sc.fiji.stainnorm.core;

/**
 * The guided filter of He, Sun and Tang (IEEE TPAMI 35(6), 2013): in every (2r+1)×(2r+1) window the output is
 * the linear function {@code a·guide + b} that best fits the input (least squares with ridge {@code eps} on
 * {@code a}), averaged over all windows covering a pixel. The output therefore has the guide's local
 * structure and the input's local means and contrasts. Windows are clipped at the image border. Linear time.
 * <p>
 * Fused: one sweep down the image keeps running column sums of guide, input, guide² and guide·input over the
 * rows of the window and slides a running sum along each row over them, so the window sums, and from them
 * {@code a} and {@code b}, come out row by row without any full-size intermediate image; a second sweep does the
 * same for the means of {@code a} and {@code b}. Sums are in double precision (the variance is a difference of
 * large sums), so the result is that of the definition to float rounding.
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
		int r = radius;
		double[] invX = inverseCounts(w, r), invY = inverseCounts(h, r);
		float[] a = new float[n], b = new float[n];
		double[] cg = new double[w], ci = new double[w], cgg = new double[w], cgi = new double[w];
		for (int y = 0; y < Math.min(r, h - 1) + 1; y++)
			addRows(guide, input, y * w, w, cg, ci, cgg, cgi, 1);
		for (int y = 0; y < h; y++) {
			int row = y * w;
			double inv = invY[y];
			double sg = 0, si = 0, sgg = 0, sgi = 0;
			for (int x = 0; x < Math.min(r, w - 1) + 1; x++) {
				sg += cg[x];
				si += ci[x];
				sgg += cgg[x];
				sgi += cgi[x];
			}
			for (int x = 0; x < w; x++) {
				double k = inv * invX[x];
				double mg = sg * k, mi = si * k;
				double variance = sgg * k - mg * mg, covariance = sgi * k - mg * mi;
				double ridged = Math.max(0, variance) + eps;
				double slope = ridged > 0 ? covariance / ridged : 0; // a flat guide with eps 0 explains nothing
				a[row + x] = (float) slope;
				b[row + x] = (float) (mi - slope * mg);
				int plus = x + r + 1, minus = x - r;
				if (plus < w) {
					sg += cg[plus];
					si += ci[plus];
					sgg += cgg[plus];
					sgi += cgi[plus];
				}
				if (minus >= 0) {
					sg -= cg[minus];
					si -= ci[minus];
					sgg -= cgg[minus];
					sgi -= cgi[minus];
				}
			}
			if (y + r + 1 < h) addRows(guide, input, (y + r + 1) * w, w, cg, ci, cgg, cgi, 1);
			if (y - r >= 0) addRows(guide, input, (y - r) * w, w, cg, ci, cgg, cgi, -1);
		}
		float[] out = new float[n];
		double[] ca = cg, cb = ci;
		java.util.Arrays.fill(ca, 0);
		java.util.Arrays.fill(cb, 0);
		for (int y = 0; y < Math.min(r, h - 1) + 1; y++)
			addRows(a, b, y * w, w, ca, cb, 1);
		for (int y = 0; y < h; y++) {
			int row = y * w;
			double inv = invY[y];
			double sa = 0, sb = 0;
			for (int x = 0; x < Math.min(r, w - 1) + 1; x++) {
				sa += ca[x];
				sb += cb[x];
			}
			for (int x = 0; x < w; x++) {
				double k = inv * invX[x];
				out[row + x] = (float) ((float) (sa * k) * guide[row + x] + (float) (sb * k));
				int plus = x + r + 1, minus = x - r;
				if (plus < w) {
					sa += ca[plus];
					sb += cb[plus];
				}
				if (minus >= 0) {
					sa -= ca[minus];
					sb -= cb[minus];
				}
			}
			if (y + r + 1 < h) addRows(a, b, (y + r + 1) * w, w, ca, cb, 1);
			if (y - r >= 0) addRows(a, b, (y - r) * w, w, ca, cb, -1);
		}
		return out;
	}

	/** Adds (sign 1) or removes (sign -1) one row of guide, input, guide² and guide·input to the column sums. */
	private static void addRows(float[] g, float[] in, int row, int w, double[] cg, double[] ci, double[] cgg, double[] cgi, int sign) {
		if (sign > 0) for (int x = 0; x < w; x++) {
			double gv = g[row + x], iv = in[row + x];
			cg[x] += gv;
			ci[x] += iv;
			cgg[x] += gv * gv;
			cgi[x] += gv * iv;
		}
		else for (int x = 0; x < w; x++) {
			double gv = g[row + x], iv = in[row + x];
			cg[x] -= gv;
			ci[x] -= iv;
			cgg[x] -= gv * gv;
			cgi[x] -= gv * iv;
		}
	}

	/** Adds (sign 1) or removes (sign -1) one row of two images to their column sums. */
	private static void addRows(float[] p, float[] q, int row, int w, double[] cp, double[] cq, int sign) {
		if (sign > 0) for (int x = 0; x < w; x++) {
			cp[x] += p[row + x];
			cq[x] += q[row + x];
		}
		else for (int x = 0; x < w; x++) {
			cp[x] -= p[row + x];
			cq[x] -= q[row + x];
		}
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
