package sc.fiji.stainnorm.metrics;

import sc.fiji.stainnorm.core.RgbImage;

/** Root mean squared error over all pixels and channels; the same in both conventions. */
final class Rmse implements Metric {
	@Override
	public String name() {
		return "RMSE";
	}

	@Override
	public boolean higherIsBetter() {
		return false;
	}

	@Override
	public double compute(RgbImage groundTruth, RgbImage prediction) {
		return Math.sqrt(Mse.of(groundTruth, prediction));
	}
}
