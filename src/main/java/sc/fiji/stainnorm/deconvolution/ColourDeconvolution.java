package sc.fiji.stainnorm.deconvolution;

import sc.fiji.stainnorm.core.Matrix3;
import sc.fiji.stainnorm.core.OpticalDensity;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * Ruifrok &amp; Johnston colour deconvolution: per-pixel optical density {@code od = C · M} (rows of M are
 * the stain vectors) solved for the stain concentrations {@code C = od · M⁻¹}, and the way back
 * {@code I = io · exp(-C · M)}.
 */
public final class ColourDeconvolution {
	private final StainVectors stains;
	private final double io;
	private final double[][] inverse;

	public ColourDeconvolution(StainVectors stains, double io) {
		if (!(io >= 1 && io <= 255)) throw new StainNormException("The background intensity io=" + io + " must be from 1 to 255");
		this.stains = stains;
		this.io = io;
		this.inverse = Matrix3.inverse(stains.vectors());
	}

	public StainVectors stains() {
		return stains;
	}

	/**
	 * Concentration planes {@code [stain][pixel]}. Values may be slightly negative where a pixel's colour lies
	 * outside the cone the stain vectors span; {@link #reconstruct} reproduces the input from them exactly.
	 */
	public float[][] concentrations(RgbImage image) {
		int n = image.pixelCount();
		float[] od = OpticalDensity.ofImage(image, io);
		float[][] c = new float[3][n];
		double[][] inv = inverse;
		for (int i = 0, j = 0; i < n; i++, j += 3) {
			double r = od[j], g = od[j + 1], b = od[j + 2];
			// row vector od times M^-1
			for (int s = 0; s < 3; s++)
				c[s][i] = (float) (r * inv[0][s] + g * inv[1][s] + b * inv[2][s]);
		}
		return c;
	}

	/**
	 * Sets negative concentrations to 0 (in place), for output: a negative amount of stain has no physical
	 * meaning; it marks colours outside the stains' cone (noise, background brighter than {@code io}).
	 *
	 * @return how many values were negative
	 */
	public static long clampNegative(float[][] concentrations) {
		long clamped = 0;
		for (float[] plane : concentrations)
			for (int i = 0; i < plane.length; i++)
				if (!(plane[i] >= 0)) {
					plane[i] = 0;
					clamped++;
				}
		return clamped;
	}

	/** The image the given concentrations produce with all three stains. */
	public RgbImage reconstruct(int width, int height, float[][] concentrations) {
		return render(width, height, concentrations, -1);
	}

	/** The image one stain alone produces (the others at zero concentration). */
	public RgbImage singleStain(int width, int height, float[][] concentrations, int stain) {
		if (stain < 0 || stain > 2) throw new IllegalArgumentException("stain must be 0, 1 or 2");
		return render(width, height, concentrations, stain);
	}

	private RgbImage render(int width, int height, float[][] c, int only) {
		int n = Math.multiplyExact(width, height);
		if (c.length != 3 || c[0].length != n || c[1].length != n || c[2].length != n)
			throw new IllegalArgumentException("need 3 concentration planes of " + width + "x" + height);
		double[][] m = stains.vectors();
		int[] out = new int[n];
		int[] rgb = new int[3];
		for (int i = 0; i < n; i++) {
			for (int ch = 0; ch < 3; ch++) {
				double od = 0;
				for (int s = 0; s < 3; s++)
					if (only < 0 || only == s) od += c[s][i] * m[s][ch];
				rgb[ch] = RgbImage.toByte(OpticalDensity.toIntensity(od, io));
			}
			out[i] = RgbImage.pack(rgb[0], rgb[1], rgb[2]);
		}
		return RgbImage.wrap(width, height, out);
	}
}
