package sc.fiji.stainnorm.stst;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * Small SSIM/PSNR helper for the STST validation (the project's metrics library is separate): SSIM in the
 * sewar convention the STST paper used (per channel, uniform 11x11 window, "valid" region, C1 = (0.01 L)^2,
 * C2 = (0.03 L)^2, population variances, mean of the map, then mean over channels) and PSNR with MAX 255.
 */
final class Similarity {
	private static final int WIN = 11;

	private Similarity() {}

	static double psnr(RgbImage a, RgbImage b) {
		int[] x = a.pixels(), y = b.pixels();
		double se = 0;
		for (int i = 0; i < x.length; i++)
			for (int s = 0; s <= 16; s += 8) {
				double d = ((x[i] >> s) & 0xFF) - ((y[i] >> s) & 0xFF);
				se += d * d;
			}
		double mse = se / (3.0 * x.length);
		return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
	}

	static double ssim(RgbImage a, RgbImage b) {
		double sum = 0;
		for (int s = 16; s >= 0; s -= 8) sum += ssimChannel(a, b, s);
		return sum / 3;
	}

	private static double ssimChannel(RgbImage a, RgbImage b, int shift) {
		int w = a.width(), h = a.height();
		double c1 = Math.pow(0.01 * 255, 2), c2 = Math.pow(0.03 * 255, 2);
		double[] sx = integral(a, b, shift, 0), sy = integral(a, b, shift, 1), sxx = integral(a, b, shift, 2), syy = integral(a, b, shift, 3),
			sxy = integral(a, b, shift, 4);
		double n = WIN * WIN, total = 0;
		int count = 0;
		for (int y = 0; y + WIN <= h; y++)
			for (int x = 0; x + WIN <= w; x++) {
				double mx = box(sx, w, x, y) / n, my = box(sy, w, x, y) / n;
				double vx = box(sxx, w, x, y) / n - mx * mx, vy = box(syy, w, x, y) / n - my * my, cxy = box(sxy, w, x, y) / n - mx * my;
				total += (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
				count++;
			}
		return total / count;
	}

	private static double[] integral(RgbImage a, RgbImage b, int shift, int what) {
		int w = a.width(), h = a.height();
		int[] pa = a.pixels(), pb = b.pixels();
		double[] s = new double[(w + 1) * (h + 1)];
		for (int y = 0; y < h; y++) {
			double row = 0;
			for (int x = 0; x < w; x++) {
				double u = (pa[y * w + x] >> shift) & 0xFF, v = (pb[y * w + x] >> shift) & 0xFF;
				row += switch (what) { case 0 -> u; case 1 -> v; case 2 -> u * u; case 3 -> v * v; default -> u * v; };
				s[(y + 1) * (w + 1) + x + 1] = s[y * (w + 1) + x + 1] + row;
			}
		}
		return s;
	}

	private static double box(double[] s, int w, int x, int y) {
		int W = w + 1;
		return s[(y + WIN) * W + x + WIN] - s[y * W + x + WIN] - s[(y + WIN) * W + x] + s[y * W + x];
	}
}
