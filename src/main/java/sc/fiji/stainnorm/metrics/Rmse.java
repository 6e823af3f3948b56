package sc.fiji.stainnorm.metrics;

import sc.fiji.stainnorm.core.RgbImage;

/** Root mean squared error over all pixels and channels; the same in both conventions. */
final class Rmse extends NamedMetric {
	Rmse() {
		super("RMSE", false);
	}

	@Override
	public double compute(RgbImage groundTruth, RgbImage prediction) {
		return Math.sqrt(Mse.of(groundTruth, prediction));
	}
}
