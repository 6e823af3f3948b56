package sc.fiji.stainnorm.vectors;

import java.util.Locale;

import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.Csv;
import sc.fiji.stainnorm.core.Matrix3;
import sc.fiji.stainnorm.core.OpticalDensity;
import sc.fiji.stainnorm.core.Percentile;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.core.TissueMask;
import sc.fiji.stainnorm.deconvolution.StainVectors;
import sc.fiji.stainnorm.normalize.StainEstimates;

/**
 * The stains of one image as a method sees them (QuPath's "Estimate stain vectors" is the model): unit OD vectors of
 * haematoxylin and eosin, their angles to Ruifrok &amp; Johnston's standard vectors, the 99th-percentile
 * concentrations and the glass colour.
 * <p>
 * The vectors are the method's own ({@code macenko}, {@code vahadane}, {@code khan}, each with its defaults). So that
 * the three are comparable, the rest is measured the same way for all: optical density relative to the glass
 * ({@link StainEstimates#glass}), tissue by the project's rule ({@link TissueMask}), concentrations by least
 * squares on the two vectors, 99th percentile over the tissue pixels.
 *
 * @param vectors rows H, E: unit OD vectors (R, G, B)
 * @param anglesToRuifrok degrees between each vector and Ruifrok's H, resp. E
 */
public record StainVectorEstimate(String method, double[][] vectors, double[] anglesToRuifrok, double[] maxConcentrations, double[] glass,
	long tissuePixels) {
	public static final String[] METHODS = { "macenko", "vahadane", "khan" };
	public static final String[] STAINS = { "Hematoxylin", "Eosin" };
	public static final double PERCENTILE = 99;

	/** @throws StainNormException with the reason when the image has no tissue or no two stains */
	public static StainVectorEstimate of(RgbImage image, String method) {
		String m = method == null ? "" : method.trim().toLowerCase(Locale.ROOT);
		long tissue = TissueMask.count(image);
		if (!TissueMask.enough(tissue, image.pixelCount()))
			throw new StainNormException("no tissue to estimate stains from (" + TissueMask.describe(tissue, image.pixelCount()) + ")");
		double[] glass = StainEstimates.glass(image);
		double spread = colourSpread(image, glass);
		if (!(spread >= MIN_SPREAD_DEGREES))
			throw new StainNormException(String.format(Locale.ROOT, "the tissue has a single colour (its optical-density directions are within %.2f° "
				+ "of each other), so two stains cannot be told apart", spread));
		double[][] he = switch (m) {
			case "macenko" -> StainEstimates.macenko(image).vectors();
			case "vahadane" -> StainEstimates.vahadane(image);
			case "khan" -> StainEstimates.khan(image);
			default -> throw new InvalidSettingException("Method '" + method + "' cannot estimate stain vectors; use macenko, vahadane or khan");
		};
		double[][] v = { Matrix3.normalize(he[0]), Matrix3.normalize(he[1]) };
		double[] angles = { angle(v[0], StainVectors.H_E.vector(0)), angle(v[1], StainVectors.H_E.vector(1)) };
		return new StainVectorEstimate(m, v, angles, maxConcentrations(image, v, glass), glass, tissue);
	}

	/**
	 * The 99th-percentile angle (degrees) between the tissue pixels' OD directions and their mean: under this, the
	 * tissue is one colour, and any two "stain vectors" would be noise (Vahadane's dictionary still returns two).
	 */
	static double colourSpread(RgbImage image, double[] glass) {
		float[] od = tissueOd(image, glass);
		int n = od.length / 3;
		double[] mean = new double[3];
		for (int i = 0; i < n; i++) {
			double norm = Math.sqrt(od[3 * i] * od[3 * i] + od[3 * i + 1] * od[3 * i + 1] + od[3 * i + 2] * od[3 * i + 2]);
			if (norm > 0) for (int c = 0; c < 3; c++)
				mean[c] += od[3 * i + c] / norm;
		}
		if (!(Matrix3.norm(mean) > 0)) return 0;
		float[] angles = new float[n];
		for (int i = 0; i < n; i++)
			angles[i] = (float) angle(new double[] { od[3 * i], od[3 * i + 1], od[3 * i + 2] }, mean);
		return Percentile.of(angles, n, 99);
	}

	/** Tissue whose colours all lie within this angle of each other is one colour. */
	static final double MIN_SPREAD_DEGREES = 1;

	/** Degrees between two vectors. */
	public static double angle(double[] a, double[] b) {
		if (!(Matrix3.norm(a) > 0 && Matrix3.norm(b) > 0)) return 0;
		double cos = (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (Matrix3.norm(a) * Matrix3.norm(b));
		return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
	}

	/** Optical density of each channel relative to the glass, {@code [pixel][channel]} flattened, tissue pixels only. */
	public static float[] tissueOd(RgbImage image, double[] glass) {
		int[] p = image.pixels();
		float[] od = new float[3 * p.length];
		int n = 0;
		for (int rgb : p) {
			if (!TissueMask.isTissue(rgb)) continue;
			od[n++] = (float) OpticalDensity.fromIntensity(RgbImage.red(rgb), glass[0]);
			od[n++] = (float) OpticalDensity.fromIntensity(RgbImage.green(rgb), glass[1]);
			od[n++] = (float) OpticalDensity.fromIntensity(RgbImage.blue(rgb), glass[2]);
		}
		return java.util.Arrays.copyOf(od, n);
	}

	private static double[] maxConcentrations(RgbImage image, double[][] v, double[] glass) {
		float[] od = tissueOd(image, glass);
		int n = od.length / 3;
		// least squares C = (SᵀS)⁻¹ Sᵀ od for the 2x3 matrix S of rows H, E
		double a = dot(v[0], v[0]), b = dot(v[0], v[1]), d = dot(v[1], v[1]), det = a * d - b * b;
		float[][] c = new float[2][n];
		for (int i = 0; i < n; i++) {
			double h = v[0][0] * od[3 * i] + v[0][1] * od[3 * i + 1] + v[0][2] * od[3 * i + 2];
			double e = v[1][0] * od[3 * i] + v[1][1] * od[3 * i + 1] + v[1][2] * od[3 * i + 2];
			c[0][i] = (float) ((d * h - b * e) / det);
			c[1][i] = (float) ((a * e - b * h) / det);
		}
		return new double[] { Percentile.of(c[0], n, PERCENTILE), Percentile.of(c[1], n, PERCENTILE) };
	}

	private static double dot(double[] x, double[] y) {
		return x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
	}

	/** True when a component is negative (possible with Macenko's plane): the strings below write it as 0. */
	public boolean hasNegativeComponent() {
		for (double[] row : vectors)
			for (double x : row)
				if (x < 0) return true;
		return false;
	}

	/** {@code "r,g,b;r,g,b"}, what {@code ./stainnorm deconvolve --vectors} takes (the third stain is the residual). */
	public String deconvolveVectors() {
		return String.format(Locale.ROOT, "%.4f,%.4f,%.4f;%.4f,%.4f,%.4f", c(0, 0), c(0, 1), c(0, 2), c(1, 0), c(1, 1), c(1, 2));
	}

	/**
	 * The options of Landini's Colour Deconvolution 2 with "User values" ({@code [r3]=[g3]=[b3]=0}: it fills in the
	 * residual), for {@code run("Colour Deconvolution2", ...)}.
	 */
	public String colourDeconvolution2Options() {
		return String.format(Locale.ROOT, "vectors=[User values] output=[8bit_Transmittance] simulated cross "
			+ "[r1]=%.4f [g1]=%.4f [b1]=%.4f [r2]=%.4f [g2]=%.4f [b2]=%.4f [r3]=0 [g3]=0 [b3]=0", c(0, 0), c(0, 1), c(0, 2), c(1, 0), c(1, 1),
			c(1, 2));
	}

	private double c(int stain, int channel) {
		return Math.max(0, vectors[stain][channel]);
	}

	public static String csvHeader() {
		return "image,method,stain,od_r,od_g,od_b,angle_to_ruifrok_deg,p99_concentration,glass_r,glass_g,glass_b,tissue_pixels,deconvolve_vectors";
	}

	/** Two CSV lines (H, E), each ending in a line break. */
	public String csvRows(String image) {
		StringBuilder sb = new StringBuilder();
		for (int s = 0; s < 2; s++) {
			sb.append(Csv.field(image)).append(',').append(method).append(',').append(STAINS[s]);
			for (double x : vectors[s])
				sb.append(',').append(Csv.number(x));
			sb.append(',').append(Csv.number(anglesToRuifrok[s])).append(',').append(Csv.number(maxConcentrations[s]));
			for (double g : glass)
				sb.append(',').append(Csv.number(g));
			sb.append(',').append(tissuePixels).append(',').append(Csv.field(deconvolveVectors())).append('\n');
		}
		return sb.toString();
	}

	/** A few lines for the console. */
	public String describe() {
		StringBuilder sb = new StringBuilder();
		for (int s = 0; s < 2; s++)
			sb.append(String.format(Locale.ROOT, "  %-12s OD (R, G, B) = (%.4f, %.4f, %.4f)   %5.1f° from Ruifrok's %s   99th-percentile concentration %.3f%n",
				STAINS[s], vectors[s][0], vectors[s][1], vectors[s][2], anglesToRuifrok[s], s == 0 ? "H" : "E", maxConcentrations[s]));
		sb.append(String.format(Locale.ROOT, "  glass        (R, G, B) = (%.0f, %.0f, %.0f)   tissue pixels %d%n", glass[0], glass[1], glass[2], tissuePixels));
		sb.append("  deconvolve:  --vectors \"").append(deconvolveVectors()).append("\"\n");
		sb.append("  Colour Deconvolution 2:  run(\"Colour Deconvolution2\", \"").append(colourDeconvolution2Options()).append("\");\n");
		if (hasNegativeComponent()) sb.append("  (a negative component was written as 0 in the two lines above)\n");
		return sb.toString();
	}
}
