package sc.fiji.stainnorm.core;

/**
 * The colour guided filter of He, Sun and Tang (IEEE TPAMI 35(6), 2013, eq. 19): in every (2r+1)×(2r+1) window
 * each output plane is the affine function {@code a·I + b} of the three-channel guide {@code I} that best fits
 * that input plane (least squares, ridge {@code eps} on {@code a}), averaged over all windows covering a pixel.
 * Unlike the one-channel {@link GuidedFilter} per channel, a window may mix the guide's channels: a local colour
 * transform, which can undo a change of stain colours (a linear map of the optical densities) while keeping the
 * guide's structure. Windows are clipped at the image border. Linear time; about 30 float planes of the image's
 * size are live at once.
 */
public final class ColourGuidedFilter {
	private ColourGuidedFilter() {}

	/**
	 * @param guide three planes of w·h values, row by row
	 * @param input planes of w·h values to be fitted (any number)
	 * @param radius window radius r ≥ 0
	 * @param eps ridge on the slopes, in squared guide units: larger values smooth more
	 * @return one plane per input plane
	 */
	public static float[][] filter(float[][] guide, float[][] input, int w, int h, int radius, double eps) {
		int n = w * h;
		if (guide.length != 3) throw new IllegalArgumentException("the guide must have three planes, not " + guide.length);
		for (float[] p : guide)
			if (p.length != n) throw new IllegalArgumentException("guide planes must have " + w + "x" + h + " values");
		for (float[] p : input)
			if (p.length != n) throw new IllegalArgumentException("input planes must have " + w + "x" + h + " values");
		if (radius < 0 || !(eps > 0)) throw new IllegalArgumentException("radius must not be negative and eps must be positive");
		float[] tmp = new float[n], product = new float[n];
		float[][] meanI = new float[3][];
		for (int i = 0; i < 3; i++) meanI[i] = GuidedFilter.boxMean(guide[i], w, h, radius, tmp);
		// the guide's covariance in every window: xx, xy, xz, yy, yz, zz
		int[][] pairs = { { 0, 0 }, { 0, 1 }, { 0, 2 }, { 1, 1 }, { 1, 2 }, { 2, 2 } };
		float[][] cov = new float[6][];
		for (int k = 0; k < 6; k++) {
			float[] u = guide[pairs[k][0]], v = guide[pairs[k][1]];
			for (int j = 0; j < n; j++) product[j] = u[j] * v[j];
			cov[k] = GuidedFilter.boxMean(product, w, h, radius, tmp);
			float[] mu = meanI[pairs[k][0]], mv = meanI[pairs[k][1]];
			for (int j = 0; j < n; j++) cov[k][j] -= mu[j] * mv[j];
		}
		// the inverse of (covariance + eps·1) in place, symmetric, by cofactors
		for (int j = 0; j < n; j++) {
			double xx = Math.max(0, cov[0][j]) + eps, xy = cov[1][j], xz = cov[2][j], yy = Math.max(0, cov[3][j]) + eps, yz = cov[4][j],
				zz = Math.max(0, cov[5][j]) + eps;
			double c00 = yy * zz - yz * yz, c01 = xz * yz - xy * zz, c02 = xy * yz - xz * yy;
			double c11 = xx * zz - xz * xz, c12 = xy * xz - xx * yz, c22 = xx * yy - xy * xy;
			double det = xx * c00 + xy * c01 + xz * c02;
			double inv = det > 0 ? 1 / det : 0; // positive definite with eps > 0; 0 only on float overflow
			cov[0][j] = (float) (c00 * inv);
			cov[1][j] = (float) (c01 * inv);
			cov[2][j] = (float) (c02 * inv);
			cov[3][j] = (float) (c11 * inv);
			cov[4][j] = (float) (c12 * inv);
			cov[5][j] = (float) (c22 * inv);
		}
		float[][] out = new float[input.length][];
		for (int c = 0; c < input.length; c++) {
			float[] p = input[c];
			float[] meanP = GuidedFilter.boxMean(p, w, h, radius, tmp);
			float[][] cross = new float[3][];
			for (int i = 0; i < 3; i++) {
				float[] g = guide[i];
				for (int j = 0; j < n; j++) product[j] = g[j] * p[j];
				cross[i] = GuidedFilter.boxMean(product, w, h, radius, tmp);
				float[] mi = meanI[i];
				for (int j = 0; j < n; j++) cross[i][j] -= mi[j] * meanP[j];
			}
			// a = inverse · cross (in cross's planes), b = mean p - a · mean I (in meanP)
			for (int j = 0; j < n; j++) {
				double sx = cross[0][j], sy = cross[1][j], sz = cross[2][j];
				double ax = cov[0][j] * sx + cov[1][j] * sy + cov[2][j] * sz;
				double ay = cov[1][j] * sx + cov[3][j] * sy + cov[4][j] * sz;
				double az = cov[2][j] * sx + cov[4][j] * sy + cov[5][j] * sz;
				cross[0][j] = (float) ax;
				cross[1][j] = (float) ay;
				cross[2][j] = (float) az;
				meanP[j] = (float) (meanP[j] - ax * meanI[0][j] - ay * meanI[1][j] - az * meanI[2][j]);
			}
			float[] q = GuidedFilter.boxMean(meanP, w, h, radius, tmp);
			for (int i = 0; i < 3; i++) {
				float[] a = GuidedFilter.boxMean(cross[i], w, h, radius, tmp), g = guide[i];
				for (int j = 0; j < n; j++) q[j] += a[j] * g[j];
			}
			out[c] = q;
		}
		return out;
	}
}
