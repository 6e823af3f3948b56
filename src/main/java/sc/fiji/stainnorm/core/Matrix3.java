package sc.fiji.stainnorm.core;

/** The few 3×3 matrix operations colour work needs, on {@code double[3][3]} row-major arrays. */
public final class Matrix3 {
	private Matrix3() {}

	public static double[] multiply(double[][] m, double[] v) {
		return new double[] {
			m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
			m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
			m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2] };
	}

	public static double determinant(double[][] m) {
		return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
			- m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
			+ m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
	}

	/** The inverse; throws {@link StainNormException} for a (numerically) singular matrix. */
	public static double[][] inverse(double[][] m) {
		double det = determinant(m);
		if (!(Math.abs(det) > 1e-12))
			throw new StainNormException("The 3x3 matrix is singular (determinant " + det + "): are two stain vectors parallel?");
		double[][] r = new double[3][3];
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 3; j++) {
				int i1 = (j + 1) % 3, i2 = (j + 2) % 3, j1 = (i + 1) % 3, j2 = (i + 2) % 3;
				r[i][j] = (m[i1][j1] * m[i2][j2] - m[i1][j2] * m[i2][j1]) / det;
			}
		return r;
	}

	public static double[] cross(double[] a, double[] b) {
		return new double[] { a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0] };
	}

	public static double norm(double[] v) {
		return Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
	}

	/** v / |v|; throws for a zero vector. */
	public static double[] normalize(double[] v) {
		double n = norm(v);
		if (!(n > 0)) throw new StainNormException("A stain vector must not be zero");
		return new double[] { v[0] / n, v[1] / n, v[2] / n };
	}
}
