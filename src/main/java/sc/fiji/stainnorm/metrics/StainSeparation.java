package sc.fiji.stainnorm.metrics;

import java.util.ArrayList;
import java.util.List;

import sc.fiji.stainnorm.core.OpticalDensity;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.deconvolution.ColourDeconvolution;
import sc.fiji.stainnorm.deconvolution.StainVectors;

/**
 * Stain-separation distances SH, SE and SBg (the STST paper's columns): how far the prediction's haematoxylin,
 * eosin and background colours are from the ground truth's. The procedure, exactly:
 * <ol>
 * <li>Optical density of every pixel of both images, {@code OD = -ln(max(I, 1) / 255)} per channel.</li>
 * <li>Class masks from the ground truth only: a pixel is <b>background</b> when the Euclidean norm of its OD vector
 * is below {@value #BACKGROUND_OD} (Macenko's transparency threshold); otherwise Ruifrok &amp; Johnston colour
 * deconvolution with {@link StainVectors#H_E} (io 255) gives its haematoxylin and eosin concentrations, and it is a
 * <b>haematoxylin</b> pixel when the haematoxylin concentration is the larger, else an <b>eosin</b> pixel.</li>
 * <li>Per class, the mean OD vector (R, G, B) of the ground truth and of the prediction over the same pixels.</li>
 * <li>SH, SE, SBg = Euclidean distance between the two mean OD vectors of that class (0 is ideal).</li>
 * </ol>
 * A class with no pixels (e.g. a patch without tissue) has no distance: NaN, with a warning.
 */
public final class StainSeparation {
	public static final List<String> COLUMNS = List.of("SH", "SE", "SBg");
	public static final double BACKGROUND_OD = 0.15;
	private static final String[] CLASS_NAMES = { "haematoxylin", "eosin", "background" };
	private static final ColourDeconvolution DECONVOLUTION = new ColourDeconvolution(StainVectors.H_E, OpticalDensity.DEFAULT_IO);

	/** The three distances (NaN for an empty class), the pixel count of each class, and warnings. */
	public record Distances(double sh, double se, double sbg, int[] pixels, List<String> warnings) {
		public double[] asArray() {
			return new double[] { sh, se, sbg };
		}
	}

	private StainSeparation() {}

	public static Distances compute(RgbImage groundTruth, RgbImage prediction) {
		Planes.checkSameSize(groundTruth, prediction);
		int n = groundTruth.pixelCount();
		float[] odTruth = OpticalDensity.ofImage(groundTruth, OpticalDensity.DEFAULT_IO);
		float[] odPrediction = OpticalDensity.ofImage(prediction, OpticalDensity.DEFAULT_IO);
		float[][] c = DECONVOLUTION.concentrations(groundTruth);
		double[][] sumTruth = new double[3][3], sumPrediction = new double[3][3];
		int[] count = new int[3];
		for (int i = 0, j = 0; i < n; i++, j += 3) {
			double norm = Math.sqrt(odTruth[j] * odTruth[j] + odTruth[j + 1] * odTruth[j + 1] + odTruth[j + 2] * odTruth[j + 2]);
			int cls = norm < BACKGROUND_OD ? 2 : c[0][i] > c[1][i] ? 0 : 1;
			count[cls]++;
			for (int ch = 0; ch < 3; ch++) {
				sumTruth[cls][ch] += odTruth[j + ch];
				sumPrediction[cls][ch] += odPrediction[j + ch];
			}
		}
		double[] d = new double[3];
		List<String> warnings = new ArrayList<>();
		for (int cls = 0; cls < 3; cls++) {
			if (count[cls] == 0) {
				d[cls] = Double.NaN;
				warnings.add(COLUMNS.get(cls) + ": the ground truth has no " + CLASS_NAMES[cls] + " pixels, so no distance");
				continue;
			}
			double s = 0;
			for (int ch = 0; ch < 3; ch++) {
				double diff = (sumTruth[cls][ch] - sumPrediction[cls][ch]) / count[cls];
				s += diff * diff;
			}
			d[cls] = Math.sqrt(s);
		}
		return new Distances(d[0], d[1], d[2], count, warnings);
	}
}
