package sc.fiji.stainnorm.normalize;

/**
 * Exact non-negative lasso for two stains: {@code min ½‖x − D a‖² + λ (a₁ + a₂)} subject to {@code a ≥ 0},
 * where D is 3×2 (one OD column per stain). With only two unknowns the optimum is found by checking the
 * four active sets (both, first only, second only, none) against the objective, which is exact, branch-light
 * and fully deterministic; λ = 0 gives non-negative least squares.
 */
final class TwoStainSolver {
	private final double[][] atoms; // [stain][channel]
	private final double g00, g01, g11, det;
	private final double lambda;

	/** @param atoms two OD vectors, {@code atoms[stain][channel]} */
	TwoStainSolver(double[][] atoms, double lambda) {
		this.atoms = new double[][] { atoms[0].clone(), atoms[1].clone() };
		this.lambda = lambda;
		g00 = dot(atoms[0], atoms[0]);
		g01 = dot(atoms[0], atoms[1]);
		g11 = dot(atoms[1], atoms[1]);
		det = g00 * g11 - g01 * g01;
	}

	/** Solves for one OD triple; writes the two coefficients to {@code out}. */
	void solve(double r, double g, double b, double[] out) {
		double[] d0 = atoms[0], d1 = atoms[1];
		double c0 = d0[0] * r + d0[1] * g + d0[2] * b - lambda;
		double c1 = d1[0] * r + d1[1] * g + d1[2] * b - lambda;
		// objective up to the constant ½‖x‖²: ½ aᵀGa − (c)ᵀa with c = Dᵀx − λ
		if (det > 1e-12 * (g00 * g11)) {
			double a0 = (c0 * g11 - c1 * g01) / det, a1 = (c1 * g00 - c0 * g01) / det;
			if (a0 >= 0 && a1 >= 0) {
				out[0] = a0;
				out[1] = a1;
				return;
			}
		}
		double best = 0, bestA0 = 0, bestA1 = 0;
		if (g00 > 0 && c0 > 0) {
			double a0 = c0 / g00, f = -0.5 * c0 * a0;
			if (f < best) {
				best = f;
				bestA0 = a0;
				bestA1 = 0;
			}
		}
		if (g11 > 0 && c1 > 0) {
			double a1 = c1 / g11, f = -0.5 * c1 * a1;
			if (f < best) {
				bestA0 = 0;
				bestA1 = a1;
			}
		}
		out[0] = bestA0;
		out[1] = bestA1;
	}

	private static double dot(double[] a, double[] b) {
		return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
	}
}
