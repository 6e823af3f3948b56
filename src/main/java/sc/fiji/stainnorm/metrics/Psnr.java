package sc.fiji.stainnorm.metrics;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * Peak signal-to-noise ratio {@code 10 log10(255² / MSE)} in dB, MSE over all pixels and channels; the same in both
 * conventions. Identical images give positive infinity.
 */
final class Psnr extends NamedMetric {
	Psnr() {
		super("PSNR", true);
	}
	static final double PEAK = 255;

	@Override
	public double compute(RgbImage groundTruth, RgbImage prediction) {
		double mse = Mse.of(groundTruth, prediction);
		return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(PEAK * PEAK / mse);
	}
}
