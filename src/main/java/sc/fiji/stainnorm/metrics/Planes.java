package sc.fiji.stainnorm.metrics;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;

/** Channel planes in double precision, and the input checks every metric shares. */
final class Planes {
	private Planes() {}

	/** Refuses images of different sizes with a message naming both sizes. */
	static void checkSameSize(RgbImage groundTruth, RgbImage prediction) {
		if (groundTruth == null || prediction == null) throw new StainNormException("Metrics need two images, got none");
		if (groundTruth.width() != prediction.width() || groundTruth.height() != prediction.height())
			throw new StainNormException("Image sizes differ: ground truth " + groundTruth.width() + "x" + groundTruth.height()
				+ ", prediction " + prediction.width() + "x" + prediction.height() + "; metrics compare images of equal size");
	}

	/** Refuses images smaller than a metric's window. */
	static void checkAtLeast(RgbImage image, int minSize, String metric, String why) {
		if (image.width() < minSize || image.height() < minSize)
			throw new StainNormException(metric + " needs images of at least " + minSize + "x" + minSize + " pixels (" + why + "), got "
				+ image.width() + "x" + image.height());
	}

	/**
	 * Refuses a pair in which either image is one single colour: the correlation that {@code metric} is built on
	 * has no value there (a flat image has no variance), so 0 or 1 would be a made-up number. The caller's
	 * table shows n/a with this message as the warning, like FSIM of blank patches.
	 */
	static void checkNotSingleColour(RgbImage groundTruth, RgbImage prediction, String metric) {
		for (RgbImage image : new RgbImage[] { groundTruth, prediction }) {
			int[] px = image.pixels();
			int first = px[0] & 0xFFFFFF;
			boolean flat = true;
			for (int i = 1; i < px.length && flat; i++)
				flat = (px[i] & 0xFFFFFF) == first;
			if (flat)
				throw new StainNormException(metric + " is undefined: the " + (image == groundTruth ? "ground truth" : "prediction")
					+ " is one single colour (" + RgbImage.red(first) + "," + RgbImage.green(first) + "," + RgbImage.blue(first)
					+ " everywhere), and a correlation needs variation");
		}
	}

	/** {@code [channel][pixel]} with values 0..255, row-major; shared within a table row, so never modify them. */
	static double[][] rgb(RgbImage image) {
		return RowMemo.get("rgb", image, null, () -> unpack(image));
	}

	private static double[][] unpack(RgbImage image) {
		int[] p = image.pixels();
		double[][] c = new double[3][p.length];
		for (int i = 0; i < p.length; i++) {
			c[0][i] = RgbImage.red(p[i]);
			c[1][i] = RgbImage.green(p[i]);
			c[2][i] = RgbImage.blue(p[i]);
		}
		return c;
	}

	/** A score of one channel pair: ground truth x, prediction y, both {@code w x h}. */
	@FunctionalInterface
	interface ChannelScore {
		double of(double[] x, double[] y, int w, int h);
	}

	/** The mean over the R, G and B channels of a per-channel score. */
	static double channelMean(RgbImage groundTruth, RgbImage prediction, ChannelScore score) {
		double[][] x = rgb(groundTruth), y = rgb(prediction);
		double sum = 0;
		for (int c = 0; c < 3; c++)
			sum += score.of(x[c], y[c], groundTruth.width(), groundTruth.height());
		return sum / 3;
	}

	/** A weighted sum of the three channels, e.g. a luma. */
	static double[] mix(RgbImage image, double wr, double wg, double wb) {
		int[] p = image.pixels();
		double[] out = new double[p.length];
		for (int i = 0; i < p.length; i++)
			out[i] = wr * RgbImage.red(p[i]) + wg * RgbImage.green(p[i]) + wb * RgbImage.blue(p[i]);
		return out;
	}

	static double mean(double[] a) {
		double s = 0;
		for (double v : a)
			s += v;
		return s / a.length;
	}

	/** Mean of the map without a border of {@code crop} pixels on every side. */
	static double meanInside(double[] map, int w, int h, int crop) {
		if (w <= 2 * crop || h <= 2 * crop) throw new StainNormException("Image too small: " + w + "x" + h + " leaves nothing inside a border of " + crop);
		double s = 0;
		for (int y = crop; y < h - crop; y++)
			for (int x = crop; x < w - crop; x++)
				s += map[y * w + x];
		return s / ((double) (w - 2 * crop) * (h - 2 * crop));
	}

	/**
	 * The real part of {@code prod base_i ^ weight_i} in complex arithmetic (a negative base to a fractional power
	 * has phase {@code pi * weight}), as numpy and MATLAB compute it; never NaN.
	 */
	static double realPowerProduct(double[] bases, double[] weights) {
		double logMagnitude = 0, phase = 0;
		for (int i = 0; i < bases.length; i++) {
			if (bases[i] == 0) return 0;
			logMagnitude += weights[i] * Math.log(Math.abs(bases[i]));
			if (bases[i] < 0) phase += Math.PI * weights[i];
		}
		return Math.exp(logMagnitude) * Math.cos(phase);
	}
}
