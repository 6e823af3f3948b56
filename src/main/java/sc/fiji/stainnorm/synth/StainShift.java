package sc.fiji.stainnorm.synth;

import java.util.Locale;
import java.util.Random;

import sc.fiji.stainnorm.core.Matrix3;
import sc.fiji.stainnorm.core.OpticalDensity;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.deconvolution.StainVectors;

/**
 * A seeded, physically motivated stain shift, the "matched ground truth" protocol of the STST paper's
 * Table IV: an image T is re-stained into S, so T is the exact answer a normalizer should give back for S.
 * <p>
 * In optical density the image is decomposed on Ruifrok's H&amp;E vectors plus their residual; the H and E
 * concentrations are scaled ({@code hScale}, {@code eScale}: stronger or weaker staining) and re-mixed with
 * new stain vectors ({@code hematoxylin}, {@code eosin}: another dye lot or scanner), the residual is kept,
 * then the background intensity is scaled and a gamma applied (scanner illumination and camera response):
 * {@code S = 255 · (intensity · exp(-OD'))^gamma} with intensities in [0, 1]. Identity parameters give the
 * image back up to the rounding of 8-bit values.
 */
public record StainShift(double[] hematoxylin, double[] eosin, double hScale, double eScale, double intensity, double gamma) {
	/** The stains a real image is assumed to be made of before the shift. */
	public static final StainVectors ASSUMED = StainVectors.H_E;

	public StainShift {
		hematoxylin = Matrix3.normalize(hematoxylin);
		eosin = Matrix3.normalize(eosin);
		if (!(hScale > 0 && eScale > 0 && intensity > 0 && gamma > 0))
			throw new IllegalArgumentException("scales, intensity and gamma must be positive");
	}

	/** Changes nothing (up to 8-bit rounding). */
	public static StainShift identity() {
		return new StainShift(ASSUMED.vector(0), ASSUMED.vector(1), 1, 1, 1, 1);
	}

	/**
	 * A random shift of moderate size, drawn from {@code seed} alone: each stain vector turned by 4–12° in a
	 * random direction, concentrations scaled by 0.7–1.4 (log-uniform), background intensity ×0.90–1.00,
	 * gamma 0.8–1.25 (log-uniform).
	 */
	public static StainShift random(long seed) {
		return draw(seed, 4, 12, 0.7, 1.4);
	}

	/**
	 * A random shift as large as the real same-field scanner pairs' differences, drawn from {@code seed} alone: each
	 * stain vector turned by 7–15°, concentrations scaled by 0.55–1.8 (log-uniform); intensity and gamma as
	 * {@link #random}. Measured with Vahadane's estimator ({@code ./stainnorm vectors --method vahadane}) between the
	 * two scans of each shared pair: MITOS-ATYPIA Aperio/Hamamatsu H 6.7°, E 10.4° apart, 99th-percentile
	 * concentrations ×1.10 (H) and ×1.20 (E); canine SCC Aperio/NanoZoomer H 12.6°, E 15.0°, ×0.63 and ×0.55 (each
	 * scan is normalized towards the other, so the inverse ratios, up to ×1.8, count too).
	 */
	public static StainShift strong(long seed) {
		return draw(seed, 7, 15, 0.55, 1.8);
	}

	private static StainShift draw(long seed, double minTurn, double maxTurn, double minScale, double maxScale) {
		Random rnd = new Random(seed);
		double[] h = turn(ASSUMED.vector(0), Math.toRadians(minTurn + (maxTurn - minTurn) * rnd.nextDouble()), rnd);
		double[] e = turn(ASSUMED.vector(1), Math.toRadians(minTurn + (maxTurn - minTurn) * rnd.nextDouble()), rnd);
		double hScale = logUniform(rnd, minScale, maxScale), eScale = logUniform(rnd, minScale, maxScale);
		double intensity = 0.90 + 0.10 * rnd.nextDouble();
		double gamma = logUniform(rnd, 0.8, 1.25);
		return new StainShift(h, e, hScale, eScale, intensity, gamma);
	}

	private static double logUniform(Random rnd, double lo, double hi) {
		return lo * StrictMath.exp(rnd.nextDouble() * StrictMath.log(hi / lo));
	}

	/** Turns unit vector v by angle a towards a random perpendicular direction, keeping components positive. */
	private static double[] turn(double[] v, double angle, Random rnd) {
		double[] r = { rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian() };
		double dot = r[0] * v[0] + r[1] * v[1] + r[2] * v[2];
		double[] u = Matrix3.normalize(new double[] { r[0] - dot * v[0], r[1] - dot * v[1], r[2] - dot * v[2] });
		double[] t = new double[3];
		for (int i = 0; i < 3; i++)
			t[i] = Math.max(0.01, StrictMath.cos(angle) * v[i] + StrictMath.sin(angle) * u[i]);
		return Matrix3.normalize(t);
	}

	/** Angle in degrees between the assumed and the new vector of stain 0 (H) or 1 (E). */
	public double turnDegrees(int stain) {
		double[] a = ASSUMED.vector(stain), b = stain == 0 ? hematoxylin : eosin;
		double dot = Math.min(1, a[0] * b[0] + a[1] * b[1] + a[2] * b[2]);
		return Math.toDegrees(Math.acos(dot));
	}

	public RgbImage apply(RgbImage image) {
		// od' = od · M⁻¹ · diag(hScale, eScale, 1) · M', rows of M are the stain vectors
		double[][] from = ASSUMED.vectors();
		double[][] to = { hematoxylin, eosin, ASSUMED.vector(2) };
		double[] scale = { hScale, eScale, 1 };
		double[][] inv = Matrix3.inverse(from);
		double[][] map = new double[3][3];
		for (int j = 0; j < 3; j++)
			for (int c = 0; c < 3; c++) {
				double s = 0;
				for (int k = 0; k < 3; k++)
					s += inv[j][k] * scale[k] * to[k][c];
				map[j][c] = s;
			}
		double[] odOf = new double[256];
		for (int v = 0; v < 256; v++)
			odOf[v] = OpticalDensity.fromIntensity(v, 255);
		int[] src = image.pixels(), dst = new int[src.length];
		double[] od = new double[3];
		int[] out = new int[3];
		for (int i = 0; i < src.length; i++) {
			od[0] = odOf[RgbImage.red(src[i])];
			od[1] = odOf[RgbImage.green(src[i])];
			od[2] = odOf[RgbImage.blue(src[i])];
			for (int c = 0; c < 3; c++) {
				double shifted = od[0] * map[0][c] + od[1] * map[1][c] + od[2] * map[2][c];
				double value = Math.min(1, intensity * Math.exp(-shifted));
				out[c] = RgbImage.toByte(255 * Math.pow(value, gamma));
			}
			dst[i] = RgbImage.pack(out[0], out[1], out[2]);
		}
		return RgbImage.wrap(image.width(), image.height(), dst);
	}

	/** One line for reports: vectors, turn angles, scales, intensity and gamma. */
	public String describe() {
		return String.format(Locale.ROOT, "H=(%.3f,%.3f,%.3f) turned %.1f°, E=(%.3f,%.3f,%.3f) turned %.1f°, "
			+ "H×%.3f, E×%.3f, intensity×%.3f, gamma %.3f",
			hematoxylin[0], hematoxylin[1], hematoxylin[2], turnDegrees(0), eosin[0], eosin[1], eosin[2], turnDegrees(1),
			hScale, eScale, intensity, gamma);
	}

	@Override
	public double[] hematoxylin() {
		return hematoxylin.clone();
	}

	@Override
	public double[] eosin() {
		return eosin.clone();
	}
}
