package sc.fiji.stainnorm.normalize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.Percentile;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.core.TissueMask;

/**
 * Vahadane et al. 2016, "Structure-preserving color normalization and sparse stain separation for
 * histological images" (IEEE TMI), as in their code and staintools:
 * <ol>
 * <li>tissue = pixels with CIE L* / 100 &lt; 0.8; OD = −ln(I/I₀), I₀ the slide's glass intensity per channel
 * ({@link SlideBackground}; 255, as in their code, when the patch shows too little glass);</li>
 * <li>stain matrix = 2-atom sparse non-negative dictionary of the tissue OD (λ = 0.1,
 * {@link SparseStainDictionary}), haematoxylin first; gray ODs (within {@value #ACHROMATIC_DEGREES}° of equal OD in every
 * channel: dim background, ink) are no stain and left out of its samples;</li>
 * <li>concentrations of every pixel by non-negative least squares on that matrix ({@link TwoStainSolver}
 * with λ = 0);</li>
 * <li>each stain's concentrations scaled so their 99th percentile over the tissue pixels matches the target's
 * (their code takes all pixels, which makes the scaling depend on how much glass a patch shows), then rendered
 * with the target stain matrix on the target's glass intensity.</li>
 * </ol>
 * Several references: their tissue OD samples are stacked into one dictionary-learning problem and their
 * concentrations pooled for the 99th percentiles. Deterministic: a regular pixel subsample, a fixed start
 * and a fixed iteration budget.
 */
public final class Vahadane implements StainNormalizer {
	public static final double DEFAULT_LAMBDA = 0.1;
	public static final double DEFAULT_LUMINOSITY = 0.8;
	/** Tissue OD samples per image for dictionary learning: enough for 2 atoms, fast on a 256² patch. */
	public static final int DEFAULT_SAMPLES = 4096;
	public static final int DEFAULT_ITERATIONS = 50;
	/** Pixels whose luminosity is tested, at most (a regular grid); keeps the tissue mask cheap on big images. */
	static final int MASK_CANDIDATES = 16384;
	/** Pixels used for the 99th percentile, at most (a regular grid; every pixel of a 1024² image). */
	static final int PERCENTILE_PIXELS = 1 << 20;
	/** Fewer tissue pixels than this among the candidates: "no tissue". */
	static final int MIN_TISSUE = 16;
	/** Atoms closer than this (degrees) are one stain, not two. */
	static final double MIN_STAIN_ANGLE = 3;
	static final double PERCENTILE = 99;
	/**
	 * A stain whose 99th-percentile concentration (OD along its unit vector) is below this is absent: 99% of the
	 * tissue loses under 10% of the light to it. Real H&amp;E patches reach 0.5 to 3.
	 */
	static final double MIN_STAIN_OD = 0.1;

	private final double lambda, luminosity;
	private final int samples, iterations;
	private double[][] targetStains;
	private double[] targetMax;
	private double[] targetBackground;

	public Vahadane(MethodOptions options) {
		lambda = options.getDouble("lambda", DEFAULT_LAMBDA);
		luminosity = options.getDouble("luminosity", DEFAULT_LUMINOSITY);
		samples = options.getInt("samples", DEFAULT_SAMPLES);
		iterations = options.getInt("iterations", DEFAULT_ITERATIONS);
		if (!(lambda >= 0)) throw new InvalidSettingException("Vahadane option lambda=" + lambda + " must be 0 or more");
		if (!(luminosity > 0 && luminosity <= 1))
			throw new InvalidSettingException("Vahadane option luminosity=" + luminosity + " must be in (0, 1]");
		if (samples < MIN_TISSUE) throw new InvalidSettingException("Vahadane option samples=" + samples + " must be at least " + MIN_TISSUE);
		if (iterations < 1) throw new InvalidSettingException("Vahadane option iterations=" + iterations + " must be at least 1");
	}

	public Vahadane() {
		this(MethodOptions.none());
	}

	@Override
	public String name() {
		return "vahadane";
	}

	@Override
	public boolean needsReference() {
		return true;
	}

	@Override
	public void fit(List<RgbImage> references) {
		if (references.isEmpty()) throw new StainNormException("Vahadane needs at least one reference image of the target stain style");
		double[] pooled = new double[0];
		int count = 0;
		List<double[]> offsets = new ArrayList<>(), backgrounds = new ArrayList<>();
		for (int i = 0; i < references.size(); i++) {
			RgbImage ref = references.get(i);
			TissueMask.requireInReference(ref, i + 1);
			double[] io = background(ref), offset = SlideBackground.odOffset(io);
			double[] od = tissueOd(ref, offset);
			int n = od.length / 3;
			if (n < MIN_TISSUE) throw new StainNormException("Reference image " + (i + 1) + " (" + ref.width() + "x" + ref.height() + ") "
				+ (hasTissue(ref) ? "shows only gray (achromatic) tissue, no stain colour; choose references showing both haematoxylin and eosin"
					: "shows no tissue: no pixels darker than luminosity " + luminosity + "; choose a reference with stained tissue"));
			pooled = Arrays.copyOf(pooled, 3 * (count + n));
			System.arraycopy(od, 0, pooled, 3 * count, 3 * n);
			count += n;
			backgrounds.add(io);
			offsets.add(offset);
		}
		double[][] stains = SparseStainDictionary.learn(pooled, count, lambda, iterations);
		String problem = separationProblem(stains);
		if (problem != null)
			throw new StainNormException("The reference images' stains cannot be separated (" + problem
				+ "); choose references showing both haematoxylin and eosin");
		TwoStainSolver solver = new TwoStainSolver(stains, 0);
		List<float[][]> concentrations = new ArrayList<>();
		for (int i = 0; i < references.size(); i++)
			concentrations.add(tissueConcentrations(references.get(i), solver, offsets.get(i)));
		double[] max = new double[2];
		for (int s = 0; s < 2; s++) {
			float[] all = pooled(concentrations, s);
			max[s] = Percentile.of(all, PERCENTILE);
			if (!(max[s] >= MIN_STAIN_OD))
				throw new StainNormException("The reference images contain almost no " + (s == 0 ? "haematoxylin" : "eosin")
					+ " (99th percentile concentration " + max[s] + "); choose references showing both stains");
		}
		targetStains = stains;
		targetMax = max;
		targetBackground = SlideBackground.mean(backgrounds);
	}

	/** The fitted target background (glass) intensity per channel: the references' I₀. */
	public double[] targetBackground() {
		requireFit();
		return targetBackground.clone();
	}

	/** The fitted target stain matrix, rows H and E (unit OD vectors); for tests and reports. */
	public double[][] targetStains() {
		requireFit();
		return new double[][] { targetStains[0].clone(), targetStains[1].clone() };
	}

	/**
	 * Vahadane's source model: the samples' sparse-dictionary stain matrix (rows H, E), each stain's 99th-percentile
	 * concentration over their tissue, and their glass intensity I₀ per channel.
	 */
	public record Source(double[][] stains, double[] maxConcentrations, double[] glass, List<String> warnings) implements SourceModel {
		public Source {
			stains = new double[][] { stains[0].clone(), stains[1].clone() };
			maxConcentrations = maxConcentrations.clone();
			glass = glass.clone();
			warnings = List.copyOf(warnings);
		}

		@Override
		public String describe() {
			double[] h = stains[0], e = stains[1];
			return String.format(java.util.Locale.ROOT, "vahadane: H (%.3f, %.3f, %.3f), E (%.3f, %.3f, %.3f), maxC (%.3f, %.3f), glass (%.1f, %.1f, %.1f)",
				h[0], h[1], h[2], e[0], e[1], e[2], maxConcentrations[0], maxConcentrations[1], glass[0], glass[1], glass[2]);
		}
	}

	/** A source model, or why the image gives none. */
	private record Learned(Source source, String problem) {}

	@Override
	public Normalized normalize(RgbImage source) {
		requireFit();
		Learned learned = learn(source);
		if (learned.problem() != null) return Normalized.unchanged(source, learned.problem() + ": returned unchanged");
		return new Normalized(apply(learned.source(), source), learned.source().warnings());
	}

	@Override
	public SourceModel learnSource(List<RgbImage> samples) {
		requireFit();
		Learned learned = learn(SourceModels.pooled(samples));
		if (learned.problem() != null) throw new StainNormException("Cannot learn the source stains: " + learned.problem());
		return learned.source();
	}

	/** Under a source model: {@code true} (each pixel's own concentrations, rescaled and rendered). */
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
		double[] glass = background(image), offset = SlideBackground.odOffset(glass);
		double[] od = tissueOd(image, offset);
		if (od.length / 3 < MIN_TISSUE) return new Learned(null, hasTissue(image) ? "only gray (achromatic) tissue found, no stain colour"
			: "no tissue found (no pixels darker than luminosity " + luminosity + ")");
		double[][] stains = SparseStainDictionary.learn(od, od.length / 3, lambda, iterations);
		String problem = separationProblem(stains);
		if (problem != null) return new Learned(null, "stains cannot be separated (" + problem + ")");
		float[][] c = tissueConcentrations(image, new TwoStainSolver(stains, 0), offset);
		double[] max = new double[2];
		List<String> warnings = new ArrayList<>();
		for (int s = 0; s < 2; s++) {
			max[s] = Percentile.of(c[s], PERCENTILE);
			// one stain unused: a single colour (pen ink, a flat or gray patch) rather than H&E tissue
			if (!(max[s] > 1e-3))
				return new Learned(null, "only one stain colour found (no " + (s == 0 ? "haematoxylin" : "eosin") + "-like pixels)");
			if (max[s] < MIN_STAIN_OD)
				warnings.add(String.format("hardly any %s in this patch (99th percentile OD %.3f, below %.2f): its intensity was kept, not rescaled",
					s == 0 ? "haematoxylin" : "eosin", max[s], MIN_STAIN_OD));
		}
		return new Learned(new Source(stains, max, glass, warnings), null);
	}

	private RgbImage apply(Source source, RgbImage image) {
		double[] scale = new double[2];
		for (int s = 0; s < 2; s++) {
			double max = source.maxConcentrations()[s];
			// rescaling a trace to the reference's full strength would blow noise (and glass) up into stain
			scale[s] = max >= MIN_STAIN_OD ? targetMax[s] / max : 1;
		}
		return render(image, new TwoStainSolver(source.stains(), 0), scale, SlideBackground.odOffset(source.glass()));
	}

	/**
	 * Per pixel: NNLS concentrations on the source stains (OD relative to the source's glass), rescaled, rendered
	 * with the target stains on the target's glass.
	 */
	private RgbImage render(RgbImage source, TwoStainSolver solver, double[] scale, double[] sourceOffset) {
		int[] in = source.pixels();
		int[] out = new int[in.length];
		double[] h = targetStains[0], e = targetStains[1], a = new double[2];
		double[] to = SlideBackground.odOffset(targetBackground), so = sourceOffset;
		for (int i = 0; i < in.length; i++) {
			int p = in[i];
			solver.solve(OdTables.od(RgbImage.red(p)) - so[0], OdTables.od(RgbImage.green(p)) - so[1], OdTables.od(RgbImage.blue(p)) - so[2], a);
			double ch = a[0] * scale[0], ce = a[1] * scale[1];
			out[i] = RgbImage.pack(OdTables.toByte(ch * h[0] + ce * e[0] + to[0]), OdTables.toByte(ch * h[1] + ce * e[1] + to[1]),
				OdTables.toByte(ch * h[2] + ce * e[2] + to[2]));
		}
		return RgbImage.wrap(source.width(), source.height(), out);
	}

	/** NNLS concentrations of every pixel of the image (for tests: the method's own separation of it). */
	float[][] concentrations(RgbImage image, double[][] stains) {
		TwoStainSolver solver = new TwoStainSolver(stains, 0);
		int[] p = image.pixels();
		float[][] c = new float[2][p.length];
		double[] a = new double[2];
		for (int i = 0; i < p.length; i++) {
			solver.solve(OdTables.od(RgbImage.red(p[i])), OdTables.od(RgbImage.green(p[i])), OdTables.od(RgbImage.blue(p[i])), a);
			c[0][i] = (float) a[0];
			c[1][i] = (float) a[1];
		}
		return c;
	}

	/** The source's own stain matrix as this method estimates it (for tests and reports). */
	double[][] estimateStains(RgbImage image) {
		double[] od = tissueOd(image, SlideBackground.odOffset(background(image)));
		if (od.length / 3 < MIN_TISSUE) throw new StainNormException("no tissue in " + image);
		return SparseStainDictionary.learn(od, od.length / 3, lambda, iterations);
	}

	/** The image's glass intensity I₀ per channel, from the candidate grid of the tissue mask. */
	private double[] background(RgbImage image) {
		int[] p = image.pixels();
		return SlideBackground.intensity(p, Math.max(1, (int) Math.ceil(p.length / (double) MASK_CANDIDATES)), luminosity);
	}

	/** Whether enough candidate pixels are darker than the luminosity threshold to count as tissue, stained or gray. */
	private boolean hasTissue(RgbImage image) {
		int[] p = image.pixels();
		int step = Math.max(1, (int) Math.ceil(p.length / (double) MASK_CANDIDATES)), n = 0;
		double tissueY = SlideBackground.tissueLuminance(luminosity);
		for (int i = 0; i < p.length; i += step)
			if (SlideBackground.luminance(p[i]) < tissueY && ++n >= MIN_TISSUE) return true;
		return false;
	}

	/**
	 * An OD whose direction lies within this many degrees of gray (equal OD in every channel) is no stain, and is left out of
	 * the dictionary's samples: the dim, shaded background of a camera image (BreakHis's SOB_B_TA-14-3411F-40-001.png, whose
	 * gray OD otherwise became the "haematoxylin" atom, 3° from gray, so that nuclei were rendered gray and lost their blue),
	 * black ink, dust. The stains of every shared H&amp;E image lie 10° to 40° from gray.
	 */
	static final double ACHROMATIC_DEGREES = 8;
	private static final double ACHROMATIC_COS = Math.cos(Math.toRadians(ACHROMATIC_DEGREES));

	/** Whether an OD triple points (nearly) along gray, {@link #ACHROMATIC_DEGREES}. */
	static boolean achromatic(double r, double g, double b) {
		double norm = Math.sqrt(r * r + g * g + b * b);
		return norm > 0 && (r + g + b) > ACHROMATIC_COS * Math.sqrt(3) * norm;
	}

	/**
	 * OD triples (relative to the glass: {@code od − offset}) of up to {@code samples} tissue pixels, taken on
	 * regular grids (deterministic); gray ODs ({@link #achromatic}) are no stain and left out.
	 */
	private double[] tissueOd(RgbImage image, double[] offset) {
		int[] p = image.pixels();
		int step = Math.max(1, (int) Math.ceil(p.length / (double) MASK_CANDIDATES));
		int[] tissue = new int[(p.length + step - 1) / step];
		int n = 0;
		double tissueY = SlideBackground.tissueLuminance(luminosity);
		for (int i = 0; i < p.length; i += step)
			if (SlideBackground.luminance(p[i]) < tissueY && !achromatic(OdTables.od(RgbImage.red(p[i])) - offset[0],
				OdTables.od(RgbImage.green(p[i])) - offset[1], OdTables.od(RgbImage.blue(p[i])) - offset[2])) tissue[n++] = p[i];
		int keep = Math.min(n, samples);
		double[] od = new double[3 * keep];
		for (int k = 0; k < keep; k++) {
			int v = tissue[(int) ((long) k * n / keep)];
			od[3 * k] = OdTables.od(RgbImage.red(v)) - offset[0];
			od[3 * k + 1] = OdTables.od(RgbImage.green(v)) - offset[1];
			od[3 * k + 2] = OdTables.od(RgbImage.blue(v)) - offset[2];
		}
		return od;
	}

	/**
	 * Concentrations of the tissue pixels among a regular grid of at most {@link #PERCENTILE_PIXELS} pixels,
	 * {@code [stain][pixel]}. Tissue only, so that the 99th percentile does not depend on how much glass the patch
	 * shows: over all pixels, a patch with 5% tissue would take a typical tissue value for the maximum and its
	 * rescaling would blow faint stain (and background noise) up to full strength.
	 */
	private float[][] tissueConcentrations(RgbImage image, TwoStainSolver solver, double[] offset) {
		int[] p = image.pixels();
		int step = Math.max(1, (int) Math.ceil(p.length / (double) PERCENTILE_PIXELS));
		int n = (p.length + step - 1) / step;
		float[][] c = new float[2][n];
		double[] a = new double[2];
		double tissueY = SlideBackground.tissueLuminance(luminosity);
		int k = 0;
		for (int i = 0; i < p.length; i += step) {
			if (!(SlideBackground.luminance(p[i]) < tissueY)) continue;
			solver.solve(OdTables.od(RgbImage.red(p[i])) - offset[0], OdTables.od(RgbImage.green(p[i])) - offset[1],
				OdTables.od(RgbImage.blue(p[i])) - offset[2], a);
			c[0][k] = (float) a[0];
			c[1][k] = (float) a[1];
			k++;
		}
		return new float[][] { Arrays.copyOf(c[0], k), Arrays.copyOf(c[1], k) };
	}

	/** Null when the two atoms are two distinct stains, else what is wrong with them. */
	static String separationProblem(double[][] stains) {
		for (int s = 0; s < 2; s++)
			for (double v : stains[s])
				if (!Double.isFinite(v)) return "the stain matrix is not finite";
		double cos = stains[0][0] * stains[1][0] + stains[0][1] * stains[1][1] + stains[0][2] * stains[1][2];
		double angle = Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
		if (angle < MIN_STAIN_ANGLE)
			return String.format("the two stain vectors are only %.1f degrees apart: one colour, or a gray image", angle);
		return null;
	}

	/** One stain's concentrations of all the references, one after the other. */
	static float[] pooled(List<float[][]> concentrations, int stain) {
		int total = 0;
		for (float[][] c : concentrations)
			total += c[stain].length;
		float[] all = new float[total];
		int at = 0;
		for (float[][] c : concentrations) {
			System.arraycopy(c[stain], 0, all, at, c[stain].length);
			at += c[stain].length;
		}
		return all;
	}

	private void requireFit() {
		if (targetStains == null) throw new IllegalStateException("Vahadane: call fit(references) before normalize");
	}

	/** The fitted target for a stain profile ({@link StainProfile}): {@code vectors} (H then E), {@code max_concentrations}, {@code glass}. */
	public java.util.Map<String, double[]> exportTarget() {
		requireFit();
		return java.util.Map.of("vectors", new double[] { targetStains[0][0], targetStains[0][1], targetStains[0][2], targetStains[1][0],
			targetStains[1][1], targetStains[1][2] }, "max_concentrations", targetMax.clone(), "glass", targetBackground.clone());
	}

	/** Takes a target saved by {@link #exportTarget} instead of fitting. */
	public void importTarget(java.util.Map<String, double[]> saved) {
		double[] v = saved.get("vectors");
		targetStains = new double[][] { { v[0], v[1], v[2] }, { v[3], v[4], v[5] } };
		targetMax = saved.get("max_concentrations").clone();
		targetBackground = saved.get("glass").clone();
	}
}
