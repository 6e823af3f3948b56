package sc.fiji.stainnorm.normalize;

/**
 * Vahadane's sparse non-negative stain separation: learns two unit, non-negative OD atoms D (H and E) that
 * minimise {@code Σ ½‖xᵢ − D aᵢ‖² + λ‖aᵢ‖₁} over non-negative codes aᵢ (SPAMS {@code trainDL} with
 * mode 2, posD, posAlpha). Batch alternating minimisation: exact non-negative lasso for every code
 * ({@link TwoStainSolver}), then block-coordinate projected updates of each atom (Mairal et al. 2010, the
 * update SPAMS uses) onto the non-negative unit ball. No randomness and a fixed iteration budget (early
 * stop only when the atoms stop moving), so the result is the same on every machine.
 */
final class SparseStainDictionary {
	/** Starting atoms: Ruifrok &amp; Johnston's H and E, so the optimisation starts near stained tissue. */
	private static final double[][] START = { unit(0.650, 0.704, 0.286), unit(0.072, 0.990, 0.105) };
	private static final double CONVERGED = 1e-9;

	private SparseStainDictionary() {}

	/**
	 * @param od interleaved OD samples {@code [r0, g0, b0, r1, ...]}
	 * @return two unit atoms {@code [stain][channel]}, haematoxylin (larger red OD) first; callers check that
	 *         they are distinct (a single-colour image gives two nearly parallel atoms or one unused one)
	 */
	static double[][] learn(double[] od, int samples, double lambda, int iterations) {
		double[][] d = { START[0].clone(), START[1].clone() };
		double[] a = new double[2];
		for (int it = 0; it < iterations; it++) {
			TwoStainSolver solver = new TwoStainSolver(d, lambda);
			double a00 = 0, a01 = 0, a11 = 0;
			double[][] b = new double[2][3]; // Σ aᵢⱼ xᵢ
			for (int i = 0, j = 0; i < samples; i++, j += 3) {
				double r = od[j], g = od[j + 1], bl = od[j + 2];
				solver.solve(r, g, bl, a);
				a00 += a[0] * a[0];
				a01 += a[0] * a[1];
				a11 += a[1] * a[1];
				b[0][0] += a[0] * r;
				b[0][1] += a[0] * g;
				b[0][2] += a[0] * bl;
				b[1][0] += a[1] * r;
				b[1][1] += a[1] * g;
				b[1][2] += a[1] * bl;
			}
			double[][] gram = { { a00, a01 }, { a01, a11 } };
			double change = 0;
			for (int k = 0; k < 2; k++) {
				double akk = gram[k][k];
				if (!(akk > 1e-12)) continue;
				double[] u = new double[3];
				for (int c = 0; c < 3; c++) {
					double dA = d[0][c] * gram[0][k] + d[1][c] * gram[1][k];
					u[c] = Math.max(0, d[k][c] + (b[k][c] - dA) / akk);
				}
				double n = Math.max(1, Math.sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]));
				for (int c = 0; c < 3; c++) {
					double v = u[c] / n;
					change = Math.max(change, Math.abs(v - d[k][c]));
					d[k][c] = v;
				}
			}
			if (change < CONVERGED) break;
		}
		for (int k = 0; k < 2; k++) {
			double n = Math.sqrt(d[k][0] * d[k][0] + d[k][1] * d[k][1] + d[k][2] * d[k][2]);
			for (int c = 0; c < 3; c++)
				d[k][c] = n > 1e-9 ? d[k][c] / n : 0;
		}
		if (d[0][0] < d[1][0]) return new double[][] { d[1], d[0] };
		return d;
	}

	private static double[] unit(double r, double g, double b) {
		double n = Math.sqrt(r * r + g * g + b * b);
		return new double[] { r / n, g / n, b / n };
	}
}
