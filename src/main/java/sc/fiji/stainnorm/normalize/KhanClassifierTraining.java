package sc.fiji.stainnorm.normalize;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * Trains {@link KhanClassifier} and writes its weights. Deterministic (fixed seeds, single thread,
 * {@link StrictMath}), so running it again reproduces the shipped file:
 *
 * <pre>
 * ./stainnorm --help   # builds target/classes and target/classpath.txt
 * java -cp target/classes:$(cat target/classpath.txt) sc.fiji.stainnorm.normalize.KhanClassifierTraining [OUTPUT]
 * </pre>
 *
 * Data: {@value #STYLES} synthetic tissues ({@link SyntheticTissue}, {@value #SIZE}² pixels) each rendered under
 * its own random stain style (H and E vectors jittered around Ruifrok's, strengths 0.5–1.7, background
 * 210–255, noise 0–3 levels); {@value #PER_IMAGE} pixels per image on a regular grid. Labels come from the
 * known concentration maps: background where the stains' OD sum is below 0.1, else the stain with the larger
 * OD. Model: multinomial logistic regression (background the reference class), class-balanced, ridge
 * {@value #RIDGE} × total weight, fitted by Newton's method with step halving.
 */
public final class KhanClassifierTraining {
	static final long SEED = 2014;
	static final int STYLES = 40, SIZE = 128, PER_IMAGE = 1200;
	static final double RIDGE = 1e-4;
	static final double BACKGROUND_OD = 0.1;

	private KhanClassifierTraining() {}

	/** Labelled feature vectors. */
	record Data(double[][] features, int[] labels) {}

	public static void main(String[] args) {
		Path out = Path.of(args.length > 0 ? args[0] : "src/main/resources/sc/fiji/stainnorm/normalize/" + KhanClassifier.RESOURCE);
		double[][] w = train(sample(SEED, STYLES));
		write(w, out);
		double[] acc = accuracy(new KhanClassifier(w), sample(SEED + 1, STYLES));
		System.out.printf(Locale.ROOT, "wrote %s; accuracy on fresh synthetic data %.4f (background %.4f, hematoxylin %.4f, eosin %.4f)%n", out,
			acc[0], acc[1], acc[2], acc[3]);
	}

	/** A random stain style: jittered Ruifrok vectors, strengths, background and noise level. */
	static StainStyle randomStyle(Random rnd, int index) {
		double[] h, e;
		do {
			h = jitter(new double[] { 0.650, 0.704, 0.286 }, rnd);
			e = jitter(new double[] { 0.072, 0.990, 0.105 }, rnd);
		} while (h[0] * e[0] + h[1] * e[1] + h[2] * e[2] > Math.cos(Math.toRadians(20)));
		return new StainStyle("random" + index, h, e, 0.5 + 1.2 * rnd.nextDouble(), 0.5 + 1.2 * rnd.nextDouble(), 210 + 45 * rnd.nextDouble());
	}

	private static double[] jitter(double[] v, Random rnd) {
		double[] out = new double[3];
		double n = 0;
		for (int c = 0; c < 3; c++) {
			out[c] = Math.abs(v[c] + 0.12 * rnd.nextGaussian());
			n += out[c] * out[c];
		}
		n = Math.sqrt(n);
		for (int c = 0; c < 3; c++)
			out[c] /= n;
		return out;
	}

	static Data sample(long seed, int styles) {
		Random rnd = new Random(seed);
		double[][] x = new double[styles * PER_IMAGE][];
		int[] y = new int[x.length];
		int k = 0;
		for (int s = 0; s < styles; s++) {
			StainStyle style = randomStyle(rnd, s);
			double noise = 3 * rnd.nextDouble();
			SyntheticTissue tissue = SyntheticTissue.generate(seed * 1000 + s, SIZE, SIZE);
			RgbImage img = tissue.render(style, noise);
			float[] h = tissue.hematoxylin(), e = tissue.eosin();
			int[] p = img.pixels();
			KhanClassifier.Descriptor d = KhanClassifier.describe(p, 1);
			int step = p.length / PER_IMAGE;
			for (int j = 0; j < PER_IMAGE; j++) {
				int i = j * step + step / 2;
				double[] f = new double[KhanClassifier.F];
				KhanClassifier.features(OdTables.od(RgbImage.red(p[i])), OdTables.od(RgbImage.green(p[i])), OdTables.od(RgbImage.blue(p[i])), d, f);
				double odH = style.hStrength() * h[i], odE = style.eStrength() * e[i];
				x[k] = f;
				y[k] = odH + odE < BACKGROUND_OD ? KhanClassifier.BACKGROUND : odH >= odE ? KhanClassifier.HEMATOXYLIN : KhanClassifier.EOSIN;
				k++;
			}
		}
		return new Data(x, y);
	}

	/** Newton's method on the class-balanced, ridge-penalised multinomial log-likelihood. */
	static double[][] train(Data data) {
		int n = data.labels().length, f = KhanClassifier.F, dim = 2 * f;
		double[] classCount = new double[KhanClassifier.CLASSES];
		for (int label : data.labels())
			classCount[label]++;
		double[] sampleWeight = new double[KhanClassifier.CLASSES];
		for (int c = 0; c < sampleWeight.length; c++)
			sampleWeight[c] = classCount[c] > 0 ? n / (KhanClassifier.CLASSES * classCount[c]) : 0;
		double ridge = RIDGE * n;
		double[] theta = new double[dim];
		double loss = loss(data, theta, sampleWeight, ridge);
		for (int it = 0; it < 50; it++) {
			double[] grad = new double[dim];
			double[][] hess = new double[dim][dim];
			double[] p = new double[KhanClassifier.CLASSES];
			double[][] w = weights(theta);
			for (int i = 0; i < n; i++) {
				double[] x = data.features()[i];
				double sw = sampleWeight[data.labels()[i]];
				KhanClassifier.softmax(w, x, p);
				for (int a = 0; a < 2; a++) {
					double ra = p[a + 1] - (data.labels()[i] == a + 1 ? 1 : 0);
					for (int j = 0; j < f; j++)
						grad[a * f + j] += sw * ra * x[j];
					for (int b = 0; b < 2; b++) {
						double hab = sw * p[a + 1] * ((a == b ? 1 : 0) - p[b + 1]);
						for (int j = 0; j < f; j++)
							for (int l = 0; l < f; l++)
								hess[a * f + j][b * f + l] += hab * x[j] * x[l];
					}
				}
			}
			for (int j = 0; j < dim; j++) {
				grad[j] += ridge * theta[j];
				hess[j][j] += ridge;
			}
			double[] step = MonotoneSmoothingSpline.solveSymmetric(hess, grad);
			double t = 1, next = Double.POSITIVE_INFINITY;
			double[] candidate = new double[dim];
			for (int halving = 0; halving < 30; halving++, t /= 2) {
				for (int j = 0; j < dim; j++)
					candidate[j] = theta[j] - t * step[j];
				next = loss(data, candidate, sampleWeight, ridge);
				if (next <= loss) break;
			}
			if (!(next <= loss)) break;
			double moved = 0;
			for (int j = 0; j < dim; j++)
				moved = Math.max(moved, Math.abs(candidate[j] - theta[j]));
			theta = candidate.clone();
			loss = next;
			if (moved < 1e-10) break;
		}
		return weights(theta);
	}

	private static double[][] weights(double[] theta) {
		int f = KhanClassifier.F;
		double[][] w = new double[KhanClassifier.CLASSES][f];
		for (int j = 0; j < f; j++) {
			w[KhanClassifier.HEMATOXYLIN][j] = theta[j];
			w[KhanClassifier.EOSIN][j] = theta[f + j];
		}
		return w;
	}

	private static double loss(Data data, double[] theta, double[] sampleWeight, double ridge) {
		double[][] w = weights(theta);
		double[] p = new double[KhanClassifier.CLASSES];
		double sum = 0;
		for (int i = 0; i < data.labels().length; i++) {
			KhanClassifier.softmax(w, data.features()[i], p);
			sum -= sampleWeight[data.labels()[i]] * StrictMath.log(Math.max(p[data.labels()[i]], 1e-300));
		}
		for (double v : theta)
			sum += 0.5 * ridge * v * v;
		return sum;
	}

	/** Overall accuracy, then the recall of each class. */
	static double[] accuracy(KhanClassifier classifier, Data data) {
		double[] p = new double[KhanClassifier.CLASSES];
		int[] right = new int[KhanClassifier.CLASSES], total = new int[KhanClassifier.CLASSES];
		for (int i = 0; i < data.labels().length; i++) {
			classifier.probabilities(data.features()[i], p);
			int best = 0;
			for (int c = 1; c < KhanClassifier.CLASSES; c++)
				if (p[c] > p[best]) best = c;
			total[data.labels()[i]]++;
			if (best == data.labels()[i]) right[data.labels()[i]]++;
		}
		int allRight = right[0] + right[1] + right[2], all = total[0] + total[1] + total[2];
		return new double[] { allRight / (double) all, right[0] / (double) total[0], right[1] / (double) total[1], right[2] / (double) total[2] };
	}

	/** The resource text: comments, the feature names, then one line of weights per class. */
	static String format(double[][] w) {
		StringBuilder sb = new StringBuilder();
		sb.append("# Khan stain classifier: multinomial logistic regression on per-pixel OD features relative to the image's\n");
		sb.append("# stain colour descriptor. Generated by sc.fiji.stainnorm.normalize.KhanClassifierTraining (seed ").append(SEED)
			.append(", ").append(STYLES).append(" random styles); do not edit, retrain instead.\n");
		sb.append("features");
		for (String name : KhanClassifier.FEATURES)
			sb.append(' ').append(name);
		sb.append('\n');
		for (int c = 0; c < KhanClassifier.CLASSES; c++) {
			sb.append(KhanClassifier.CLASS_NAMES[c]);
			for (double v : w[c])
				sb.append(' ').append(Double.toString(v));
			sb.append('\n');
		}
		return sb.toString();
	}

	static void write(double[][] w, Path out) {
		sc.fiji.stainnorm.core.AtomicFile.writeString(out, format(w));
	}
}
