package sc.fiji.stainnorm.normalize;

import java.util.Arrays;

/**
 * A smooth non-decreasing curve through noisy (x, y) pairs, for Khan's per-stain mapping: a cubic smoothing
 * spline (Reinsch's algorithm, penalty {@code α∫g''²}) gives smoothed values at the knots, pool-adjacent-violators
 * makes them non-decreasing, and a Fritsch–Carlson monotone cubic Hermite interpolant joins them. Outside the
 * knots the curve continues linearly with its end slopes.
 */
final class MonotoneSmoothingSpline {
	private final double[] x, y, slope;

	private MonotoneSmoothingSpline(double[] x, double[] y, double[] slope) {
		this.x = x;
		this.y = y;
		this.slope = slope;
	}

	/**
	 * @param smoothing 0 interpolates the (merged, made monotone) points; larger values straighten the curve
	 *        (the penalty is {@code smoothing · range(x)³ / Σw}, so its effect does not depend on units)
	 */
	static MonotoneSmoothingSpline fit(double[] xs, double[] ys, double smoothing) {
		double[] ws = new double[xs.length];
		Arrays.fill(ws, 1);
		return fit(xs, ys, ws, smoothing);
	}

	/** As {@link #fit(double[], double[], double)} with a weight per point (a heavier point is followed more closely). */
	static MonotoneSmoothingSpline fit(double[] xs, double[] ys, double[] ws, double smoothing) {
		if (xs.length != ys.length || xs.length != ws.length || xs.length == 0) throw new IllegalArgumentException("need matching, non-empty x, y, w");
		Integer[] order = new Integer[xs.length];
		for (int i = 0; i < order.length; i++)
			order[i] = i;
		Arrays.sort(order, (a, b) -> Double.compare(xs[a], xs[b]));
		double range = xs[order[order.length - 1]] - xs[order[0]];
		double tie = 1e-9 * Math.max(range, 1e-9);
		// merge (nearly) equal x: weighted mean y, summed weights
		double[] mx = new double[xs.length], my = new double[xs.length], mw = new double[xs.length];
		int n = 0;
		for (int k = 0; k < order.length; k++) {
			double xv = xs[order[k]], yv = ys[order[k]];
			double wv = ws[order[k]];
			if (n > 0 && xv - mx[n - 1] <= tie) {
				my[n - 1] += (yv - my[n - 1]) * wv / (mw[n - 1] + wv);
				mw[n - 1] += wv;
			}
			else {
				mx[n] = xv;
				my[n] = yv;
				mw[n] = wv;
				n++;
			}
		}
		mx = Arrays.copyOf(mx, n);
		my = Arrays.copyOf(my, n);
		mw = Arrays.copyOf(mw, n);
		if (n == 1) {
			// one point: the line through it and the origin (or the identity's slope when that is undefined)
			double s = mx[0] > 0 && my[0] >= 0 ? my[0] / mx[0] : 1;
			return new MonotoneSmoothingSpline(mx, my, new double[] { s });
		}
		double[] g = n >= 3 && smoothing > 0 ? smooth(mx, my, mw, smoothing * Math.pow(range, 3) / Arrays.stream(mw).sum()) : my.clone();
		g = nonDecreasing(g, mw);
		return new MonotoneSmoothingSpline(mx, g, fritschCarlsonSlopes(mx, g));
	}

	double apply(double v) {
		int n = x.length;
		if (v <= x[0]) return y[0] + slope[0] * (v - x[0]);
		if (v >= x[n - 1]) return y[n - 1] + slope[n - 1] * (v - x[n - 1]);
		int i = Arrays.binarySearch(x, v);
		if (i >= 0) return y[i];
		int k = -i - 2; // x[k] < v < x[k+1]
		double h = x[k + 1] - x[k], t = (v - x[k]) / h, t2 = t * t, t3 = t2 * t;
		return (2 * t3 - 3 * t2 + 1) * y[k] + (t3 - 2 * t2 + t) * h * slope[k] + (-2 * t3 + 3 * t2) * y[k + 1]
			+ (t3 - t2) * h * slope[k + 1];
	}

	/** Reinsch: solve (R + α QᵀW⁻¹Q) γ = Qᵀy, then g = y − α W⁻¹ Q γ (Green &amp; Silverman 1994, §2.3). */
	static double[] smooth(double[] t, double[] y, double[] w, double alpha) {
		int n = t.length, m = n - 2;
		double[] h = new double[n - 1];
		for (int i = 0; i < n - 1; i++)
			h[i] = t[i + 1] - t[i];
		// Q is n×m with column j (j = 0..m-1) non-zero in rows j, j+1, j+2
		double[][] q = new double[m][3];
		for (int j = 0; j < m; j++) {
			q[j][0] = 1 / h[j];
			q[j][1] = -1 / h[j] - 1 / h[j + 1];
			q[j][2] = 1 / h[j + 1];
		}
		double[][] a = new double[m][m];
		double[] rhs = new double[m];
		for (int j = 0; j < m; j++) {
			a[j][j] += (h[j] + h[j + 1]) / 3;
			if (j + 1 < m) {
				a[j][j + 1] += h[j + 1] / 6;
				a[j + 1][j] += h[j + 1] / 6;
			}
			for (int r = 0; r < 3; r++)
				rhs[j] += q[j][r] * y[j + r];
		}
		// α Qᵀ W⁻¹ Q: columns j and k overlap in rows max(j,k)..min(j,k)+2
		for (int j = 0; j < m; j++)
			for (int k = j; k < Math.min(m, j + 3); k++) {
				double s = 0;
				for (int row = k; row <= j + 2; row++)
					s += q[j][row - j] * q[k][row - k] / w[row];
				a[j][k] += alpha * s;
				if (k != j) a[k][j] += alpha * s;
			}
		double[] gamma = solveSymmetric(a, rhs);
		double[] g = y.clone();
		for (int j = 0; j < m; j++)
			for (int r = 0; r < 3; r++)
				g[j + r] -= alpha * q[j][r] * gamma[j] / w[j + r];
		return g;
	}

	/** Cholesky solve of a symmetric positive-definite system (small, dense). */
	static double[] solveSymmetric(double[][] a, double[] b) {
		int n = b.length;
		double[][] l = new double[n][n];
		for (int i = 0; i < n; i++)
			for (int j = 0; j <= i; j++) {
				double s = a[i][j];
				for (int k = 0; k < j; k++)
					s -= l[i][k] * l[j][k];
				if (i == j) l[i][i] = Math.sqrt(Math.max(s, 1e-300));
				else l[i][j] = s / l[j][j];
			}
		double[] z = new double[n];
		for (int i = 0; i < n; i++) {
			double s = b[i];
			for (int k = 0; k < i; k++)
				s -= l[i][k] * z[k];
			z[i] = s / l[i][i];
		}
		double[] x = new double[n];
		for (int i = n - 1; i >= 0; i--) {
			double s = z[i];
			for (int k = i + 1; k < n; k++)
				s -= l[k][i] * x[k];
			x[i] = s / l[i][i];
		}
		return x;
	}

	/** Weighted isotonic regression by pool-adjacent-violators. */
	static double[] nonDecreasing(double[] v, double[] w) {
		int n = v.length;
		double[] value = new double[n], weight = new double[n];
		int[] size = new int[n];
		int blocks = 0;
		for (int i = 0; i < n; i++) {
			value[blocks] = v[i];
			weight[blocks] = w[i];
			size[blocks] = 1;
			blocks++;
			while (blocks > 1 && value[blocks - 2] > value[blocks - 1]) {
				double wt = weight[blocks - 2] + weight[blocks - 1];
				value[blocks - 2] = (value[blocks - 2] * weight[blocks - 2] + value[blocks - 1] * weight[blocks - 1]) / wt;
				weight[blocks - 2] = wt;
				size[blocks - 2] += size[blocks - 1];
				blocks--;
			}
		}
		double[] out = new double[n];
		for (int b = 0, i = 0; b < blocks; b++)
			for (int k = 0; k < size[b]; k++)
				out[i++] = value[b];
		return out;
	}

	/** Monotone cubic Hermite slopes (Fritsch &amp; Carlson 1980) for non-decreasing data. */
	static double[] fritschCarlsonSlopes(double[] x, double[] y) {
		int n = x.length;
		double[] delta = new double[n - 1], m = new double[n];
		for (int i = 0; i < n - 1; i++)
			delta[i] = (y[i + 1] - y[i]) / (x[i + 1] - x[i]);
		m[0] = delta[0];
		m[n - 1] = delta[n - 2];
		for (int i = 1; i < n - 1; i++)
			m[i] = delta[i - 1] * delta[i] <= 0 ? 0 : (delta[i - 1] + delta[i]) / 2;
		for (int i = 0; i < n - 1; i++) {
			if (delta[i] == 0) {
				m[i] = 0;
				m[i + 1] = 0;
				continue;
			}
			double a = m[i] / delta[i], b = m[i + 1] / delta[i], s = a * a + b * b;
			if (s > 9) {
				double tau = 3 / Math.sqrt(s);
				m[i] = tau * a * delta[i];
				m[i + 1] = tau * b * delta[i];
			}
		}
		return m;
	}
}
