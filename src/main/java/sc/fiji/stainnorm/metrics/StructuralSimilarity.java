package sc.fiji.stainnorm.metrics;

/**
 * The SSIM building block shared by SSIM and MS-SSIM in both conventions: local means, variances and covariance
 * with a given separable window ("valid" region, population statistics) and the means of the resulting maps.
 */
final class StructuralSimilarity {
	static final int WINDOW = 11;
	static final double C1 = Math.pow(0.01 * 255, 2), C2 = Math.pow(0.03 * 255, 2), C3 = C2 / 2;
	static final double[] GAUSSIAN = LocalFilters.gaussian(WINDOW, 1.5);
	static final double[] UNIFORM = LocalFilters.uniform(WINDOW);

	/**
	 * Means over the window positions of: the SSIM map, the contrast-structure map {@code (2 sxy + C2) / (sx² + sy² + C2)},
	 * and of the separate luminance, contrast and structure terms (with {@code C3 = C2 / 2}; NaN unless asked for).
	 */
	record Stats(double ssim, double cs, double luminance, double contrast, double structure) {}

	private StructuralSimilarity() {}

	/** All five means. */
	static Stats stats(double[] x, double[] y, int w, int h, double[] window) {
		return stats(x, y, w, h, window, true);
	}

	/** The map means; the separate luminance, contrast and structure terms only {@code withComponents}. */
	static Stats stats(double[] x, double[] y, int w, int h, double[] window, boolean withComponents) {
		double[] sums = new double[5];
		LocalFilters.windowedMoments(x, y, w, h, window, (mx, my, mxx, myy, mxy, n) -> {
			double ssim = sums[0], cs = sums[1], l = sums[2], c = sums[3], s = sums[4];
			for (int i = 0; i < n; i++) {
				double ux = mx[i], uy = my[i];
				double vx = mxx[i] - ux * ux, vy = myy[i] - uy * uy, cov = mxy[i] - ux * uy;
				double lum = (2 * ux * uy + C1) / (ux * ux + uy * uy + C1);
				double csi = (2 * cov + C2) / (vx + vy + C2);
				ssim += lum * csi;
				cs += csi;
				if (withComponents) {
					double sx = Math.sqrt(Math.max(vx, 0)), sy = Math.sqrt(Math.max(vy, 0));
					l += lum;
					c += (2 * sx * sy + C2) / (vx + vy + C2);
					s += (cov + C3) / (sx * sy + C3);
				}
			}
			sums[0] = ssim;
			sums[1] = cs;
			sums[2] = l;
			sums[3] = c;
			sums[4] = s;
		});
		int n = (w - window.length + 1) * (h - window.length + 1);
		return withComponents ? new Stats(sums[0] / n, sums[1] / n, sums[2] / n, sums[3] / n, sums[4] / n)
			: new Stats(sums[0] / n, sums[1] / n, Double.NaN, Double.NaN, Double.NaN);
	}
}
