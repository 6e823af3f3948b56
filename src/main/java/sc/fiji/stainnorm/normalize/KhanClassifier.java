package sc.fiji.stainnorm.normalize;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * Khan's per-pixel stain classifier: background / haematoxylin / eosin probabilities from a pixel's optical
 * density, read relative to the image's stain colour descriptor. Where Khan et al. trained a relevance vector
 * machine, this is a multinomial logistic regression trained by {@link KhanClassifierTraining} on synthetic
 * tissue under many random stain styles; its weights ship as {@value #RESOURCE}.
 */
final class KhanClassifier {
	static final int BACKGROUND = 0, HEMATOXYLIN = 1, EOSIN = 2, CLASSES = 3;
	static final String[] CLASS_NAMES = { "background", "hematoxylin", "eosin" };
	static final String[] FEATURES = { "bias", "z", "t", "logOd", "od", "ur", "ug", "ub", "z2", "zLogOd", "offAxis" };
	static final int F = FEATURES.length;
	static final String RESOURCE = "khan-classifier.txt";
	/** Palette colours with an OD norm above this are "tissue" for the descriptor. */
	static final double TISSUE_OD = 0.15;
	/** The colour palette: 5 bits per channel. */
	private static final int PALETTE_BITS = 5;
	/** Fewer tissue pixels than this: no descriptor (no tissue). */
	static final int MIN_TISSUE = 16;
	/** Ruifrok H minus E: fixes the sign of the principal axis so that larger projections mean "more H-like". */
	private static final double[] H_MINUS_E = { 0.650 - 0.072, 0.704 - 0.990, 0.286 - 0.105 };

	/**
	 * The stain colour descriptor (SCD) of one image: its tissue colour palette (OD directions of the
	 * quantised colours, weighted by pixel counts) summarised by the mean direction and the principal
	 * component, along which haematoxylin and eosin separate, with the spread of the palette along it.
	 */
	record Descriptor(double[] mean, double[] axis, double spread) {}

	private final double[][] weights; // [class][feature]; background row is 0

	KhanClassifier(double[][] weights) {
		if (weights.length != CLASSES || weights[0].length != F) throw new IllegalArgumentException("weights must be 3x" + F);
		this.weights = weights;
	}

	/** The shipped classifier. */
	static KhanClassifier shipped() {
		return Holder.SHIPPED;
	}

	private static final class Holder {
		static final KhanClassifier SHIPPED = read(KhanClassifier.class.getResourceAsStream(RESOURCE));
	}

	double[][] weights() {
		double[][] w = new double[CLASSES][];
		for (int c = 0; c < CLASSES; c++)
			w[c] = weights[c].clone();
		return w;
	}

	/** The descriptor of the pixels on a regular grid of the given step, or null when there is no tissue. */
	static Descriptor describe(int[] pixels, int step) {
		int bins = 1 << (3 * PALETTE_BITS);
		int[] count = new int[bins];
		int shift = 8 - PALETTE_BITS;
		for (int i = 0; i < pixels.length; i += step) {
			int p = pixels[i];
			count[((RgbImage.red(p) >> shift) << (2 * PALETTE_BITS)) | ((RgbImage.green(p) >> shift) << PALETTE_BITS) | (RgbImage.blue(p) >> shift)]++;
		}
		double total = 0;
		double[] sum = new double[3];
		double[][] outer = new double[3][3];
		double[] u = new double[3];
		int mask = (1 << PALETTE_BITS) - 1;
		for (int b = 0; b < bins; b++) {
			if (count[b] == 0) continue;
			int half = 1 << (shift - 1);
			double r = OdTables.od(((b >> (2 * PALETTE_BITS)) << shift) + half);
			double g = OdTables.od((((b >> PALETTE_BITS) & mask) << shift) + half);
			double bl = OdTables.od(((b & mask) << shift) + half);
			double norm = Math.sqrt(r * r + g * g + bl * bl);
			if (norm <= TISSUE_OD) continue;
			u[0] = r / norm;
			u[1] = g / norm;
			u[2] = bl / norm;
			total += count[b];
			for (int c = 0; c < 3; c++) {
				sum[c] += count[b] * u[c];
				for (int d = 0; d < 3; d++)
					outer[c][d] += count[b] * u[c] * u[d];
			}
		}
		if (total < MIN_TISSUE) return null;
		double[] mean = { sum[0] / total, sum[1] / total, sum[2] / total };
		double[][] cov = new double[3][3];
		for (int c = 0; c < 3; c++)
			for (int d = 0; d < 3; d++)
				cov[c][d] = outer[c][d] / total - mean[c] * mean[d];
		// power iteration from the H−E direction: deterministic, and it stays there when the palette has no spread
		double[] axis = unit(H_MINUS_E);
		for (int it = 0; it < 100; it++) {
			double[] next = new double[3];
			for (int c = 0; c < 3; c++)
				next[c] = cov[c][0] * axis[0] + cov[c][1] * axis[1] + cov[c][2] * axis[2];
			double n = Math.sqrt(next[0] * next[0] + next[1] * next[1] + next[2] * next[2]);
			if (!(n > 1e-12)) break;
			for (int c = 0; c < 3; c++)
				axis[c] = next[c] / n;
		}
		if (axis[0] * H_MINUS_E[0] + axis[1] * H_MINUS_E[1] + axis[2] * H_MINUS_E[2] < 0)
			for (int c = 0; c < 3; c++)
				axis[c] = -axis[c];
		double variance = 0;
		for (int c = 0; c < 3; c++)
			for (int d = 0; d < 3; d++)
				variance += axis[c] * cov[c][d] * axis[d];
		return new Descriptor(mean, axis, Math.max(Math.sqrt(Math.max(variance, 0)), 0.01));
	}

	/** The features of one pixel's OD given its image's descriptor, written to {@code f}. */
	static void features(double r, double g, double b, Descriptor d, double[] f) {
		double od = Math.sqrt(r * r + g * g + b * b);
		double ur, ug, ub;
		if (od > 1e-6) {
			ur = r / od;
			ug = g / od;
			ub = b / od;
		}
		else ur = ug = ub = 1 / Math.sqrt(3);
		double[] m = d.mean(), a = d.axis();
		double dr = ur - m[0], dg = ug - m[1], db = ub - m[2];
		double t = dr * a[0] + dg * a[1] + db * a[2];
		double z = Math.max(-6, Math.min(6, t / d.spread()));
		double pr = dr - t * a[0], pg = dg - t * a[1], pb = db - t * a[2];
		double logOd = StrictMath.log(od + 0.02);
		f[0] = 1;
		f[1] = z;
		f[2] = 10 * t;
		f[3] = logOd;
		f[4] = od;
		f[5] = ur;
		f[6] = ug;
		f[7] = ub;
		f[8] = z * z;
		f[9] = z * logOd;
		f[10] = 10 * Math.sqrt(pr * pr + pg * pg + pb * pb);
	}

	/** Class probabilities (softmax) of a feature vector, written to {@code p}. */
	void probabilities(double[] f, double[] p) {
		softmax(weights, f, p);
	}

	static void softmax(double[][] w, double[] f, double[] p) {
		double max = Double.NEGATIVE_INFINITY;
		for (int c = 0; c < CLASSES; c++) {
			double s = 0;
			for (int k = 0; k < F; k++)
				s += w[c][k] * f[k];
			p[c] = s;
			max = Math.max(max, s);
		}
		double sum = 0;
		for (int c = 0; c < CLASSES; c++) {
			p[c] = StrictMath.exp(p[c] - max);
			sum += p[c];
		}
		for (int c = 0; c < CLASSES; c++)
			p[c] /= sum;
	}

	/** Parses the resource format {@link KhanClassifierTraining#format} writes. */
	static KhanClassifier read(InputStream in) {
		if (in == null) throw new IllegalStateException("classifier resource " + RESOURCE + " missing from the build");
		double[][] w = new double[CLASSES][F];
		List<String> seen = new ArrayList<>();
		try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
			for (String line; (line = r.readLine()) != null;) {
				line = line.strip();
				if (line.isEmpty() || line.startsWith("#")) continue;
				String[] parts = line.split("\\s+");
				if (parts[0].equals("features")) {
					if (parts.length != F + 1) throw new IllegalStateException(RESOURCE + ": feature list does not match the code");
					for (int k = 0; k < F; k++)
						if (!parts[k + 1].equals(FEATURES[k])) throw new IllegalStateException(RESOURCE + ": feature " + parts[k + 1] + " unknown");
					continue;
				}
				int c = List.of(CLASS_NAMES).indexOf(parts[0]);
				if (c < 0 || parts.length != F + 1) throw new IllegalStateException(RESOURCE + ": bad line '" + line + "'");
				for (int k = 0; k < F; k++)
					w[c][k] = Double.parseDouble(parts[k + 1]);
				seen.add(parts[0]);
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		if (!seen.containsAll(List.of(CLASS_NAMES[HEMATOXYLIN], CLASS_NAMES[EOSIN])))
			throw new IllegalStateException(RESOURCE + ": weights for hematoxylin and eosin expected");
		return new KhanClassifier(w);
	}

	private static double[] unit(double[] v) {
		double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
		return new double[] { v[0] / n, v[1] / n, v[2] / n };
	}
}
