package sc.fiji.stainnorm.metrics;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * RASE, relative average spectral error (Choi 2006), in percent.
 * <ul>
 * <li>Standard: {@code 100 / M * sqrt(mean_c RMSE_c²)}, M the mean of the ground truth over all channels.</li>
 * <li>Paper (sewar 0.4.3 {@code rase}, ws = 8): the same per pixel from 8x8 local RMSE maps and sewar's local mean
 * map (extra division by 64, so about 64 times the textbook value), 4-pixel border cropped, averaged.</li>
 * </ul>
 */
final class Rase extends NamedMetric {
	private final Convention convention;

	Rase(Convention convention) {
		super("RASE", false);
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
		double[] rmse = SlidingErrors.rmsePerChannel(x, y);
		double m = (Planes.mean(x[0]) + Planes.mean(x[1]) + Planes.mean(x[2])) / 3;
		if (m == 0) throw new StainNormException("RASE is undefined for an all-black ground truth (its mean is the denominator)");
		return 100 / m * Math.sqrt((rmse[0] * rmse[0] + rmse[1] * rmse[1] + rmse[2] * rmse[2]) / 3);
	}

	private static double paper(double[][] x, double[][] y, int w, int h) {
		double[][] rmse = SlidingErrors.rmseMaps(x, y, w, h), mean = SlidingErrors.sewarMeanMaps(x, w, h);
		double[] map = new double[w * h];
		for (int i = 0; i < map.length; i++) {
			double m = (mean[0][i] + mean[1][i] + mean[2][i]) / 3;
			double e = (rmse[0][i] * rmse[0][i] + rmse[1][i] * rmse[1][i] + rmse[2][i] * rmse[2][i]) / 3;
			map[i] = m == 0 ? (e == 0 ? 0 : Double.POSITIVE_INFINITY) : 100 / m * Math.sqrt(e);
		}
		double r = Planes.meanInside(map, w, h, SlidingErrors.WINDOW / 2);
		if (Double.isInfinite(r))
			throw new StainNormException("RASE (paper convention) is undefined where the ground truth is black over a whole 8x8 window");
		return r;
	}
}
