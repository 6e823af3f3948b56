package sc.fiji.stainnorm.normalize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.Matrix3;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.core.TissueMask;

/**
 * Khan et al. 2014, "A nonlinear mapping approach to stain normalization in digital histopathology images
 * using image-specific color deconvolution" (IEEE TBME), written from the paper:
 * <ol>
 * <li>stain colour descriptor: the image's tissue colour palette projected on its principal component
 * ({@link KhanClassifier#describe});</li>
 * <li>a probabilistic per-pixel classifier into background / haematoxylin / eosin relative to that descriptor
 * (a multinomial logistic regression trained by {@link KhanClassifierTraining}, where the paper used a
 * relevance vector machine);</li>
 * <li>image-specific stain matrix: the probability-weighted mean OD direction of each stain's pixels, the third
 * vector their cross product; Ruifrok colour deconvolution with it; OD relative to the slide's glass
 * ({@link SlideBackground}), rendered on the references' glass;</li>
 * <li>for H and E, a monotone smoothing spline ({@link MonotoneSmoothingSpline}) through the matched
 * percentiles 1..99 of the source's and the target's concentrations (each over the pixels of its class,
 * anchored at 0 → 0) maps each source stain channel; the residual channel is kept; the result is rendered
 * with the target stain matrix.</li>
 * </ol>
 * Several references: their stain vectors are averaged and their class concentrations pooled for the target
 * percentiles. Classification and statistics use a regular grid of at most {@value #ANALYSIS_PIXELS} pixels.
 */
public final class Khan implements StainNormalizer {
	public static final double DEFAULT_SMOOTHING = 1;
	static final int ANALYSIS_PIXELS = 1 << 14;
	/** A stain with fewer classified pixels than this cannot be estimated. */
	static final int MIN_CLASS_PIXELS = 20;
	static final double MIN_STAIN_ANGLE = 3;
	/** Weight of the 0 → 0 point among the 99 percentile pairs: no stain must stay no stain (white stays white). */
	static final double ANCHOR_WEIGHT = 100;
	private static final double[] RUIFROK_H = Matrix3.normalize(new double[] { 0.650, 0.704, 0.286 });
	private static final double[] RUIFROK_E = Matrix3.normalize(new double[] { 0.072, 0.990, 0.105 });
	private static final String[] STAIN = { "haematoxylin", "eosin" };

	private final double smoothing;
	private final KhanClassifier classifier = KhanClassifier.shipped();
	private double[][] targetStains; // H, E, residual
	private double[][] targetPercentiles; // [stain][percentile 1..99]
	private double[] targetBackground; // glass I₀ per channel

	public Khan(MethodOptions options) {
		smoothing = options.getDouble("smoothing", DEFAULT_SMOOTHING);
		if (!(smoothing >= 0)) throw new InvalidSettingException("Khan option smoothing=" + smoothing + " must be 0 or more");
	}

	public Khan() {
		this(MethodOptions.none());
	}

	@Override
	public String name() {
		return "khan";
	}

	@Override
	public boolean needsReference() {
		return true;
	}

	/** One image as Khan sees it: its stain vectors and the concentrations of each stain's own pixels. */
	record Analysis(double[][] stains, float[][] classConcentrations, double[] background, List<String> warnings) {}

	@Override
	public void fit(List<RgbImage> references) {
		if (references.isEmpty()) throw new StainNormException("Khan needs at least one reference image of the target stain style");
		double[] h = new double[3], e = new double[3];
		List<float[][]> concentrations = new ArrayList<>();
		List<double[]> backgrounds = new ArrayList<>();
		for (int i = 0; i < references.size(); i++) {
			RgbImage ref = references.get(i);
			String which = "Reference image " + (i + 1) + " (" + ref.width() + "x" + ref.height() + ")";
			TissueMask.requireInReference(ref, i + 1);
			Analysis a = analyse(ref);
			if (a == null) throw new StainNormException(which + " shows no tissue; choose a reference with stained tissue");
			String problem = separationProblem(a.stains());
			if (problem != null) throw new StainNormException(which + ": stains cannot be separated (" + problem + "); choose a reference showing both haematoxylin and eosin");
			if (!a.warnings().isEmpty())
				throw new StainNormException(which + ": " + a.warnings().get(0) + "; choose a reference showing both haematoxylin and eosin");
			for (int c = 0; c < 3; c++) {
				h[c] += a.stains()[0][c];
				e[c] += a.stains()[1][c];
			}
			concentrations.add(a.classConcentrations());
			backgrounds.add(a.background());
		}
		double[][] stains = stainMatrix(Matrix3.normalize(h), Matrix3.normalize(e));
		double[][] pct = new double[2][];
		for (int s = 0; s < 2; s++) {
			float[] all = Vahadane.pooled(concentrations, s);
			Arrays.sort(all);
			pct[s] = percentiles(all);
		}
		targetStains = stains;
		targetPercentiles = pct;
		targetBackground = SlideBackground.mean(backgrounds);
	}

	/** The fitted target stain matrix, rows H, E, residual; for tests and reports. */
	public double[][] targetStains() {
		requireFit();
		return new double[][] { targetStains[0].clone(), targetStains[1].clone(), targetStains[2].clone() };
	}

	/**
	 * Khan's source model: the samples' classifier-based stain matrix (rows H, E, residual), the percentiles 1..99 of each
	 * stain's concentrations over the pixels of its class, and their glass intensity I₀ per channel.
	 */
	public record Source(double[][] stains, double[][] percentiles, double[] glass) implements SourceModel {
		public Source {
			stains = new double[][] { stains[0].clone(), stains[1].clone(), stains[2].clone() };
			percentiles = new double[][] { percentiles[0].clone(), percentiles[1].clone() };
			glass = glass.clone();
		}

		@Override
		public String describe() {
			double[] h = stains[0], e = stains[1];
			return String.format(java.util.Locale.ROOT, "khan: H (%.3f, %.3f, %.3f), E (%.3f, %.3f, %.3f), median C (%.3f, %.3f), glass (%.1f, %.1f, %.1f)",
				h[0], h[1], h[2], e[0], e[1], e[2], percentiles[0][49], percentiles[1][49], glass[0], glass[1], glass[2]);
		}
	}

	/** A source model, or why the image gives none. */
	private record Learned(Source source, String problem) {}

	@Override
	public Normalized normalize(RgbImage source) {
		requireFit();
		Learned learned = learn(source);
		if (learned.problem() != null) return Normalized.unchanged(source, learned.problem() + ": returned unchanged");
		return Normalized.of(apply(learned.source(), source));
	}

	@Override
	public SourceModel learnSource(List<RgbImage> samples) {
		requireFit();
		Learned learned = learn(SourceModels.pooled(samples));
		if (learned.problem() != null) throw new StainNormException("Cannot learn the source stains: " + learned.problem());
		return learned.source();
	}

	/** Under a source model: {@code true} (each pixel's own deconvolution, spline maps and rendering). */
	@Override
	public boolean isPixelwise(SourceModel source) {
		return source != SourceModel.NONE;
	}

	@Override
	public Normalized normalize(SourceModel model, RgbImage tile) {
		requireFit();
		if (model == SourceModel.NONE) return normalize(tile); // no slide model: each tile estimated on its own, as before
		Source s = SourceModels.expect(model, Source.class, this);
		return Normalized.of(apply(s, tile));
	}

	private Learned learn(RgbImage image) {
		Analysis a = analyse(image);
		if (a == null) return new Learned(null, "no tissue found");
		if (separationProblem(a.stains()) != null) return new Learned(null, "stains cannot be separated (" + separationProblem(a.stains()) + ")");
		// one stain absent (black, a single colour, pen ink): rendering it with the target's stains would repaint
		// the patch in a colour it never had, so it is left alone like every method leaves such patches
		if (!a.warnings().isEmpty()) return new Learned(null, "only one stain found (" + a.warnings().get(0) + ")");
		double[][] pct = { percentiles(a.classConcentrations()[0]), percentiles(a.classConcentrations()[1]) };
		return new Learned(new Source(a.stains(), pct, a.background()), null);
	}

	/** The splines of the last source model applied: a slide's tiles share one model, and fitting them costs about 1 ms. */
	private record Maps(Source source, double[][] targetPercentiles, MonotoneSmoothingSpline[] splines) {}

	private volatile Maps lastMaps;

	/** Each stain channel mapped by a spline through the source's and the target's percentiles, then rendered. */
	private RgbImage apply(Source source, RgbImage image) {
		Maps maps = lastMaps;
		if (maps == null || maps.source() != source || maps.targetPercentiles() != targetPercentiles)
			lastMaps = maps = new Maps(source, targetPercentiles, splines(source));
		return render(image, Matrix3.inverse(source.stains()), maps.splines(), SlideBackground.odOffset(source.glass()));
	}

	private MonotoneSmoothingSpline[] splines(Source source) {
		MonotoneSmoothingSpline[] map = new MonotoneSmoothingSpline[2];
		for (int s = 0; s < 2; s++) {
			double[] src = source.percentiles()[s], x = new double[src.length + 1], y = new double[src.length + 1], w = new double[src.length + 1];
			System.arraycopy(src, 0, x, 1, src.length);
			System.arraycopy(targetPercentiles[s], 0, y, 1, src.length);
			Arrays.fill(w, 1);
			w[0] = ANCHOR_WEIGHT;
			map[s] = MonotoneSmoothingSpline.fit(x, y, w, smoothing);
		}
		return map;
	}

	/** OD relative to the source's glass, deconvolved, mapped, rendered with the target stains on the target's glass. */
	private RgbImage render(RgbImage source, double[][] inverse, MonotoneSmoothingSpline[] map, double[] so) {
		int[] in = source.pixels();
		int[] out = new int[in.length];
		double[][] t = targetStains;
		double[] to = SlideBackground.odOffset(targetBackground);
		for (int i = 0; i < in.length; i++) {
			int p = in[i];
			double r = OdTables.od(RgbImage.red(p)) - so[0], g = OdTables.od(RgbImage.green(p)) - so[1], b = OdTables.od(RgbImage.blue(p)) - so[2];
			double ch = r * inverse[0][0] + g * inverse[1][0] + b * inverse[2][0];
			double ce = r * inverse[0][1] + g * inverse[1][1] + b * inverse[2][1];
			double cr = r * inverse[0][2] + g * inverse[1][2] + b * inverse[2][2];
			if (map[0] != null) ch = map[0].apply(ch);
			if (map[1] != null) ce = map[1].apply(ce);
			// stains are never negative; the residual carries what H and E cannot explain and keeps its sign
			ch = Math.max(0, ch);
			ce = Math.max(0, ce);
			out[i] = RgbImage.pack(OdTables.toByte(ch * t[0][0] + ce * t[1][0] + cr * t[2][0] + to[0]),
				OdTables.toByte(ch * t[0][1] + ce * t[1][1] + cr * t[2][1] + to[1]),
				OdTables.toByte(ch * t[0][2] + ce * t[1][2] + cr * t[2][2] + to[2]));
		}
		return RgbImage.wrap(source.width(), source.height(), out);
	}

	/**
	 * Classifies a regular grid of pixels and estimates the image's stains; null when there is no tissue. A stain
	 * with too few pixels is replaced by Ruifrok's vector (so that the other can still be inspected) and reported
	 * in the warnings: such an image is neither a usable reference nor normalized.
	 */
	Analysis analyse(RgbImage image) {
		int[] px = image.pixels();
		int step = Math.max(1, (int) Math.ceil(px.length / (double) ANALYSIS_PIXELS));
		KhanClassifier.Descriptor d = KhanClassifier.describe(px, step);
		if (d == null) return null;
		double[] background = SlideBackground.intensity(px, step, SlideBackground.DEFAULT_LUMINOSITY), o = SlideBackground.odOffset(background);
		int n = (px.length + step - 1) / step;
		byte[] label = new byte[n];
		double[][] sum = new double[2][3];
		int[] count = new int[2];
		double[] f = new double[KhanClassifier.F], p = new double[KhanClassifier.CLASSES];
		for (int k = 0, i = 0; k < n; k++, i += step) {
			double r = OdTables.od(RgbImage.red(px[i])), g = OdTables.od(RgbImage.green(px[i])), b = OdTables.od(RgbImage.blue(px[i]));
			KhanClassifier.features(r, g, b, d, f);
			classifier.probabilities(f, p);
			int best = p[1] > p[0] ? 1 : 0;
			if (p[2] > p[best]) best = 2;
			label[k] = (byte) best;
			if (best == KhanClassifier.BACKGROUND) continue;
			// the classifier reads OD relative to 255 (as trained); the stain colours are relative to the glass
			r -= o[0];
			g -= o[1];
			b -= o[2];
			double od = Math.sqrt(r * r + g * g + b * b);
			if (!(od > 1e-6)) continue;
			int s = best - 1;
			count[s]++;
			sum[s][0] += p[best] * r / od;
			sum[s][1] += p[best] * g / od;
			sum[s][2] += p[best] * b / od;
		}
		if (count[0] + count[1] < KhanClassifier.MIN_TISSUE) return null;
		List<String> warnings = new ArrayList<>();
		double[][] two = new double[2][];
		for (int s = 0; s < 2; s++) {
			if (count[s] >= MIN_CLASS_PIXELS) two[s] = Matrix3.normalize(sum[s]);
			else {
				two[s] = (s == 0 ? RUIFROK_H : RUIFROK_E).clone();
				warnings.add("too few " + STAIN[s] + " pixels (" + count[s] + ") to estimate its colour");
			}
		}
		if (separationProblem(new double[][] { two[0], two[1] }) != null)
			return new Analysis(new double[][] { two[0], two[1], new double[3] }, new float[2][0], background, warnings);
		double[][] stains = stainMatrix(two[0], two[1]);
		double[][] inv = Matrix3.inverse(stains);
		float[][] c = { new float[count[0] >= MIN_CLASS_PIXELS ? count[0] : 0], new float[count[1] >= MIN_CLASS_PIXELS ? count[1] : 0] };
		int[] at = new int[2];
		for (int k = 0, i = 0; k < n; k++, i += step) {
			int s = label[k] - 1;
			if (s < 0 || at[s] >= c[s].length) continue;
			double r = OdTables.od(RgbImage.red(px[i])) - o[0], g = OdTables.od(RgbImage.green(px[i])) - o[1],
				b = OdTables.od(RgbImage.blue(px[i])) - o[2];
			if (!(r * r + g * g + b * b > 1e-12)) continue;
			c[s][at[s]++] = (float) (r * inv[0][s] + g * inv[1][s] + b * inv[2][s]);
		}
		for (int s = 0; s < 2; s++) {
			c[s] = Arrays.copyOf(c[s], at[s]);
			Arrays.sort(c[s]);
		}
		return new Analysis(stains, c, background, warnings);
	}

	private static double[][] stainMatrix(double[] h, double[] e) {
		return new double[][] { h.clone(), e.clone(), Matrix3.normalize(Matrix3.cross(h, e)) };
	}

	static String separationProblem(double[][] stains) {
		return Vahadane.separationProblem(stains);
	}

	/** Percentiles 1..99 of sorted values (linear interpolation); all zeros for an empty array. */
	static double[] percentiles(float[] sorted) {
		double[] out = new double[99];
		if (sorted.length == 0) return out;
		for (int q = 1; q <= 99; q++) {
			double pos = q / 100.0 * (sorted.length - 1);
			int lo = (int) pos, hi = Math.min(lo + 1, sorted.length - 1);
			out[q - 1] = sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
		}
		return out;
	}

	private void requireFit() {
		if (targetStains == null) throw new IllegalStateException("Khan: call fit(references) before normalize");
	}

	/**
	 * The fitted target for a stain profile ({@link StainProfile}): {@code vectors} (H, E, residual: 9 numbers),
	 * {@code percentiles_h}, {@code percentiles_e} and {@code glass}.
	 */
	public java.util.Map<String, double[]> exportTarget() {
		requireFit();
		double[] v = new double[9];
		for (int s = 0; s < 3; s++)
			System.arraycopy(targetStains[s], 0, v, 3 * s, 3);
		return java.util.Map.of("vectors", v, "percentiles_h", targetPercentiles[0].clone(), "percentiles_e", targetPercentiles[1].clone(),
			"glass", targetBackground.clone());
	}

	/** Takes a target saved by {@link #exportTarget} instead of fitting. */
	public void importTarget(java.util.Map<String, double[]> saved) {
		double[] v = saved.get("vectors");
		targetStains = new double[][] { { v[0], v[1], v[2] }, { v[3], v[4], v[5] }, { v[6], v[7], v[8] } };
		targetPercentiles = new double[][] { saved.get("percentiles_h").clone(), saved.get("percentiles_e").clone() };
		targetBackground = saved.get("glass").clone();
	}
}
