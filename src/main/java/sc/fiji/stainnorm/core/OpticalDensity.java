package sc.fiji.stainnorm.core;

/**
 * Beer–Lambert optical density with an explicit background (white) intensity {@code io}:
 * {@code OD = -ln(I / io)}, {@code I = io · exp(-OD)}. Natural logarithm, as in Macenko's and Vahadane's
 * reference code; intensities below 1 are taken as 1 so that black pixels get a finite OD.
 */
public final class OpticalDensity {
	/** The background intensity most methods assume for 8-bit brightfield images. */
	public static final double DEFAULT_IO = 255;

	private OpticalDensity() {}

	public static double fromIntensity(double intensity, double io) {
		return -Math.log(Math.max(intensity, 1) / io);
	}

	public static double toIntensity(double od, double io) {
		return io * Math.exp(-od);
	}

	/** The optical density of every pixel, interleaved {@code [r0, g0, b0, r1, ...]}. */
	public static float[] ofImage(RgbImage image, double io) {
		int[] p = image.pixels();
		float[] lut = new float[256];
		for (int v = 0; v < 256; v++)
			lut[v] = (float) fromIntensity(v, io);
		float[] od = new float[p.length * 3];
		for (int i = 0, j = 0; i < p.length; i++) {
			od[j++] = lut[RgbImage.red(p[i])];
			od[j++] = lut[RgbImage.green(p[i])];
			od[j++] = lut[RgbImage.blue(p[i])];
		}
		return od;
	}
}
