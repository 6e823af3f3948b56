package sc.fiji.stainnorm.normalize;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Random;

import org.junit.Test;

public class MonotoneSmoothingSplineTest {

	@Test
	public void reproducesStraightLinesAtAnySmoothing() {
		double[] x = { 0, 0.1, 0.3, 0.35, 0.8, 1.2, 2 }, y = new double[x.length];
		for (int i = 0; i < x.length; i++)
			y[i] = 0.2 + 1.7 * x[i];
		for (double s : new double[] { 0, 0.5, 100 }) {
			MonotoneSmoothingSpline f = MonotoneSmoothingSpline.fit(x, y, s);
			for (double v = -0.5; v < 3; v += 0.05)
				assertEquals(0.2 + 1.7 * v, f.apply(v), 1e-9);
		}
	}

	@Test
	public void interpolatesWithoutSmoothingAndStraightensWithMuch() {
		double[] x = { 0, 1, 2, 3, 4 }, y = { 0, 1, 4, 9, 16 };
		MonotoneSmoothingSpline exact = MonotoneSmoothingSpline.fit(x, y, 0);
		for (int i = 0; i < x.length; i++)
			assertEquals(y[i], exact.apply(x[i]), 1e-12);
		// infinite smoothing tends to the least-squares line y = 4x - 2
		MonotoneSmoothingSpline line = MonotoneSmoothingSpline.fit(x, y, 1e9);
		for (int i = 0; i < x.length; i++)
			assertEquals(4 * x[i] - 2, line.apply(x[i]), 1e-3);
	}

	@Test
	public void smoothingSplineMatchesADenseReference() {
		// independent check of Reinsch's algorithm: minimise Σw(y−g)² + α gᵀKg with K = Q R⁻¹ Qᵀ built densely
		double[] t = { 0, 0.5, 1.5, 2, 3.5, 4 }, y = { 0.1, 0.7, 1.4, 1.2, 2.9, 3.0 }, w = { 1, 2, 1, 1, 3, 1 };
		double alpha = 0.3;
		int n = t.length, m = n - 2;
		double[] h = new double[n - 1];
		for (int i = 0; i < n - 1; i++)
			h[i] = t[i + 1] - t[i];
		double[][] q = new double[n][m], r = new double[m][m];
		for (int j = 0; j < m; j++) {
			q[j][j] = 1 / h[j];
			q[j + 1][j] = -1 / h[j] - 1 / h[j + 1];
			q[j + 2][j] = 1 / h[j + 1];
			r[j][j] = (h[j] + h[j + 1]) / 3;
			if (j + 1 < m) r[j][j + 1] = r[j + 1][j] = h[j + 1] / 6;
		}
		double[][] rInv = invert(r);
		double[][] a = new double[n][n];
		double[] b = new double[n];
		for (int i = 0; i < n; i++) {
			a[i][i] = w[i];
			b[i] = w[i] * y[i];
			for (int k = 0; k < n; k++)
				for (int p = 0; p < m; p++)
					for (int s = 0; s < m; s++)
						a[i][k] += alpha * q[i][p] * rInv[p][s] * q[k][s];
		}
		double[] expected = MonotoneSmoothingSpline.solveSymmetric(a, b);
		double[] got = MonotoneSmoothingSpline.smooth(t, y, w, alpha);
		for (int i = 0; i < n; i++)
			assertEquals(expected[i], got[i], 1e-9);
	}

	@Test
	public void isMonotoneOnNoisyData() {
		Random rnd = new Random(3);
		double[] x = new double[60], y = new double[60];
		for (int i = 0; i < x.length; i++) {
			x[i] = i * 0.05 + (i % 7 == 0 ? 0 : 0.01 * rnd.nextDouble());
			y[i] = Math.sqrt(x[i]) + 0.05 * rnd.nextGaussian();
		}
		x[10] = x[11]; // ties are merged
		MonotoneSmoothingSpline f = MonotoneSmoothingSpline.fit(x, y, 1);
		double last = Double.NEGATIVE_INFINITY;
		for (double v = -1; v < 5; v += 0.001) {
			double fv = f.apply(v);
			assertTrue(Double.isFinite(fv));
			assertTrue(v + ": " + fv + " < " + last, fv >= last - 1e-12);
			last = fv;
		}
	}

	private static double[][] invert(double[][] a) {
		int n = a.length;
		double[][] inv = new double[n][];
		for (int c = 0; c < n; c++) {
			double[] e = new double[n];
			e[c] = 1;
			inv[c] = MonotoneSmoothingSpline.solveSymmetric(a, e); // a is symmetric: columns = rows
		}
		return inv;
	}
}
