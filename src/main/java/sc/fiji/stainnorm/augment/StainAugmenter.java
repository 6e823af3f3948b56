package sc.fiji.stainnorm.augment;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;

import sc.fiji.stainnorm.core.Matrix3;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.OpticalDensity;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.core.TissueMask;
import sc.fiji.stainnorm.deconvolution.StainVectors;
import sc.fiji.stainnorm.normalize.StainEstimates;

/**
 * Stain augmentation: plausible stain variants of a patch, for training classifiers. Each stain's concentration
 * {@code c} becomes {@code α·c + β} with {@code α ~ U(1−σ₁, 1+σ₁)} and {@code β ~ U(−σ₂, σ₂)} drawn per stain:
 * <ul>
 * <li>{@link #hed}: Tellez et al. 2018, on Ruifrok &amp; Johnston's H, E and DAB vectors (all three perturbed);</li>
 * <li>{@link #macenko} / {@link #vahadane}: on the image's own H and E vectors as that method estimates them, as
 * tiatoolbox's {@code StainAugmentor}; the third stain is the direction orthogonal to both, carried unchanged, so
 * that nothing of the colour is lost and σ = 0 gives the input back.</li>
 * </ul>
 * OD is taken against the patch's own glass colour ({@link StainEstimates#glass}, 255 when it shows too little), so
 * glass has no stain and α leaves it as it is. The shift β would tint it, so β is faded out towards the glass: applied
 * in full where some channel's OD reaches the project's tissue threshold ({@link TissueMask#MIN_OD}), not at all below a
 * third of it, linearly in between (no seam at the threshold). Patches
 * without enough tissue, and patches whose stains the estimating method cannot separate, are returned unchanged
 * with the reason.
 * <p>
 * Deterministic: the draws depend only on the seed ({@link #seed(long, String, int)} makes one from a run's seed,
 * the file name and the copy number), never on the machine or the thread. Instances are immutable and may be
 * shared between threads.
 */
public final class StainAugmenter {
	/** The methods, as the command line and the macros spell them. */
	public enum Method {
		HED, MACENKO, VAHADANE;

		public static Method parse(String text) {
			for (Method m : values())
				if (m.name().equalsIgnoreCase(text == null ? "" : text.trim())) return m;
			throw new InvalidSettingException("Augmentation method '" + text + "' is not known; use hed, macenko or vahadane");
		}

		public String key() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	public static final double DEFAULT_SIGMA1 = 0.05, DEFAULT_SIGMA2 = 0.05;
	/** Below this darkest-channel OD a pixel is glass and gets no shift β. */
	private static final double GLASS_OD = TissueMask.MIN_OD / 3;

	private final Method method;
	/** The largest stain-vector rotation allowed, in degrees: more is another stain, not a variant. */
	public static final double MAX_ROTATION = 20;

	private final double sigma1, sigma2, rotation;

	private StainAugmenter(Method method, double sigma1, double sigma2, double rotation) {
		if (!(sigma1 >= 0 && sigma1 < 1)) throw new InvalidSettingException("sigma1=" + sigma1 + " must be from 0 up to (not including) 1");
		if (!(sigma2 >= 0 && sigma2 <= 1)) throw new InvalidSettingException("sigma2=" + sigma2 + " must be from 0 to 1");
		if (!(rotation >= 0 && rotation <= MAX_ROTATION))
			throw new InvalidSettingException("rotation=" + rotation + " must be from 0 to " + MAX_ROTATION + " degrees");
		this.method = method;
		this.sigma1 = sigma1;
		this.sigma2 = sigma2;
		this.rotation = rotation;
	}

	private StainAugmenter(Method method, double sigma1, double sigma2) {
		this(method, sigma1, sigma2, 0);
	}

	/**
	 * The same augmenter that also turns each perturbed stain's vector by an angle ~ U(−degrees, degrees) about a
	 * random axis perpendicular to it (a slightly different dye colour); components that would turn negative are set
	 * to 0. The concentrations are taken on the image's vectors and rendered on the turned ones.
	 */
	public StainAugmenter withRotation(double degrees) {
		return new StainAugmenter(method, sigma1, sigma2, degrees);
	}

	public double rotation() {
		return rotation;
	}

	public static StainAugmenter of(Method method, double sigma1, double sigma2) {
		return new StainAugmenter(method, sigma1, sigma2);
	}

	/** Tellez et al. HED jitter, e.g. {@code hed(0.05, 0.05)}. */
	public static StainAugmenter hed(double sigma1, double sigma2) {
		return new StainAugmenter(Method.HED, sigma1, sigma2);
	}

	public static StainAugmenter macenko(double sigma1, double sigma2) {
		return new StainAugmenter(Method.MACENKO, sigma1, sigma2);
	}

	public static StainAugmenter vahadane(double sigma1, double sigma2) {
		return new StainAugmenter(Method.VAHADANE, sigma1, sigma2);
	}

	public Method method() {
		return method;
	}

	public double sigma1() {
		return sigma1;
	}

	public double sigma2() {
		return sigma2;
	}

	/**
	 * The seed of one copy of one file: a fixed 64-bit hash (FNV-1a of the UTF-8 name, mixed with the run's seed and
	 * the copy number), the same on every machine and Java version.
	 */
	public static long seed(long runSeed, String fileName, int copy) {
		long h = 0xcbf29ce484222325L;
		for (byte b : fileName.getBytes(StandardCharsets.UTF_8)) {
			h ^= b & 0xFF;
			h *= 0x100000001b3L;
		}
		return mix(mix(h ^ mix(runSeed)) + copy);
	}

	/** SplitMix64's finaliser. */
	private static long mix(long z) {
		z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
		z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
		return z ^ (z >>> 31);
	}

	/**
	 * What this augmenter draws for a seed, per stain: {@code [0]} α, {@code [1]} β, {@code [2]} the rotation angle
	 * (degrees) and {@code [3]} the direction of its axis (degrees around the vector).
	 */
	public double[][] draw(long seed) {
		SplittableRandom random = new SplittableRandom(seed);
		int perturbed = method == Method.HED ? 3 : 2;
		double[] alpha = { 1, 1, 1 }, beta = { 0, 0, 0 };
		for (int s = 0; s < perturbed; s++) {
			// always two draws per stain, so that σ = 0 for one does not shift the other's stream
			double u = random.nextDouble(), v = random.nextDouble();
			alpha[s] = 1 + sigma1 * (2 * u - 1);
			beta[s] = sigma2 * (2 * v - 1);
		}
		// drawn after α and β, so that adding a rotation leaves them as they were
		double[] angle = new double[3], axis = new double[3];
		for (int s = 0; s < perturbed; s++) {
			double u = random.nextDouble(), v = random.nextDouble();
			angle[s] = rotation * (2 * u - 1);
			axis[s] = 360 * v;
		}
		return new double[][] { alpha, beta, angle, axis };
	}

	/** One variant of the image with the draws of {@code seed}. */
	public Augmentation augment(RgbImage image, long seed) {
		double[][] d = draw(seed);
		return apply(image, d[0], d[1], d[2], d[3]);
	}

	/** One variant with given α and β per stain (three each), no rotation. */
	public Augmentation apply(RgbImage image, double[] alpha, double[] beta) {
		return apply(image, alpha, beta, new double[3], new double[3]);
	}

	/** One variant with given α, β, rotation angle and axis direction (degrees) per stain (three each). */
	public Augmentation apply(RgbImage image, double[] alpha, double[] beta, double[] angle, double[] axis) {
		if (alpha.length != 3 || beta.length != 3 || angle.length != 3 || axis.length != 3)
			throw new IllegalArgumentException("alpha, beta, angle and axis need one value per stain (3)");
		long tissue = TissueMask.count(image);
		if (!TissueMask.enough(tissue, image.pixelCount()))
			return new Augmentation(image.copy(), alpha, beta, angle, axis, 0, "no tissue (" + TissueMask.describe(tissue, image.pixelCount()) + ")", null, null, null);
		StainVectors stains;
		try {
			stains = stainsOf(image);
		}
		catch (StainNormException e) {
			return new Augmentation(image.copy(), alpha, beta, angle, axis, 0, method.key() + " found no stain matrix: " + e.getMessage(), null, null, null);
		}
		double[] glass = StainEstimates.glass(image);
		double[][] m = stains.vectors(), inverse = Matrix3.inverse(m), render = new double[3][];
		for (int s = 0; s < 3; s++)
			render[s] = angle[s] == 0 ? m[s].clone() : rotate(m[s], angle[s], axis[s]);
		double[][] od = new double[3][256];
		for (int ch = 0; ch < 3; ch++)
			for (int v = 0; v < 256; v++)
				od[ch][v] = OpticalDensity.fromIntensity(v, glass[ch]);
		int[] in = image.pixels(), out = new int[in.length];
		long clipped = 0;
		double[] c = new double[3];
		int[] rgb = new int[3];
		for (int i = 0; i < in.length; i++) {
			int p = in[i];
			double r = od[0][RgbImage.red(p)], g = od[1][RgbImage.green(p)], b = od[2][RgbImage.blue(p)];
			double shift = shiftWeight(Math.max(r, Math.max(g, b)));
			for (int s = 0; s < 3; s++)
				c[s] = alpha[s] * (r * inverse[0][s] + g * inverse[1][s] + b * inverse[2][s]) + shift * beta[s];
			for (int ch = 0; ch < 3; ch++) {
				double v = OpticalDensity.toIntensity(c[0] * render[0][ch] + c[1] * render[1][ch] + c[2] * render[2][ch], glass[ch]);
				if (v >= 255.5 || v < -0.5) clipped++;
				rgb[ch] = RgbImage.toByte(v);
			}
			out[i] = RgbImage.pack(rgb[0], rgb[1], rgb[2]);
		}
		return new Augmentation(RgbImage.wrap(image.width(), image.height(), out), alpha, beta, angle, axis, clipped, null, m, render, glass);
	}

	/**
	 * The unit vector turned by {@code degrees} about the axis perpendicular to it at {@code axisDegrees} around it;
	 * negative components set to 0, then made unit again.
	 */
	static double[] rotate(double[] v, double degrees, double axisDegrees) {
		// an orthonormal pair perpendicular to v, from the coordinate axis least aligned with it
		int least = Math.abs(v[0]) <= Math.abs(v[1]) && Math.abs(v[0]) <= Math.abs(v[2]) ? 0 : Math.abs(v[1]) <= Math.abs(v[2]) ? 1 : 2;
		double[] e = new double[3];
		e[least] = 1;
		double[] a = Matrix3.normalize(Matrix3.cross(v, e)), b = Matrix3.cross(v, a);
		double phi = Math.toRadians(axisDegrees), theta = Math.toRadians(degrees);
		double[] k = { Math.cos(phi) * a[0] + Math.sin(phi) * b[0], Math.cos(phi) * a[1] + Math.sin(phi) * b[1], Math.cos(phi) * a[2] + Math.sin(phi) * b[2] };
		double[] kv = Matrix3.cross(k, v), out = new double[3];
		for (int c = 0; c < 3; c++)
			out[c] = Math.max(0, v[c] * Math.cos(theta) + kv[c] * Math.sin(theta));
		return Matrix3.normalize(out);
	}

	/**
	 * The concentrations of every pixel as this augmenter sees them ({@code [stain][pixel]}, OD relative to the
	 * glass): what {@link #apply} scales by α and shifts by β.
	 */
	public static float[][] concentrations(RgbImage image, double[][] stains, double[] glass) {
		double[][] inverse = Matrix3.inverse(stains);
		int[] p = image.pixels();
		float[][] c = new float[3][p.length];
		for (int i = 0; i < p.length; i++) {
			double r = OpticalDensity.fromIntensity(RgbImage.red(p[i]), glass[0]), g = OpticalDensity.fromIntensity(RgbImage.green(p[i]), glass[1]),
				b = OpticalDensity.fromIntensity(RgbImage.blue(p[i]), glass[2]);
			for (int s = 0; s < 3; s++)
				c[s][i] = (float) (r * inverse[0][s] + g * inverse[1][s] + b * inverse[2][s]);
		}
		return c;
	}

	/** 1 for tissue, 0 for glass, linear in between, from the largest OD of a pixel's channels relative to the glass. */
	static double shiftWeight(double maxOd) {
		return Math.max(0, Math.min(1, (maxOd - GLASS_OD) / (TissueMask.MIN_OD - GLASS_OD)));
	}

	/** The stain matrix the concentrations are perturbed on. */
	public StainVectors stainsOf(RgbImage image) {
		if (method == Method.HED) return StainVectors.H_E_DAB;
		double[][] he = method == Method.MACENKO ? StainEstimates.macenko(image).vectors() : StainEstimates.vahadane(image);
		double[] h = Matrix3.normalize(he[0]), e = Matrix3.normalize(he[1]);
		return new StainVectors(new String[] { "Hematoxylin", "Eosin", "Residual" },
			new double[][] { h, e, Matrix3.normalize(Matrix3.cross(h, e)) });
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%s(sigma1=%s, sigma2=%s%s)", method.key(), sigma1, sigma2, rotation > 0 ? ", rotation=" + rotation : "");
	}
}
