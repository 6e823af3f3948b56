package sc.fiji.stainnorm.normalize;

import java.util.List;
import java.util.Locale;

import sc.fiji.stainnorm.core.FastMath;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.Percentile;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.core.TissueMask;

/**
 * Macenko et al. (2009) stain normalization, computed as the reference implementations do (the MATLAB code as
 * ported by HEnorm_python and torchstain), so that their outputs are reproduced:
 * <ol>
 * <li>optical density {@code OD = −ln((I + 1) / Io)} per channel;</li>
 * <li>tissue = pixels whose OD is at least β in all three channels ({@code tissue=channels}, the reference code), or
 * whose OD vector is at least β long ({@code tissue=norm}, the paper's "OD intensity"); {@code tissue=auto} (default)
 * is CHANNELS except on pale slides; CHANNELS is the default, see {@link #DEFAULT_RULE};</li>
 * <li>the plane of the two largest eigenvectors of the (sample) covariance of tissue OD;</li>
 * <li>the angle of every tissue pixel's projection in that plane; the stain vectors point along the α-th and
 * (100−α)-th percentile angles (linear interpolation, as numpy); haematoxylin is the one with the larger red
 * component;</li>
 * <li>concentrations of every pixel by least squares; their 99th percentiles are the maximum concentrations;</li>
 * <li>output {@code Io · exp(−S_target · C · maxC_target / maxC_source)}, clipped to [0, 255].</li>
 * </ol>
 * Several references: their stain vectors and maximum concentrations are averaged. Instead of fitting, the
 * fixed target of the reference code can be used ({@code reference=henorm} or {@link #withFixedTarget}).
 * <p>
 * Options: {@code io} (default 240), {@code alpha} (1, percent), {@code beta} (0.15), {@code tissue=channels|auto|norm},
 * {@code reference=henorm}. {@code tissue=channels} reproduces torchstain's and HEnorm_python's outputs to 1 gray level.
 * The output is truncated to 8 bits as the reference code's cast to uint8.
 */
public final class Macenko implements StainNormalizer {
	/** The fixed target of Macenko's reference code (HEnorm_python, torchstain before fit): rows H, E. */
	public static final double[][] HENORM_STAINS = { { 0.5626, 0.7201, 0.4062 }, { 0.2159, 0.8012, 0.5581 } };
	public static final double[] HENORM_MAX_CONCENTRATIONS = { 1.9705, 1.0308 };
	/** Stain vectors closer than this (sine of their angle, about 3°) cannot be told apart. */
	private static final double MIN_SEPARATION = 0.05;
	/**
	 * The reference code's CHANNELS: on the cross-lab protocol (docs/results.md; same-slide references) AUTO is picked in
	 * every leave-one-group-out fold but gains only 0.4 dB (26.5 against 26.1 dB, SSIM +0.004; the default rule asks
	 * 0.5 dB), and NORM (27.6 dB) is never a default: it turns dark nuclei pale with cyan rims on some slides. Known
	 * weakness, measured there too: on pale slides pale eosin drops
	 * out of the CHANNELS estimate and the result collapses (the real Aperio/NanoZoomer SCC pair: SSIM 0.29, 11 dB
	 * where NORM gives 0.87, 29 dB; synthetic style A, as in the demo: MSE 385 → 3271); {@code tissue=auto} (CHANNELS
	 * except on pale slides) or {@code tissue=norm} is the choice for such slides.
	 */
	public static final TissueRule DEFAULT_RULE = TissueRule.CHANNELS;
	/**
	 * {@code tissue=auto}: a slide whose all-channels tissue is less than this share of its OD-length tissue is pale (the SCC
	 * NanoZoomer scan: 0.01; synthetic style A: 0.13; every other shared image but the torchstain source, Warwick's
	 * pale source and ParamNet's pale centre C5: 0.22 or more).
	 */
	static final double PALE_SLIDE_RATIO = 0.2;

	/** The stain model of one image: unit OD vectors (rows H, E) and 99th-percentile concentrations. */
	public record Stains(double[][] vectors, double[] maxConcentrations) {}

	/** Which pixels are tissue, i.e. enter the stain-vector estimate. */
	public enum TissueRule {
		/** Optical density at least β in every channel: the reference code (MATLAB, HEnorm_python, torchstain). */
		CHANNELS,
		/**
		 * Length of the OD vector at least β: the paper's "OD intensity". Keeps pale eosin, whose red OD is often
		 * below β, so that E is not estimated from haematoxylin-containing pixels only.
		 */
		NORM,
		/**
		 * CHANNELS, or NORM for both source and target when either is a pale slide (see {@link #PALE_SLIDE_RATIO}):
		 * the reference code wherever its rule keeps the eosin.
		 */
		AUTO;

		static TissueRule parse(String text) {
			for (TissueRule r : values())
				if (r.name().equalsIgnoreCase(text)) return r;
			throw new InvalidSettingException("Option tissue=" + text + " is not known; use tissue=channels (default, the reference code), tissue=auto or tissue=norm");
		}
	}

	private final double io, alpha, beta;
	private final TissueRule rule;
	private final boolean fixedTarget;
	private Stains target;
	/** tissue=auto: the references' stains under NORM, for pale sources (null when the references themselves are pale). */
	private Stains paleTarget;
	/** tissue=auto: a reference is a pale slide, so every image is estimated with NORM. */
	private boolean paleReference;

	public Macenko(MethodOptions options) {
		this(options.getDouble("io", 240), options.getDouble("alpha", 1), options.getDouble("beta", 0.15),
			TissueRule.parse(options.getString("tissue", DEFAULT_RULE.name().toLowerCase(java.util.Locale.ROOT))), fixedReference(options.getString("reference", null)));
	}

	private static Stains fixedReference(String name) {
		if (name == null) return null;
		if (!name.equalsIgnoreCase("henorm"))
			throw new InvalidSettingException("Option reference=" + name + " is not known; the only fixed reference is reference=henorm"
				+ " (otherwise give reference images)");
		return new Stains(HENORM_STAINS, HENORM_MAX_CONCENTRATIONS);
	}

	public Macenko(double io, double alpha, double beta, TissueRule rule) {
		this(io, alpha, beta, rule, null);
	}

	private Macenko(double io, double alpha, double beta, TissueRule rule, Stains fixed) {
		if (!(io > 1 && io <= 255)) throw new InvalidSettingException("Macenko option io=" + io + " must be above 1 and at most 255 (the white level)");
		if (!(alpha >= 0 && alpha < 50)) throw new InvalidSettingException("Macenko option alpha=" + alpha + " must be a percentile from 0 up to (not including) 50");
		if (!(beta >= 0 && beta <= 3)) throw new InvalidSettingException("Macenko option beta=" + beta + " must be an optical density from 0 to 3");
		this.io = io;
		this.alpha = alpha;
		this.beta = beta;
		this.rule = rule;
		this.fixedTarget = fixed != null;
		this.target = fixed;
	}

	/** Normalizes to a given stain matrix (rows H, E; made unit length) and maximum concentrations; no fit needed. */
	public static Macenko withFixedTarget(double[][] stains, double[] maxConcentrations, double io, double alpha, double beta, TissueRule rule) {
		if (stains.length != 2 || maxConcentrations.length != 2)
			throw new StainNormException("A Macenko target needs two stain vectors (H, E) and two maximum concentrations");
		double[][] unit = { unit(stains[0]), unit(stains[1]) };
		for (double c : maxConcentrations)
			if (!(c > 0 && Double.isFinite(c))) throw new StainNormException("Maximum concentrations must be positive, got " + c);
		return new Macenko(io, alpha, beta, rule, new Stains(unit, maxConcentrations.clone()));
	}

	private static double[] unit(double[] v) {
		double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
		if (v.length != 3 || !(n > 0 && Double.isFinite(n))) throw new StainNormException("A stain vector needs 3 finite components, not all zero");
		return new double[] { v[0] / n, v[1] / n, v[2] / n };
	}

	@Override
	public String name() {
		return "macenko";
	}

	@Override
	public boolean needsReference() {
		return !fixedTarget;
	}

	/** The target stain model, or null before {@link #fit}. */
	public Stains target() {
		return target;
	}

	@Override
	public void fit(List<RgbImage> references) {
		if (fixedTarget) {
			if (!references.isEmpty())
				throw new InvalidSettingException("Macenko with a fixed reference (reference=henorm) takes no reference images");
			return;
		}
		if (references.isEmpty()) throw new StainNormException("Macenko needs at least one reference image");
		boolean pale = false;
		for (int i = 0; i < references.size(); i++) {
			TissueMask.requireInReference(references.get(i), i + 1);
			if (rule == TissueRule.AUTO && paleSlide(references.get(i))) pale = true;
		}
		Stains main = fitWith(references, rule != TissueRule.AUTO ? rule : pale ? TissueRule.NORM : TissueRule.CHANNELS);
		paleTarget = rule == TissueRule.AUTO && !pale ? fitWith(references, TissueRule.NORM) : null;
		paleReference = pale;
		target = main;
	}

	private Stains fitWith(List<RgbImage> references, TissueRule use) {
		double[][] sum = new double[2][3];
		double[] maxC = new double[2];
		for (int i = 0; i < references.size(); i++) {
			Estimate e = estimate(references.get(i), use);
			if (e.problem != null)
				throw new StainNormException("Reference image " + (i + 1) + ": " + e.problem + "; choose a reference showing H&E-stained tissue");
			for (int s = 0; s < 2; s++) {
				for (int c = 0; c < 3; c++)
					sum[s][c] += e.stains.vectors()[s][c];
				maxC[s] += e.stains.maxConcentrations()[s] / references.size();
			}
		}
		return new Stains(new double[][] { unit(sum[0]), unit(sum[1]) }, maxC);
	}

	/** The stain model of one image as Macenko's method estimates it. */
	public Stains stainsOf(RgbImage image) {
		Estimate e = estimate(image, ruleFor(image));
		if (e.problem != null) throw new StainNormException(e.problem);
		return e.stains;
	}

	/**
	 * The stain vectors of {@link #stainsOf}, failing alike, without computing the concentration percentiles: each is
	 * only checked to be positive, by counting (a quarter of the time; STST's style check needs only the vectors).
	 */
	public double[][] stainVectorsOf(RgbImage image) {
		// null: the image's own pass 1 tells whether it is a pale slide (ruleFor without a pass of its own)
		Estimate e = estimate(image, rule != TissueRule.AUTO ? rule : paleReference ? TissueRule.NORM : null, false);
		if (e.problem != null) throw new StainNormException(e.problem);
		return e.stains.vectors();
	}

	/**
	 * Macenko's source model: the tissue rule its samples were estimated with (CHANNELS or NORM; under {@code tissue=auto}
	 * the one chosen for them), their stain vectors and 99th-percentile concentrations.
	 */
	public record Source(TissueRule rule, Stains stains, List<String> warnings) implements SourceModel {
		public Source {
			warnings = List.copyOf(warnings);
		}

		@Override
		public String describe() {
			double[] h = stains.vectors()[0], e = stains.vectors()[1], c = stains.maxConcentrations();
			return String.format(Locale.ROOT, "macenko tissue=%s: H (%.3f, %.3f, %.3f), E (%.3f, %.3f, %.3f), maxC (%.3f, %.3f)",
				rule.name().toLowerCase(Locale.ROOT), h[0], h[1], h[2], e[0], e[1], e[2], c[0], c[1]);
		}
	}

	@Override
	public Normalized normalize(RgbImage source) {
		requireFit();
		TissueRule use = ruleFor(source);
		Estimate e = estimate(source, use);
		if (e.problem != null) return Normalized.unchanged(source, e.problem + ": returned unchanged");
		Source model = sourceOf(source, use, e.stains);
		return new Normalized(apply(model, source), model.warnings());
	}

	@Override
	public SourceModel learnSource(List<RgbImage> samples) {
		requireFit();
		RgbImage pooled = SourceModels.pooled(samples);
		TissueRule use = ruleFor(pooled);
		Estimate e = estimate(pooled, use);
		if (e.problem != null) throw new StainNormException("Cannot learn the source stains: " + e.problem);
		return sourceOf(pooled, use, e.stains);
	}

	/** Under a source model: {@code true} (optical density, one linear map and the exponential, per pixel). */
	@Override
	public boolean isPixelwise(SourceModel source) {
		return source != SourceModel.NONE;
	}

	@Override
	public Normalized normalize(SourceModel model, RgbImage tile) {
		requireFit();
		if (model == SourceModel.NONE) return normalize(tile); // no slide model: each tile estimated on its own, as before
		Source s = SourceModels.expect(model, Source.class, this);
		if (rule == TissueRule.AUTO ? s.rule() == TissueRule.AUTO : s.rule() != rule)
			throw new IllegalArgumentException("A macenko source model estimated with tissue=" + s.rule().name().toLowerCase(Locale.ROOT)
				+ " cannot be applied with tissue=" + rule.name().toLowerCase(Locale.ROOT));
		return Normalized.of(apply(s, tile));
	}

	private void requireFit() {
		if (target == null) throw new IllegalStateException("fit must be called before normalize");
	}

	private RgbImage apply(Source model, RgbImage image) {
		return RgbImage.wrap(image.width(), image.height(), transfer(image.pixels(), model.stains(), targetFor(model.rule())));
	}

	/** The source model of an image (or pooled samples) estimated with {@code use}, and what to say about a pale slide. */
	private Source sourceOf(RgbImage image, TissueRule use, Stains stains) {
		if (rule == TissueRule.AUTO && use == TissueRule.NORM)
			return new Source(use, stains, List.of((paleReference ? "the reference is" : "this is") + " a pale slide (under "
				+ Math.round(100 * PALE_SLIDE_RATIO) + "% of its tissue has an optical density of at least beta=" + beta
				+ " in all channels): stains estimated with tissue=norm"));
		if (rule == TissueRule.CHANNELS && paleSlide(image)) // the reference rule's known weakness: say so, never fail silently
			return new Source(use, stains, List.of("this is a pale slide (under " + Math.round(100 * PALE_SLIDE_RATIO)
				+ "% of its tissue has an optical density of at least beta=" + beta + " in all channels): tissue=channels estimates its stains"
				+ " from the darker tissue only, which can distort pale eosin; tissue=auto or tissue=norm suits pale slides"));
		return new Source(use, stains, List.of());
	}

	/**
	 * The single-stain images of the normalized source: only haematoxylin ({@code stain} 0) or only eosin (1),
	 * with the target's stain vectors, as torchstain's {@code stains=True}. Null when the source has no usable tissue.
	 */
	public RgbImage normalizedSingleStain(RgbImage source, int stain) {
		if (target == null) throw new IllegalStateException("fit must be called before normalize");
		if (stain != 0 && stain != 1) throw new IllegalArgumentException("stain must be 0 (H) or 1 (E)");
		TissueRule use = ruleFor(source);
		Stains t = targetFor(use);
		Estimate e = estimate(source, use);
		if (e.problem != null) return null;
		double[][] only = new double[2][];
		only[stain] = t.vectors()[stain];
		only[1 - stain] = new double[3];
		return RgbImage.wrap(source.width(), source.height(), transfer(source.pixels(), e.stains, new Stains(only, t.maxConcentrations())));
	}

	/** Macenko's background test: the reference code's "every channel at least β", or "|OD| at least β". */
	boolean isTissue(TissueRule rule, double r, double g, double b) {
		return rule == TissueRule.CHANNELS ? r >= beta && g >= beta && b >= beta : r * r + g * g + b * b >= beta * beta;
	}

	/**
	 * The rule for this image: CHANNELS or NORM as set; AUTO is NORM when the image or a reference is a pale slide
	 * (so that source and target are always estimated alike), else CHANNELS.
	 */
	private TissueRule ruleFor(RgbImage image) {
		if (rule != TissueRule.AUTO) return rule;
		return paleReference || paleSlide(image) ? TissueRule.NORM : TissueRule.CHANNELS;
	}

	/** The target to map an image estimated with {@code use} onto (tissue=auto keeps one per rule). */
	private Stains targetFor(TissueRule use) {
		return rule == TissueRule.AUTO && use == TissueRule.NORM && paleTarget != null ? paleTarget : target;
	}

	/** Whether under {@link #PALE_SLIDE_RATIO} of the image's OD-length tissue reaches β in all three channels. */
	private boolean paleSlide(RgbImage image) {
		double[] od = odTable();
		long channels = 0, norm = 0;
		for (int rgb : image.pixels()) {
			double r = od[(rgb >> 16) & 0xFF], g = od[(rgb >> 8) & 0xFF], b = od[rgb & 0xFF];
			if (isTissue(TissueRule.CHANNELS, r, g, b)) channels++;
			if (isTissue(TissueRule.NORM, r, g, b)) norm++;
		}
		return pale(channels, norm);
	}

	/** The pale-slide test on the counts of tissue pixels by the CHANNELS and by the NORM rule. */
	private static boolean pale(long channels, long norm) {
		return norm > 0 && channels < PALE_SLIDE_RATIO * norm;
	}

	double[] odTable() {
		double[] od = new double[256];
		for (int v = 0; v < 256; v++)
			od[v] = -Math.log((v + 1) / io);
		return od;
	}

	/** Least-squares concentrations {@code C = (SᵀS)⁻¹ Sᵀ od}: rows H, E of a 2x3 matrix. */
	private static double[][] pseudoInverse(double[][] s) {
		double a = dot(s[0], s[0]), b = dot(s[0], s[1]), d = dot(s[1], s[1]);
		double det = a * d - b * b;
		double[][] p = new double[2][3];
		for (int c = 0; c < 3; c++) {
			p[0][c] = (d * s[0][c] - b * s[1][c]) / det;
			p[1][c] = (-b * s[0][c] + a * s[1][c]) / det;
		}
		return p;
	}

	private static double dot(double[] x, double[] y) {
		return x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
	}

	/**
	 * Source OD → concentrations → scaled to the target's maxima → target OD is one linear map per pixel,
	 * {@code od_out = S_targetᵀ · diag(maxC_target / maxC_source) · pinv(S_source) · od}.
	 */
	private int[] transfer(int[] src, Stains source, Stains target) {
		double[][] p = pseudoInverse(source.vectors());
		double[][] t = target.vectors();
		double[][] m = new double[3][3];
		for (int s = 0; s < 2; s++) {
			double scale = target.maxConcentrations()[s] / source.maxConcentrations()[s];
			for (int out = 0; out < 3; out++)
				for (int in = 0; in < 3; in++)
					m[out][in] += t[s][out] * scale * p[s][in];
		}
		double[] od = odTable();
		int[] dst = new int[src.length];
		for (int i = 0; i < src.length; i++) {
			int rgb = src[i];
			double r = od[(rgb >> 16) & 0xFF], g = od[(rgb >> 8) & 0xFF], b = od[rgb & 0xFF];
			dst[i] = RgbImage.pack(toByte(io * FastMath.exp(-(m[0][0] * r + m[0][1] * g + m[0][2] * b))),
				toByte(io * FastMath.exp(-(m[1][0] * r + m[1][1] * g + m[1][2] * b))),
				toByte(io * FastMath.exp(-(m[2][0] * r + m[2][1] * g + m[2][2] * b))));
		}
		return dst;
	}

	/** Truncates like the reference code's cast to uint8 after clipping at 255. */
	private static int toByte(double v) {
		if (!(v > 0)) return 0;
		return v >= 255 ? 255 : (int) v;
	}

	/** The count, sums and cross products of the optical densities of some pixels (pass 1's covariance). */
	private static final class Moments {
		long n;
		final double[] sum = new double[3];
		final double[][] cross = new double[3][3];

		void add(double r, double g, double b) {
			n++;
			sum[0] += r;
			sum[1] += g;
			sum[2] += b;
			cross[0][0] += r * r;
			cross[0][1] += r * g;
			cross[0][2] += r * b;
			cross[1][1] += g * g;
			cross[1][2] += g * b;
			cross[2][2] += b * b;
		}
	}

	/** Either stains or the reason there are none. */
	private record Estimate(Stains stains, String problem) {
		static Estimate failed(String problem) {
			return new Estimate(null, problem);
		}
	}

	/** A stain whose 99th-percentile concentration is not above this is missing. */
	private static final double MIN_MAX_CONCENTRATION = 1e-6;

	private Estimate estimate(RgbImage image, TissueRule rule) {
		return estimate(image, rule, true);
	}

	/**
	 * @param rule null: CHANNELS or NORM as {@link #ruleFor} would choose for this image without a pale reference, decided
	 *        from the counts of pass 1, which then sums the moments of both rules' tissue
	 * @param concentrations false: the percentiles are only checked (see {@link #stainVectorsOf}), the stains' maxima are NaN
	 */
	private Estimate estimate(RgbImage image, TissueRule rule, boolean concentrations) {
		int[] px = image.pixels();
		double[] od = odTable();
		// pass 1: tissue pixels and their OD covariance
		Moments tissue = new Moments(), norm = rule == null ? new Moments() : null;
		for (int rgb : px) {
			double r = od[(rgb >> 16) & 0xFF], g = od[(rgb >> 8) & 0xFF], b = od[rgb & 0xFF];
			if (rule != null) {
				if (isTissue(rule, r, g, b)) tissue.add(r, g, b);
				continue;
			}
			if (isTissue(TissueRule.CHANNELS, r, g, b)) tissue.add(r, g, b);
			if (isTissue(TissueRule.NORM, r, g, b)) norm.add(r, g, b);
		}
		if (rule == null) { // paleSlide's test
			boolean pale = pale(tissue.n, norm.n);
			rule = pale ? TissueRule.NORM : TissueRule.CHANNELS;
			if (pale) tissue = norm;
		}
		long n = tissue.n;
		double[] sum = tissue.sum;
		double[][] cross = tissue.cross;
		if (!TissueMask.enough(n, px.length))
			return Estimate.failed("no tissue found (" + TissueMask.describe(n, px.length) + " with an optical density of at least beta="
				+ beta + (rule == TissueRule.CHANNELS ? " in all channels)" : " in length)"));
		double[][] cov = new double[3][3];
		for (int i = 0; i < 3; i++)
			for (int j = i; j < 3; j++)
				cov[i][j] = cov[j][i] = (cross[i][j] - sum[i] * sum[j] / n) / (n - 1);
		double trace = cov[0][0] + cov[1][1] + cov[2][2];
		if (!(trace > 1e-10)) return Estimate.failed("the tissue has a single colour, so two stains cannot be separated");
		double[][] eig = symmetricEigenvectors(cov);
		// eig[2] has the largest eigenvalue; orient it along the tissue (all OD positive) so that angles stay in (-π, π)
		double[] largest = eig[2], second = eig[1];
		if (largest[0] + largest[1] + largest[2] < 0)
			for (int c = 0; c < 3; c++)
				largest[c] = -largest[c];

		// pass 2: percentiles of the tissue pixels' angles in the plane (second, largest), as numpy's arctan2(That[:,1], That[:,0])
		float[] buffer = new float[px.length];
		double[] phi = anglePercentiles(px, od, rule, second, largest, buffer, alpha, 100 - alpha);
		double minPhi = phi[0], maxPhi = phi[1];
		double[] vMin = new double[3], vMax = new double[3];
		for (int c = 0; c < 3; c++) {
			vMin[c] = second[c] * Math.cos(minPhi) + largest[c] * Math.sin(minPhi);
			vMax[c] = second[c] * Math.cos(maxPhi) + largest[c] * Math.sin(maxPhi);
		}
		double[][] stains = vMin[0] > vMax[0] ? new double[][] { vMin, vMax } : new double[][] { vMax, vMin };
		double[] cr = { stains[0][1] * stains[1][2] - stains[0][2] * stains[1][1], stains[0][2] * stains[1][0] - stains[0][0] * stains[1][2],
			stains[0][0] * stains[1][1] - stains[0][1] * stains[1][0] };
		if (!(Math.sqrt(dot(cr, cr)) >= MIN_SEPARATION))
			return Estimate.failed("the tissue colours span no two distinct stains (a gray or single-colour image?)");

		// passes 3 and 4: 99th percentile of each stain's concentration over all pixels
		double[][] p = pseudoInverse(stains);
		double[] maxC = new double[2];
		// only checked: one pass counts both stains' concentrations above the bound, and a stain that fails the count
		// gets the percentile that words the failure
		int[] above = new int[2];
		if (!concentrations)
			for (int rgb : px) {
				double r = od[(rgb >> 16) & 0xFF], g = od[(rgb >> 8) & 0xFF], b = od[rgb & 0xFF];
				if ((float) (p[0][0] * r + p[0][1] * g + p[0][2] * b) > MIN_MAX_CONCENTRATION) above[0]++;
				if ((float) (p[1][0] * r + p[1][1] * g + p[1][2] * b) > MIN_MAX_CONCENTRATION) above[1]++;
			}
		for (int s = 0; s < 2; s++) {
			// the percentile interpolates from order statistic lo upwards: when that one exceeds the bound, so does it
			if (!concentrations && above[s] >= px.length - (int) Math.floor(99.0 / 100 * (px.length - 1))) {
				maxC[s] = Double.NaN;
				continue;
			}
			for (int i = 0; i < px.length; i++) {
				int rgb = px[i];
				buffer[i] = (float) (p[s][0] * od[(rgb >> 16) & 0xFF] + p[s][1] * od[(rgb >> 8) & 0xFF] + p[s][2] * od[rgb & 0xFF]);
			}
			maxC[s] = Percentile.of(buffer, px.length, 99);
			if (!(maxC[s] > MIN_MAX_CONCENTRATION))
				return Estimate.failed("too little " + (s == 0 ? "haematoxylin" : "eosin") + " stain (99th percentile concentration "
					+ String.format(Locale.ROOT, "%.3g", maxC[s]) + ")");
		}
		return new Estimate(new Stains(stains, maxC), null);
	}

	/**
	 * The percentiles {@code low} and {@code high} (as {@link Percentile#of}) of the tissue pixels' float angles
	 * {@code atan2(along · od, across · od)}, without computing an arctangent for every pixel (it is a native call of
	 * about 25 ns): {@link #pseudoAngle} orders the angles the same way at a fraction of the cost, so the pixels at each
	 * percentile's two order statistics are found by their pseudo-angles, and only the pixels whose pseudo-angle lies within
	 * {@link #PSEUDO_ANGLE_MARGIN} of those (a handful) get their arctangent. Every pixel further below or above has an
	 * angle no larger or no smaller than theirs, so the order statistics, and the percentiles, are those of the angles
	 * themselves, to the bit.
	 *
	 * @param keys room for every pixel's pseudo-angle
	 */
	double[] anglePercentiles(int[] px, double[] od, TissueRule rule, double[] across, double[] along, float[] keys, double... percentiles) {
		int k = 0;
		for (int rgb : px) {
			double r = od[(rgb >> 16) & 0xFF], g = od[(rgb >> 8) & 0xFF], b = od[rgb & 0xFF];
			if (!isTissue(rule, r, g, b)) continue;
			keys[k++] = (float) pseudoAngle(along[0] * r + along[1] * g + along[2] * b, across[0] * r + across[1] * g + across[2] * b);
		}
		int n = percentiles.length;
		if (k == 0) return new double[n];
		double[] position = new double[n];
		int[] lo = new int[n];
		float[] from = new float[n], to = new float[n];
		for (int q = 0; q < n; q++) {
			position[q] = percentiles[q] / 100 * (k - 1);
			lo[q] = (int) Math.floor(position[q]);
			from[q] = Percentile.select(keys, k, lo[q]) - PSEUDO_ANGLE_MARGIN;
			to[q] = Percentile.selectedNext(keys, k, lo[q]) + PSEUDO_ANGLE_MARGIN;
		}
		// the band of each percentile: the angles of the pixels whose keys lie in [from, to], and how many keys lie below it
		int[] under = new int[n];
		float[][] band = new float[n][16];
		int[] inBand = new int[n];
		// a band is mostly a few colours, each on many pixels: their arctangents are kept by colour (-1: none yet)
		int[] cachedColour = new int[256];
		java.util.Arrays.fill(cachedColour, -1);
		float[] cachedAngle = new float[256];
		for (int rgb : px) {
			double r = od[(rgb >> 16) & 0xFF], g = od[(rgb >> 8) & 0xFF], b = od[rgb & 0xFF];
			if (!isTissue(rule, r, g, b)) continue;
			double y = along[0] * r + along[1] * g + along[2] * b, x = across[0] * r + across[1] * g + across[2] * b;
			float key = (float) pseudoAngle(y, x);
			for (int q = 0; q < n; q++) {
				if (key < from[q]) under[q]++;
				else if (key <= to[q]) {
					if (inBand[q] == band[q].length) band[q] = java.util.Arrays.copyOf(band[q], 2 * inBand[q]);
					int colour = rgb & 0xFFFFFF, slot = (colour ^ (colour >>> 8) ^ (colour >>> 16)) & 0xFF;
					if (cachedColour[slot] != colour) {
						cachedColour[slot] = colour;
						cachedAngle[slot] = (float) Math.atan2(y, x);
					}
					band[q][inBand[q]++] = cachedAngle[slot];
				}
			}
		}
		double[] result = new double[n];
		for (int q = 0; q < n; q++) {
			float[] angles = band[q];
			java.util.Arrays.sort(angles, 0, inBand[q]);
			int i = lo[q] - under[q];
			double below = angles[i];
			result[q] = lo[q] + 1 >= k ? below : below + (position[q] - lo[q]) * (angles[i + 1] - below);
		}
		return result;
	}

	/**
	 * Keys within this of a percentile's order statistics get their arctangent computed: above the float rounding of a
	 * key (at most 1.2e-7 for keys in [-2, 2]) with room to spare, far below the spacing of distinct angles in tissue.
	 */
	static final float PSEUDO_ANGLE_MARGIN = 5e-7f;

	/**
	 * A function of {@code atan2(y, x)} that is strictly increasing over (-π, π], in [-2, 2], and costs a division: the
	 * "diamond angle" {@code y / (|x| + |y|)}, shifted by ±2 in the left half-plane; signed zeros as atan2 takes them.
	 */
	static double pseudoAngle(double y, double x) {
		double length = Math.abs(x) + Math.abs(y);
		if (length == 0) return Math.copySign(1, x) > 0 ? 0 : Math.copySign(2, y); // atan2 of zeros: ±0 or ±π
		double t = y / length;
		if (x >= 0) return t; // also x = -0 with y != 0: ±π/2
		return Math.copySign(1, y) > 0 ? 2 - t : -2 - t;
	}

	/**
	 * Eigenvectors of a symmetric 3x3 matrix by cyclic Jacobi rotations, as rows, sorted by ascending eigenvalue
	 * (the order of numpy's {@code eigh}).
	 */
	static double[][] symmetricEigenvectors(double[][] matrix) {
		double[][] a = { matrix[0].clone(), matrix[1].clone(), matrix[2].clone() };
		double[][] v = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
		for (int sweep = 0; sweep < 50; sweep++) {
			double off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
			if (!(off > 1e-30 * (a[0][0] * a[0][0] + a[1][1] * a[1][1] + a[2][2] * a[2][2]))) break;
			for (int p = 0; p < 2; p++)
				for (int q = p + 1; q < 3; q++) {
					if (a[p][q] == 0) continue;
					double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
					double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
					if (theta == 0) t = 1;
					double c = 1 / Math.sqrt(t * t + 1), s = t * c;
					for (int r = 0; r < 3; r++) {
						double arp = a[r][p], arq = a[r][q];
						a[r][p] = c * arp - s * arq;
						a[r][q] = s * arp + c * arq;
					}
					for (int r = 0; r < 3; r++) {
						double apr = a[p][r], aqr = a[q][r];
						a[p][r] = c * apr - s * aqr;
						a[q][r] = s * apr + c * aqr;
					}
					for (int r = 0; r < 3; r++) {
						double vrp = v[r][p], vrq = v[r][q];
						v[r][p] = c * vrp - s * vrq;
						v[r][q] = s * vrp + c * vrq;
					}
				}
		}
		Integer[] order = { 0, 1, 2 };
		java.util.Arrays.sort(order, (x, y) -> Double.compare(a[x][x], a[y][y]));
		double[][] rows = new double[3][];
		for (int i = 0; i < 3; i++) {
			int col = order[i];
			rows[i] = new double[] { v[0][col], v[1][col], v[2][col] };
		}
		return rows;
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "macenko(io=%s, alpha=%s, beta=%s)", io, alpha, beta);
	}

	/** The fitted target for a stain profile ({@link StainProfile}): {@code vectors} (H then E, 6 numbers), {@code max_concentrations}. */
	public java.util.Map<String, double[]> exportTarget() {
		Stains t = target;
		if (t == null) throw new IllegalStateException("fit must be called before exportTarget");
		return java.util.Map.of("vectors", new double[] { t.vectors()[0][0], t.vectors()[0][1], t.vectors()[0][2], t.vectors()[1][0],
			t.vectors()[1][1], t.vectors()[1][2] }, "max_concentrations", t.maxConcentrations().clone());
	}

	/** Takes a target saved by {@link #exportTarget} instead of fitting. */
	public void importTarget(java.util.Map<String, double[]> saved) {
		double[] v = saved.get("vectors");
		target = new Stains(new double[][] { { v[0], v[1], v[2] }, { v[3], v[4], v[5] } }, saved.get("max_concentrations").clone());
	}
}
