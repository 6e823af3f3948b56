package sc.fiji.stainnorm.metrics;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;

/** Per-channel error statistics shared by ERGAS and RASE: global ones (standard) and sewar's 8x8 maps (paper). */
final class SlidingErrors {
	static final int WINDOW = 8;

	private SlidingErrors() {}

	/** RMSE of each channel over the whole image. */
	static double[] rmsePerChannel(double[][] x, double[][] y) {
		double[] out = new double[3];
		for (int c = 0; c < 3; c++) {
			double s = 0;
			for (int i = 0; i < x[c].length; i++) {
				double d = x[c][i] - y[c][i];
				s += d * d;
			}
			out[c] = Math.sqrt(s / x[c].length);
		}
		return out;
	}

	/** Mean of each ground-truth channel; refuses an all-black channel, for which the relative errors are undefined. */
	static double[] meanPerChannel(double[][] x, String metric) {
		double[] out = new double[3];
		for (int c = 0; c < 3; c++) {
			out[c] = Planes.mean(x[c]);
			if (out[c] == 0)
				throw new StainNormException(metric + " is undefined when a ground-truth channel is entirely black (its mean is the denominator)");
		}
		return out;
	}

	/** sewar's {@code rmse_sw}: square root of the 8x8 box mean (reflect) of the squared error, per channel. */
	static double[][] rmseMaps(double[][] x, double[][] y, int w, int h) {
		return RowMemo.get("rmse maps", x, y, () -> computeRmseMaps(x, y, w, h));
	}

	private static double[][] computeRmseMaps(double[][] x, double[][] y, int w, int h) {
		double[][] out = new double[3][];
		for (int c = 0; c < 3; c++) {
			double[] sq = new double[x[c].length];
			for (int i = 0; i < sq.length; i++) {
				double d = x[c][i] - y[c][i];
				sq[i] = d * d;
			}
			out[c] = LocalFilters.boxMeanSame(sq, w, h, WINDOW, LocalFilters.Boundary.REFLECT);
			for (int i = 0; i < sq.length; i++)
				out[c][i] = Math.sqrt(out[c][i]);
		}
		return out;
	}

	/**
	 * sewar's local "mean" map: {@code uniform_filter(GT, 8) / 64}, where the 8-wide box also runs across the three
	 * channels (reflect) and the extra division by 64 is sewar's; per channel.
	 */
	static double[][] sewarMeanMaps(double[][] x, int w, int h) {
		return RowMemo.get("sewar mean maps", x, null, () -> computeSewarMeanMaps(x, w, h));
	}

	private static double[][] computeSewarMeanMaps(double[][] x, int w, int h) {
		double[][] box = new double[3][];
		for (int c = 0; c < 3; c++)
			box[c] = LocalFilters.boxMeanSame(x[c], w, h, WINDOW, LocalFilters.Boundary.REFLECT);
		double[][] out = new double[3][x[0].length];
		for (int c = 0; c < 3; c++)
			for (int t = c - WINDOW / 2; t <= c + (WINDOW - 1) / 2; t++) {
				double[] src = box[LocalFilters.reflect(t, 3)];
				for (int i = 0; i < src.length; i++)
					out[c][i] += src[i];
			}
		for (int c = 0; c < 3; c++)
			for (int i = 0; i < out[c].length; i++)
				out[c][i] = out[c][i] / WINDOW / (WINDOW * WINDOW);
		return out;
	}

	static void checkPaperSize(RgbImage image, String metric) {
		Planes.checkAtLeast(image, WINDOW + 1, metric, "an 8x8 window and a 4-pixel border");
	}
}
