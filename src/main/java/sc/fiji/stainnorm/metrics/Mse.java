package sc.fiji.stainnorm.metrics;

import sc.fiji.stainnorm.core.RgbImage;

/** Mean squared error over all pixels and channels (values 0..255); the same in both conventions. */
final class Mse extends NamedMetric {
	Mse() {
		super("MSE", false);
	}

	@Override
	public double compute(RgbImage groundTruth, RgbImage prediction) {
		return of(groundTruth, prediction);
	}

	static double of(RgbImage groundTruth, RgbImage prediction) {
		Planes.checkSameSize(groundTruth, prediction);
		int[] a = groundTruth.pixels(), b = prediction.pixels();
		long sum = 0;
		for (int i = 0; i < a.length; i++) {
			int dr = RgbImage.red(a[i]) - RgbImage.red(b[i]);
			int dg = RgbImage.green(a[i]) - RgbImage.green(b[i]);
			int db = RgbImage.blue(a[i]) - RgbImage.blue(b[i]);
			sum += dr * dr + dg * dg + db * db;
		}
		return sum / (3.0 * a.length);
	}
}
