package sc.fiji.stainnorm.metrics;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * ERGAS, relative dimensionless global error (Wald 2000).
 * <ul>
 * <li>Standard: {@code 100 * (h/l) * sqrt(mean_c (RMSE_c / mean(GT_c))²)} with resolution ratio {@code h/l = 1},
 * since prediction and ground truth have the same resolution (sewar &ge; 0.4.6 uses 1/4, i.e. a quarter of this).</li>
 * <li>Paper (sewar 0.4.3 {@code ergas}, r = 4, ws = 8): per pixel
 * {@code 400 * sqrt(sum_c rmse_c² / mean_c²)} from 8x8 local RMSE maps and sewar's local mean map (which has an
 * extra division by 64), 4-pixel border cropped, averaged. Values in the thousands.</li>
 * </ul>
 */
final class Ergas extends NamedMetric {
	static final double RESOLUTION_RATIO = 1;
	private static final double SEWAR_RATIO = 4;
	private final Convention convention;

	Ergas(Convention convention) {
		super("ERGAS", false);
		this.convention = convention;
	}

	@Override
	public double compute(RgbImage groundTruth, RgbImage prediction) {
		Planes.checkSameSize(groundTruth, prediction);
		double[][] x = Planes.rgb(groundTruth), y = Planes.rgb(prediction);
		if (convention == Convention.PAPER) {
			SlidingErrors.checkPaperSize(groundTruth, name());
			return paper(x, y, groundTruth.width(), groundTruth.height());
		}
		double[] rmse = SlidingErrors.rmsePerChannel(x, y), mean = SlidingErrors.meanPerChannel(x, name());
		double s = 0;
		for (int c = 0; c < 3; c++)
			s += Math.pow(rmse[c] / mean[c], 2);
		return 100 * RESOLUTION_RATIO * Math.sqrt(s / 3);
	}

	private static double paper(double[][] x, double[][] y, int w, int h) {
		double[][] rmse = SlidingErrors.rmseMaps(x, y, w, h), mean = SlidingErrors.sewarMeanMaps(x, w, h);
		double[] map = new double[w * h];
		for (int i = 0; i < map.length; i++) {
			double s = 0;
			for (int c = 0; c < 3; c++)
				if (mean[c][i] != 0) s += rmse[c][i] * rmse[c][i] / (mean[c][i] * mean[c][i]);
			map[i] = 100 * SEWAR_RATIO * Math.sqrt(s);
		}
		return Planes.meanInside(map, w, h, SlidingErrors.WINDOW / 2);
	}
}
