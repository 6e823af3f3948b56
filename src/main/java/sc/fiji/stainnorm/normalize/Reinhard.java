package sc.fiji.stainnorm.normalize;

import java.util.List;
import java.util.Locale;

import sc.fiji.stainnorm.core.ColorSpaces;
import sc.fiji.stainnorm.core.FastMath;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.core.TissueMask;

/**
 * Reinhard et al. (2001) colour transfer: per channel, {@code out = (x − μ_source) · σ_target / σ_source + μ_target}
 * in a decorrelated colour space, Ruderman's lαβ (the paper's) or CIE L*a*b* (default). With {@code mask=true} the
 * means and standard deviations come from tissue pixels only ({@link TissueMask}), so that white background does
 * not skew them, and glass keeps its colour (tissue statistics applied to glass would tint it); without the mask
 * every pixel is transformed, as in the original method. Several references are pooled: the statistics are those
 * of all their (tissue) pixels together.
 * <p>
 * Options: {@code space=ruderman|cielab} (default cielab), {@code mask=true|false} (default false: the original
 * method, as in torchstain and the STST paper), {@code glass=transfer|keep|reference|anchor} (what becomes of glass, see
 * {@link Glass}; default {@code keep} with the mask, {@code anchor} without; {@code transfer} is the original method's).
 * Chosen by the cross-lab protocol (docs/results.md); see {@link #DEFAULT_GLASS}. The published reference setting is
 * {@code space=cielab,mask=false,glass=transfer}.
 */
public final class Reinhard implements StainNormalizer {

	public enum Space {
		/** Ruderman's lαβ, log-LMS decorrelated; the space of Reinhard et al. and of the STST paper. */
		RUDERMAN(1e-3),
		/** CIE L*a*b* (sRGB, D65). */
		CIELAB(0.25);

		/**
		 * Below this standard deviation a channel counts as constant (about a quarter of one gray level's step),
		 * so it is shifted but not stretched: dividing by it would blow noise up into colour.
		 */
		final double minStd;

		Space(double minStd) {
			this.minStd = minStd;
		}

		static Space parse(String text) {
			for (Space s : values())
				if (s.name().equalsIgnoreCase(text)) return s;
			throw new InvalidSettingException("Option space=" + text + " is not known; use space=ruderman or space=cielab");
		}

		void forward(int rgb, double[] out) {
			if (this == RUDERMAN) {
				Ruderman.forward(rgb, out);
				return;
			}
			double[] v = ColorSpaces.rgbToLab(RgbImage.red(rgb), RgbImage.green(rgb), RgbImage.blue(rgb));
			out[0] = v[0];
			out[1] = v[1];
			out[2] = v[2];
		}
	}

	/**
	 * lαβ without allocation, and the whole transfer folded into one affine map in log-LMS space, because lαβ is
	 * an orthonormal rotation of log LMS: {@code ln LMS' = Rᵀ D R · ln LMS + ln10 · Rᵀ (μ_t − D μ_s)}. Same numbers
	 * as {@link ColorSpaces#rgbToRuderman} / {@link ColorSpaces#rudermanToRgb}, about three times faster.
	 */
	static final class Ruderman {
		private static final double LN10 = Math.log(10);
		private static final double[][] TO_LMS = scaled(ColorSpaces.rgbToLmsMatrix(), 1 / 255.0);
		private static final double[][] TO_RGB = scaled(ColorSpaces.lmsToRgbMatrix(), 255);
		private static final double A = 1 / Math.sqrt(3), B = 1 / Math.sqrt(6), C = 1 / Math.sqrt(2);
		/** Rows: l, α, β as combinations of log L, log M, log S. */
		static final double[][] ROTATION = { { A, A, A }, { B, B, -2 * B }, { C, -C, 0 } };

		private Ruderman() {}

		private static double[][] scaled(double[][] m, double f) {
			double[][] r = new double[3][3];
			for (int i = 0; i < 3; i++)
				for (int j = 0; j < 3; j++)
					r[i][j] = m[i][j] * f;
			return r;
		}

		static void lnLms(int rgb, double[] out) {
			double r = RgbImage.red(rgb), g = RgbImage.green(rgb), b = RgbImage.blue(rgb);
			double[][] m = TO_LMS;
			out[0] = FastMath.ln(Math.max(m[0][0] * r + m[0][1] * g + m[0][2] * b, ColorSpaces.LMS_FLOOR));
			out[1] = FastMath.ln(Math.max(m[1][0] * r + m[1][1] * g + m[1][2] * b, ColorSpaces.LMS_FLOOR));
			out[2] = FastMath.ln(Math.max(m[2][0] * r + m[2][1] * g + m[2][2] * b, ColorSpaces.LMS_FLOOR));
		}

		static void forward(int rgb, double[] out) {
			lnLms(rgb, out);
			rotate(out);
		}

		/** ln LMS to lαβ, in place. */
		static void rotate(double[] out) {
			double l = out[0] / LN10, m = out[1] / LN10, s = out[2] / LN10;
			out[0] = A * (l + m + s);
			out[1] = B * (l + m - 2 * s);
			out[2] = C * (l - m);
		}

		/**
		 * The transfer as a pixel function; ln LMS from {@code lnCache} when given, else computed (and rounded to
		 * {@code float} like the cache's values when {@code roundToFloat}).
		 */
		static int[] transfer(int[] src, float[] lnCache, boolean roundToFloat, double[] sourceMean, double[] scale, double[] targetMean) {
			// affine map in lαβ: D x + (μt − D μs); conjugate it by the rotation into ln-LMS space
			double[][] a = new double[3][3];
			double[] c = new double[3];
			for (int i = 0; i < 3; i++) {
				for (int j = 0; j < 3; j++)
					for (int k = 0; k < 3; k++)
						a[i][j] += ROTATION[k][i] * scale[k] * ROTATION[k][j];
				for (int k = 0; k < 3; k++)
					c[i] += LN10 * ROTATION[k][i] * (targetMean[k] - scale[k] * sourceMean[k]);
			}
			double[][] o = TO_RGB;
			int[] dst = new int[src.length];
			double[] u = new double[3];
			for (int p = 0; p < src.length; p++) {
				if (lnCache == null) {
					lnLms(src[p], u);
					if (roundToFloat) {
						u[0] = (float) u[0];
						u[1] = (float) u[1];
						u[2] = (float) u[2];
					}
				}
				else {
					u[0] = lnCache[3 * p];
					u[1] = lnCache[3 * p + 1];
					u[2] = lnCache[3 * p + 2];
				}
				double l = FastMath.exp(a[0][0] * u[0] + a[0][1] * u[1] + a[0][2] * u[2] + c[0]);
				double m = FastMath.exp(a[1][0] * u[0] + a[1][1] * u[1] + a[1][2] * u[2] + c[1]);
				double s = FastMath.exp(a[2][0] * u[0] + a[2][1] * u[1] + a[2][2] * u[2] + c[2]);
				dst[p] = RgbImage.pack(RgbImage.toByte(o[0][0] * l + o[0][1] * m + o[0][2] * s),
					RgbImage.toByte(o[1][0] * l + o[1][1] * m + o[1][2] * s), RgbImage.toByte(o[2][0] * l + o[2][1] * m + o[2][2] * s));
			}
			return dst;
		}
	}

	/**
	 * What becomes of glass (bright, near-neutral pixels; a pixel fades between tissue and glass over a transition band,
	 * see {@link #glassWeight}). The mask decides which pixels shape the statistics; this decides how glass is mapped.
	 */
	public enum Glass {
		/** Transformed with the tissue, as in the original method (glass is tinted towards the reference's colours). */
		TRANSFER,
		/** Kept as it is: the input's glass. */
		KEEP,
		/**
		 * Drawn at the reference's glass level: every channel scaled by the reference's glass brightness over the source's
		 * (glass levels as Vahadane and Khan estimate them, {@link SlideBackground#intensity}; {@link #glassGain}), so the
		 * source's glass becomes as bright as the reference's and stays neutral glass, whatever the tissue statistics.
		 */
		REFERENCE,
		/**
		 * Transformed with the tissue, and the glass point anchored: where the transfer would take the source's glass
		 * colour (its {@link SlideBackground#intensity}) more than {@value Reinhard#ANCHOR_LIGHTNESS} L* away from the
		 * reference's glass brightness, or more than {@value Reinhard#ANCHOR_CHROMA} chroma units away from the glass's own
		 * colour, a correction brings it back to those limits (towards a reference that shows no glass: to the glass's own
		 * lightness and exactly its own colour); the correction is the same for every pixel of an image: its colour part in
		 * full at the source's glass lightness and fading to none over the {@value Reinhard#ANCHOR_RAMP} L* below it, its
		 * lightness part a gain (in proportion to L*, so black stays black), and both only for near-neutral pixels (fading
		 * to none {@value Reinhard#ANCHOR_RAMP} chroma units beyond glass's chroma, so pale pink tissue as light as the glass
		 * keeps the transfer's colour; {@link Reinhard#anchor}). So glass is never tinted nor
		 * darkened, and where the transfer already draws glass right
		 * (same-stain references) nothing changes: a per-pixel switch between tissue and glass mappings flattens the local
		 * contrast of pale tissue and glass edges (what costs {@code reference} its SSIM), a small constant shift does not.
		 */
		ANCHOR;

		static Glass parse(String text) {
			for (Glass g : values())
				if (g.name().equalsIgnoreCase(text)) return g;
			throw new InvalidSettingException("Option glass=" + text + " is not known; use glass=transfer, glass=keep, glass=reference or glass=anchor");
		}

		/** Whether it needs the source's and the reference's glass levels. */
		boolean usesGlassLevels() {
			return this == REFERENCE || this == ANCHOR;
		}

		String key() {
			return name().toLowerCase(Locale.ROOT);
		}

		/** Without a {@code glass} option: {@code keep} with the mask, {@link #DEFAULT_GLASS} ({@code anchor}) without. */
		static Glass defaultFor(boolean mask) {
			return mask ? KEEP : DEFAULT_GLASS;
		}

		/** The published method's: {@code transfer} without the mask ({@code keep} with it, the mask's purpose). */
		static Glass publishedFor(boolean mask) {
			return mask ? KEEP : TRANSFER;
		}
	}

	/** Per-channel mean and standard deviation in the method's colour space. */
	public record Statistics(double[] mean, double[] std, long pixels) {}

	/**
	 * The space and mask of the published reference setting (CIE L*a*b*, no mask: torchstain's Reinhard): on the cross-lab
	 * protocol (docs/results.md, same-slide references) no option set beats it clearly on the leave-one-group-out summary.
	 * Without the mask its glass is transformed with the tissue (a patch of 5% tissue gets its glass stained: luma 178
	 * instead of 246; 26.8% of the protocol's outputs had tinted glass); {@link #DEFAULT_GLASS} holds the glass point.
	 */
	public static final Space DEFAULT_SPACE = Space.CIELAB;
	public static final boolean DEFAULT_MASK = false;
	/**
	 * Without the mask: {@code anchor}, the reference setting's transfer with the glass point held (issue 12 item 4: glass
	 * never tinted). On the cross-lab protocol (docs/results.md) it tints and darkens no glass (the reference setting: 26.8% and
	 * 5.2% of the outputs) and is at least as good as the reference setting on every same-slide summary: moderate shifts
	 * 0.9769 / 29.52 dB against 0.9763 / 29.27, scanner-sized 0.9556 / 27.69 against 0.9555 / 27.60. {@code reference}
	 * lost SSIM (0.975 / 0.953) by switching pale pixels between two mappings; an anchor by lightness alone lost 0.0002
	 * SSIM on the scanner-sized shifts, by taking the colour of pale tissue that a strong shift makes as light as glass.
	 */
	public static final Glass DEFAULT_GLASS = Glass.ANCHOR;

	/** Up to this size (48 MB of cache) an image's log LMS values are kept between the two passes. */
	private static final int CACHE_PIXELS = 4 << 20;

	private final Space space;
	private final boolean mask;
	private final Glass glass;
	private Statistics target;
	/** The references' glass level per channel (mean of their {@link SlideBackground#intensity}), or null before {@link #fit}. */
	private double[] targetGlass;
	/** With {@code glass=anchor} and a target without a glass level (an older profile): the warning every output carries. */
	private String missingGlassLevel;

	public Reinhard(MethodOptions options) {
		this(options, Space.parse(options.getString("space", DEFAULT_SPACE.name().toLowerCase(Locale.ROOT))), options.getBoolean("mask", DEFAULT_MASK));
	}

	private Reinhard(MethodOptions options, Space space, boolean mask) {
		this(space, mask, Glass.parse(options.getString("glass", Glass.defaultFor(mask).key())));
	}

	/** The published method in {@code space} ({@code transfer}: glass transformed with the tissue), or with the mask ({@code keep}). */
	public Reinhard(Space space, boolean mask) {
		this(space, mask, Glass.publishedFor(mask));
	}

	public Reinhard(Space space, boolean mask, Glass glass) {
		this.space = space;
		this.mask = mask;
		this.glass = glass;
	}

	@Override
	public String name() {
		return "reinhard";
	}

	@Override
	public boolean needsReference() {
		return true;
	}

	public Space space() {
		return space;
	}

	public Glass glass() {
		return glass;
	}

	/** The pooled target statistics, or null before {@link #fit}. */
	public Statistics target() {
		return target;
	}

	@Override
	public void fit(List<RgbImage> references) {
		if (references.isEmpty()) throw new StainNormException("Reinhard needs at least one reference image");
		Accumulator pooled = new Accumulator();
		List<double[]> glassLevels = new java.util.ArrayList<>();
		for (int i = 0; i < references.size(); i++) {
			RgbImage ref = references.get(i);
			TissueMask.requireInReference(ref, i + 1);
			pooled.add(ref, space, mask);
			glassLevels.add(glassLevel(ref));
		}
		Statistics stats = pooled.statistics();
		for (int c = 0; c < 3; c++)
			if (stats.std()[c] < space.minStd)
				throw new StainNormException("The reference image" + (references.size() > 1 ? "s have" : " has")
					+ " (almost) no colour variation in " + space.name().toLowerCase(Locale.ROOT) + " channel " + c
					+ " (a gray or single-colour image?); choose a colour H&E reference");
		target = stats;
		targetGlass = SlideBackground.mean(glassLevels);
		missingGlassLevel = null;
	}

	/** An image's glass level per channel, as Vahadane and Khan estimate it (255 each when too little glass shows). */
	static double[] glassLevel(RgbImage image) {
		int[] p = image.pixels();
		return SlideBackground.intensity(p, glassGridStep(p), SlideBackground.DEFAULT_LUMINOSITY);
	}

	/** Whether the image shows glass, on the grid of {@link #glassLevel}. */
	static boolean showsGlass(RgbImage image) {
		int[] p = image.pixels();
		return SlideBackground.showsGlass(p, glassGridStep(p), SlideBackground.DEFAULT_LUMINOSITY);
	}

	/** The grid of glass candidates Vahadane and Khan use: about {@link Vahadane#MASK_CANDIDATES} pixels. */
	private static int glassGridStep(int[] p) {
		return Math.max(1, (int) Math.ceil(p.length / (double) Vahadane.MASK_CANDIDATES));
	}

	/** {@link #glassLevel}, or null when the image does not {@link #showsGlass} (one pass over the glass candidates). */
	static double[] shownGlassLevel(RgbImage image) {
		int[] p = image.pixels();
		return SlideBackground.measuredIntensity(p, glassGridStep(p), SlideBackground.DEFAULT_LUMINOSITY);
	}

	/** Mean and standard deviation of an image's pixels (tissue pixels only when {@code tissueOnly}). */
	public static Statistics statistics(RgbImage image, Space space, boolean tissueOnly) {
		Accumulator a = new Accumulator();
		a.add(image, space, tissueOnly);
		return a.statistics();
	}

	/**
	 * Reinhard's source model: the channel statistics of the samples in the method's space (of their tissue pixels with
	 * {@code mask=true}). {@code floatLogLms}: whether ln LMS values pass through {@code float} before the transfer, as
	 * {@link #normalize(RgbImage)} has always done for images it caches (up to {@value #CACHE_PIXELS} pixels, lαβ
	 * only), so that a model learned from one image applies exactly as that image's own normalization. {@code glassLevel}:
	 * the samples' glass level per channel ({@link SlideBackground#intensity}; with {@code glass=reference} only, else
	 * null), so that every tile of a slide maps its glass alike.
	 */
	public record Source(Space space, boolean mask, Glass glass, Statistics statistics, double[] glassLevel, boolean floatLogLms, List<String> warnings)
		implements SourceModel {
		public Source {
			warnings = List.copyOf(warnings);
			if (glass.usesGlassLevels() != (glassLevel != null) && !(glass == Glass.ANCHOR && glassLevel == null))
				throw new IllegalArgumentException("a glass level belongs to glass=reference and glass=anchor (null there: no glass seen), and only to them");
		}

		@Override
		public String describe() {
			double[] m = statistics.mean(), s = statistics.std();
			return String.format(Locale.ROOT, "reinhard %s%s: mean (%.3f, %.3f, %.3f), std (%.3f, %.3f, %.3f) over %d pixels",
				space.name().toLowerCase(Locale.ROOT), mask ? " (tissue)" : "", m[0], m[1], m[2], s[0], s[1], s[2], statistics.pixels())
				+ (glassLevel == null ? glass == Glass.ANCHOR ? ", no glass" : "" : String.format(Locale.ROOT, ", glass (%.1f, %.1f, %.1f)", glassLevel[0], glassLevel[1], glassLevel[2]));
		}
	}

	/** A source model, or why the image gives none. */
	private record Learned(Source source, String problem) {}

	@Override
	public Normalized normalize(RgbImage source) {
		requireFit();
		long tissue = TissueMask.count(source);
		if (!TissueMask.enough(tissue, source.pixelCount())) return Normalized.unchanged(source, noTissue(tissue, source) + ": returned unchanged");
		// log LMS of every pixel is needed twice (statistics, transfer): keep it unless the image is huge
		float[] lnCache = space == Space.RUDERMAN && source.pixelCount() <= CACHE_PIXELS ? new float[3 * source.pixelCount()] : null;
		// so is CIE L*a*b* (in double: the transfer then sees the very values it would compute)
		double[] labCache = space == Space.CIELAB && source.pixelCount() <= CACHE_PIXELS ? new double[3 * source.pixelCount()] : null;
		Learned learned = learn(source, lnCache, labCache);
		if (learned.problem() != null) return Normalized.unchanged(source, learned.problem() + ": returned unchanged");
		return new Normalized(apply(learned.source(), source, lnCache, labCache), withGlassWarning(learned.source().warnings()));
	}

	/** The warnings, and that the glass brightness is not anchored when the target has no glass level. */
	private List<String> withGlassWarning(List<String> warnings) {
		if (missingGlassLevel == null) return warnings;
		List<String> all = new java.util.ArrayList<>(warnings);
		all.add(missingGlassLevel);
		return all;
	}

	@Override
	public SourceModel learnSource(List<RgbImage> samples) {
		RgbImage pooled = SourceModels.pooled(samples);
		long tissue = TissueMask.count(pooled);
		if (!TissueMask.enough(tissue, pooled.pixelCount()))
			throw new StainNormException("Cannot learn the source colours: " + noTissue(tissue, pooled));
		Learned learned = learn(pooled, null, null);
		if (learned.problem() != null) throw new StainNormException("Cannot learn the source colours: " + learned.problem());
		return learned.source();
	}

	/**
	 * Under a source model: {@code true}, for every option set: the transfer (either space) and the glass blending read
	 * each pixel's colour only; the mask shapes the model's statistics, not the transfer.
	 */
	@Override
	public boolean isPixelwise(SourceModel source) {
		return source != SourceModel.NONE;
	}

	@Override
	public Normalized normalize(SourceModel model, RgbImage tile) {
		requireFit();
		if (model == SourceModel.NONE) return normalize(tile); // no slide model: each tile estimated on its own, as before
		Source s = SourceModels.expect(model, Source.class, this);
		if (s.space() != space || s.mask() != mask || s.glass() != glass)
			throw new IllegalArgumentException("A reinhard source model learned with space=" + s.space().name().toLowerCase(Locale.ROOT) + ",mask="
				+ s.mask() + ",glass=" + s.glass().key() + " cannot be applied with space=" + space.name().toLowerCase(Locale.ROOT) + ",mask=" + mask
				+ ",glass=" + glass.key());
		return new Normalized(apply(s, tile, null, null), withGlassWarning(List.of()));
	}

	private static String noTissue(long tissue, RgbImage image) {
		return "no tissue found (" + TissueMask.describe(tissue, image.pixelCount()) + " darker than background)";
	}

	private void requireFit() {
		if (target == null) throw new IllegalStateException("fit must be called before normalize");
	}

	/**
	 * @param lnCache if not null, receives the image's ln LMS values for {@link #apply} (lαβ only)
	 * @param labCache if not null, receives the image's L*a*b* values for {@link #apply} (CIE L*a*b* only)
	 */
	private Learned learn(RgbImage image, float[] lnCache, double[] labCache) {
		Accumulator acc = new Accumulator();
		acc.add(image, space, mask, lnCache, labCache);
		Statistics s = acc.statistics();
		int constant = 0;
		for (int c = 0; c < 3; c++)
			if (s.std()[c] < space.minStd) constant++;
		if (constant == 3) return new Learned(null, "the image has a single colour");
		List<String> warnings = constant == 0 ? List.of()
			: List.of("the image has almost no colour variation (grayscale?): its colour was shifted to the reference's mean, not stretched");
		// glass=anchor holds the glass point of an image that shows glass; a patch covered by tissue has none to hold
		double[] level = glass == Glass.REFERENCE ? glassLevel(image) : glass == Glass.ANCHOR ? shownGlassLevel(image) : null;
		return new Learned(new Source(space, mask, glass, s, level,
			space == Space.RUDERMAN && image.pixelCount() <= CACHE_PIXELS, warnings), null);
	}

	/** The transfer of every pixel; {@code lnCache} / {@code labCache}, when not null, hold the image's ln LMS / L*a*b* values. */
	private RgbImage apply(Source source, RgbImage image, float[] lnCache, double[] labCache) {
		Statistics s = source.statistics(), t = target;
		double[] scale = scale(s);
		Anchor anchor = anchorFor(source);
		int[] dst = space == Space.RUDERMAN ? Ruderman.transfer(image.pixels(), lnCache, source.floatLogLms(), s.mean(), scale, t.mean())
			: transferLab(image.pixels(), labCache, s.mean(), scale, t.mean(), anchor);
		if (anchor != null && space == Space.RUDERMAN) anchor.applyTo(image.pixels(), dst);
		if (glass == Glass.KEEP) drawGlass(image.pixels(), dst, null);
		else if (glass == Glass.REFERENCE) drawGlass(image.pixels(), dst, glassGain(source.glassLevel(), targetGlass));
		return RgbImage.wrap(image.width(), image.height(), dst);
	}

	/** Per channel σ_target / σ_source (1 for a channel the source holds constant). */
	private double[] scale(Statistics s) {
		double[] scale = new double[3];
		for (int c = 0; c < 3; c++)
			scale[c] = s.std()[c] < space.minStd ? 1 : target.std()[c] / s.std()[c];
		return scale;
	}

	/** The glass correction of {@code source} under {@code glass=anchor}, or null (another glass option, or a source without glass). */
	Anchor anchorFor(Source source) {
		if (glass != Glass.ANCHOR || source.glassLevel() == null) return null;
		Statistics s = source.statistics();
		return anchor(source.glassLevel(), targetGlass, s.mean(), scale(s), target.mean());
	}

	/**
	 * Tissue statistics (with the mask, or the reference's whole-image ones) applied to glass tint it (a kidney section's
	 * glass (243, 242, 243) became (255, 254, 218)). Glass, i.e. bright and near-neutral pixels (CIE L* from
	 * {@value #GLASS_L_FROM} up, chroma up to {@value #GLASS_CHROMA_TO}: where {@link SlideBackground} looks for glass),
	 * is therefore drawn as glass: its input colour ({@code gain} null, {@code glass=keep}) or each channel times
	 * {@code gain} ({@link #glassGain}: at the reference's glass brightness, {@code glass=reference}). A pixel fades from the
	 * transfer to that over {@value #GLASS_L_RAMP} L* and {@value #GLASS_CHROMA_RAMP} chroma units ({@link #glassWeight}),
	 * so that no edge appears where tissue meets glass. Darker or coloured pixels are transferred as before. Pixel-wise,
	 * so the tiles of a slide stay seamless.
	 */
	private static void drawGlass(int[] src, int[] dst, Double gain) {
		for (int i = 0; i < src.length; i++) {
			int p = src[i];
			double w = glassWeight(p);
			if (w <= 0) continue;
			int q = dst[i];
			int r = RgbImage.red(p), g = RgbImage.green(p), b = RgbImage.blue(p);
			if (gain != null) {
				r = RgbImage.toByte(r * gain);
				g = RgbImage.toByte(g * gain);
				b = RgbImage.toByte(b * gain);
			}
			dst[i] = RgbImage.pack(blend(RgbImage.red(q), r, w), blend(RgbImage.green(q), g, w), blend(RgbImage.blue(q), b, w));
		}
	}

	/**
	 * The one factor of every channel that brings the source's glass to the reference's glass brightness (ITU-601 luma of
	 * the two glass levels): one factor for all channels keeps the input's own near-neutral colour, so the glass takes the
	 * reference's level and is never tinted, not even towards a reference whose glass is tinted (a camera's cyan-grey).
	 */
	static double glassGain(double[] sourceGlass, double[] targetGlass) {
		return luma(targetGlass) / luma(sourceGlass);
	}

	/** {@link ColorSpaces#luma} of a glass level (non-integer channels). */
	private static double luma(double[] rgb) {
		return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
	}

	/** How much of glass a pixel is: 1 for bright near-neutral glass, 0 for tissue, linear over the transition band. */
	static double glassWeight(int p) {
		if (Math.min(RgbImage.red(p), Math.min(RgbImage.green(p), RgbImage.blue(p))) < MIN_GLASS_CHANNEL) return 0;
		double[] lab = ColorSpaces.rgbToLab(RgbImage.red(p), RgbImage.green(p), RgbImage.blue(p));
		return ramp((lab[0] - GLASS_L_FROM) / GLASS_L_RAMP) * ramp((GLASS_CHROMA_TO - Math.hypot(lab[1], lab[2])) / GLASS_CHROMA_RAMP);
	}

	/** Where glass begins: {@link SlideBackground}'s tissue/glass limits (L* 100 · its luminosity, its glass chroma). */
	static final double GLASS_L_FROM = 100 * SlideBackground.DEFAULT_LUMINOSITY, GLASS_L_RAMP = 6, GLASS_CHROMA_TO = SlideBackground.GLASS_CHROMA,
		GLASS_CHROMA_RAMP = 4;
	/** No channel of a pixel at L* 80 or more is below this: a cheap pre-test that skips tissue. */
	private static final int MIN_GLASS_CHANNEL = 150;

	private static double ramp(double x) {
		return x <= 0 ? 0 : x >= 1 ? 1 : x;
	}

	private static int blend(int transferred, int input, double w) {
		return (int) Math.round(transferred + w * (input - transferred));
	}

	private static int[] transferLab(int[] src, double[] labCache, double[] sourceMean, double[] scale, double[] targetMean, Anchor anchor) {
		int[] dst = new int[src.length];
		double[] v = new double[3], shares = new double[2];
		for (int i = 0; i < src.length; i++) {
			if (labCache == null) Space.CIELAB.forward(src[i], v);
			else System.arraycopy(labCache, 3 * i, v, 0, 3);
			if (anchor != null) anchor.shares(v, shares); // without an anchor they stay 0
			double f = shares[0], fl = shares[1];
			dst[i] = f == 0 && fl == 0 ? ColorSpaces.labToPackedRgb((v[0] - sourceMean[0]) * scale[0] + targetMean[0],
				(v[1] - sourceMean[1]) * scale[1] + targetMean[1], (v[2] - sourceMean[2]) * scale[2] + targetMean[2])
				: ColorSpaces.labToPackedRgb((v[0] - sourceMean[0]) * scale[0] + targetMean[0] + fl * anchor.shift[0],
					(v[1] - sourceMean[1]) * scale[1] + targetMean[1] + f * anchor.shift[1], (v[2] - sourceMean[2]) * scale[2] + targetMean[2] + f * anchor.shift[2]);
		}
		return dst;
	}

	/**
	 * {@code glass=anchor}: the transfer moves the source's glass colour off the reference's glass brightness by up to
	 * this many L* before it is corrected (smaller shifts are left alone: correcting them changes the contrast of pale
	 * tissue more than it gains). Chosen on the cross-lab protocol with the gain of {@link Anchor#shareL}: at 4, the real
	 * scanner pairs keep glass 3 to 4 L* darker than the other scanner shows it (SSIM 0.8528 against the reference setting's
	 * 0.8539); at 2 every summary is at least the reference setting's; at 1.5 the strong shifts fall below it (0.95542
	 * against 0.95547)...
	 */
	static final double ANCHOR_LIGHTNESS = 2;
	/** ...and off the glass's own a*, b* by up to this chroma (the damage checks flag glass 6 chroma units more tinted)... */
	static final double ANCHOR_CHROMA = 4;
	/** ...and the correction fades from full at the source's glass lightness to none this many L* below it... */
	static final double ANCHOR_RAMP = 20;
	/**
	 * ...except that a colour correction of more than this chroma (a reference of another lab tinting glass by 20 to 45
	 * units) is held in full down to {@code correction − }{@value} L* below the glass lightness (at most
	 * {@value #ANCHOR_HOLD_MAX}) before it fades: the glass of a slide spans several L* below its brightest level, and a
	 * fading correction that large would leave that glass tinted. Smaller corrections (same-stain references) fade at once.
	 */
	static final double ANCHOR_HOLD_FROM = 18, ANCHOR_HOLD_MAX = 10;

	/**
	 * The glass correction of one source image: {@code shift} (L*, a*, b*) added in full to pixels at or above the source's
	 * glass lightness {@code glassL}; below it, the colour part linearly less down to {@code glassL − }{@value #ANCHOR_RAMP},
	 * nothing below (held longer when it is large, {@link #ANCHOR_HOLD_FROM}), the lightness part in proportion to L*
	 * ({@link #shareL}); and only to near-neutral pixels, as glass is ({@link #nearness}). A function of the pixel alone, so
	 * the tiles of a slide stay seamless.
	 */
	static final class Anchor {
		final double[] shift;
		final double glassL;
		/** How far below {@code glassL} the colour correction stays in full. */
		private final double hold;
		/** Luminance Y below which {@link #share} is 0: a cheap pre-test (0 when the lightness is corrected: its gain reaches every pixel). */
		private final double minY;

		Anchor(double[] shift, double glassL) {
			this.shift = shift;
			this.glassL = glassL;
			this.hold = Math.min(ANCHOR_HOLD_MAX, Math.max(0, Math.hypot(shift[1], shift[2]) - ANCHOR_HOLD_FROM));
			this.minY = shift[0] != 0 ? 0 : SlideBackground.tissueLuminance(Math.max(0, glassL - hold - ANCHOR_RAMP) / 100);
		}

		boolean none() {
			return shift[0] == 0 && shift[1] == 0 && shift[2] == 0;
		}

		/**
		 * How much of glass a source pixel {@code lab} is by its colour: 1 up to the chroma of glass ({@link #GLASS_CHROMA_TO},
		 * where {@link SlideBackground} looks for glass), linearly less to 0 over the next {@value #ANCHOR_RAMP} units. Tissue
		 * can be as light as the glass (a strong stain shift brightens eosin-pale tissue to the glass's lightness; the
		 * brightest tissue of a dense patch is taken for glass); corrected like glass, pale pink or purple tissue would lose
		 * its colour (and its contrast), so only the near-neutral pixels take the correction.
		 */
		double nearness(double[] lab) {
			return none() ? 0 : ramp(1 - Math.max(0, Math.sqrt(lab[1] * lab[1] + lab[2] * lab[2]) - GLASS_CHROMA_TO) / ANCHOR_RAMP);
		}

		/**
		 * The shares of the colour and of the lightness correction for a source pixel {@code lab}, into {@code out}: its
		 * {@link #share} and {@link #shareL} times its {@link #nearness}, which is computed only for pixels light enough to
		 * take either (the rest of the tissue, on the per-pixel path, is spared its chroma).
		 */
		void shares(double[] lab, double[] out) {
			double colour = share(lab[0]), lightness = shareL(lab[0]);
			double near = colour == 0 && lightness == 0 ? 0 : nearness(lab);
			out[0] = near * colour;
			out[1] = near * lightness;
		}

		/** The share of the colour correction for a pixel of lightness {@code l} (of the source), before its {@link #nearness}. */
		double share(double l) {
			return none() ? 0 : ramp((l - (glassL - hold - ANCHOR_RAMP)) / ANCHOR_RAMP);
		}

		/**
		 * The share of the lightness correction for a pixel of lightness {@code l} (of the source), before its
		 * {@link #nearness}: {@code l / glassL}, a gain. On the cross-lab protocol a correction fading over the
		 * {@value #ANCHOR_RAMP} L* below the glass (as the colour part does) steepened pale tissue's lightness and cost SSIM
		 * (strong shifts 0.9553 against the reference setting's 0.9555 at {@link #ANCHOR_LIGHTNESS} 2); the gain spreads the
		 * same correction over the whole lightness range (0.9556).
		 */
		double shareL(double l) {
			return shift[0] == 0 ? 0 : ramp(l / glassL);
		}

		/** Adds the correction to transferred pixels {@code dst} (those of spaces other than L*a*b*), by their source's lightness. */
		void applyTo(int[] src, int[] dst) {
			if (none()) return;
			double[] shares = new double[2];
			for (int i = 0; i < src.length; i++) {
				if (SlideBackground.luminance(src[i]) < minY) continue;
				shares(ColorSpaces.rgbToLab(RgbImage.red(src[i]), RgbImage.green(src[i]), RgbImage.blue(src[i])), shares);
				double f = shares[0], fl = shares[1];
				if (f == 0 && fl == 0) continue;
				int q = dst[i];
				double[] v = ColorSpaces.rgbToLab(RgbImage.red(q), RgbImage.green(q), RgbImage.blue(q));
				dst[i] = ColorSpaces.labToPackedRgb(v[0] + fl * shift[0], v[1] + f * shift[1], v[2] + f * shift[2]);
			}
		}
	}

	/**
	 * Where the transfer takes the source's glass colour (in L*a*b*, before rounding), and the smallest shift that brings it
	 * within {@value #ANCHOR_LIGHTNESS} L* of the reference's glass lightness and within {@value #ANCHOR_CHROMA} of the source
	 * glass's own a*, b* (never towards the reference's glass tint: a camera's cyan-grey stays the camera's). A reference
	 * that shows no glass (its level the 255 stand-in, {@link SlideBackground#intensity}) tells neither the glass's brightness
	 * (pulling the source's glass to white made white blotches of the pale tissue a dense patch takes for glass, glioblastoma
	 * tiles 34 and 39) nor which small colour moves follow the stains: the glass is then held within
	 * {@value #ANCHOR_LIGHTNESS} L* of its own lightness, in exactly its own colour. Without the reference's glass level (a
	 * profile of an older version) only the colour is anchored.
	 */
	Anchor anchor(double[] sourceGlass, double[] referenceGlass, double[] sourceMean, double[] scale, double[] targetMean) {
		double[] g = ColorSpaces.rgbToLab(sourceGlass[0], sourceGlass[1], sourceGlass[2]), moved = new double[3];
		if (space == Space.CIELAB) for (int c = 0; c < 3; c++)
			moved[c] = (g[c] - sourceMean[c]) * scale[c] + targetMean[c];
		else {
			double[] v = ColorSpaces.rgbToRuderman(sourceGlass[0], sourceGlass[1], sourceGlass[2]);
			for (int c = 0; c < 3; c++)
				v[c] = (v[c] - sourceMean[c]) * scale[c] + targetMean[c];
			double[] rgb = ColorSpaces.rudermanToRgb(v[0], v[1], v[2]);
			moved = ColorSpaces.rgbToLab(rgb[0], rgb[1], rgb[2]);
		}
		double[] shift = new double[3];
		// a reference that shows no glass (its level the 255 stand-in) tells neither how bright glass is nor which small
		// moves of its colour follow the stains: the glass keeps its own lightness, and its own colour exactly
		boolean noGlassShown = referenceGlass != null && java.util.Arrays.equals(referenceGlass, SlideBackground.WHITE);
		if (referenceGlass != null) {
			double dl = (noGlassShown ? g[0] : ColorSpaces.rgbToLab(referenceGlass[0], referenceGlass[1], referenceGlass[2])[0]) - moved[0];
			shift[0] = Math.signum(dl) * Math.max(0, Math.abs(dl) - ANCHOR_LIGHTNESS);
		}
		double da = g[1] - moved[1], db = g[2] - moved[2], off = Math.hypot(da, db), tolerance = noGlassShown ? 0 : ANCHOR_CHROMA;
		if (off > tolerance) {
			shift[1] = da * (off - tolerance) / off;
			shift[2] = db * (off - tolerance) / off;
		}
		return new Anchor(shift, g[0]);
	}

	/** Running sums in double; values are small (|x| < 200), so sum of squares loses nothing that matters. */
	private static final class Accumulator {
		final double[] sum = new double[3], sumSq = new double[3];
		long n;

		void add(RgbImage image, Space space, boolean tissueOnly) {
			add(image, space, tissueOnly, null, null);
		}

		/** @param lnCache if not null, receives ln L, ln M, ln S of every pixel (Ruderman space only) */
		void add(RgbImage image, Space space, boolean tissueOnly, float[] lnCache, double[] labCache) {
			double[] v = new double[3];
			int[] px = image.pixels();
			for (int i = 0; i < px.length; i++) {
				int rgb = px[i];
				if (lnCache != null) {
					Ruderman.lnLms(rgb, v);
					lnCache[3 * i] = (float) v[0];
					lnCache[3 * i + 1] = (float) v[1];
					lnCache[3 * i + 2] = (float) v[2];
					if (tissueOnly && !TissueMask.isTissue(rgb)) continue;
					Ruderman.rotate(v);
				}
				else if (labCache != null) {
					space.forward(rgb, v);
					System.arraycopy(v, 0, labCache, 3 * i, 3);
					if (tissueOnly && !TissueMask.isTissue(rgb)) continue;
				}
				else {
					if (tissueOnly && !TissueMask.isTissue(rgb)) continue;
					space.forward(rgb, v);
				}
				for (int c = 0; c < 3; c++) {
					sum[c] += v[c];
					sumSq[c] += v[c] * v[c];
				}
				n++;
			}
		}

		Statistics statistics() {
			double[] mean = new double[3], std = new double[3];
			for (int c = 0; c < 3; c++) {
				mean[c] = n == 0 ? 0 : sum[c] / n;
				std[c] = n == 0 ? 0 : Math.sqrt(Math.max(0, sumSq[c] / n - mean[c] * mean[c]));
			}
			return new Statistics(mean, std, n);
		}
	}

	/**
	 * The fitted target for a stain profile ({@link StainProfile}): {@code mean}, {@code std} (3 each), {@code pixels}, and
	 * {@code glass} (3, the references' glass level; profiles made before {@code glass=reference} existed lack it).
	 */
	public java.util.Map<String, double[]> exportTarget() {
		if (target == null) throw new IllegalStateException("fit must be called before exportTarget");
		java.util.Map<String, double[]> t = new java.util.HashMap<>(
			java.util.Map.of("mean", target.mean().clone(), "std", target.std().clone(), "pixels", new double[] { target.pixels() }));
		if (targetGlass != null) t.put("glass", targetGlass.clone()); // null: loaded from an older profile
		return java.util.Map.copyOf(t);
	}

	/**
	 * Takes a target saved by {@link #exportTarget} instead of fitting; the shapes are checked by {@link StainProfile}. A
	 * target without {@code glass} (an older profile) cannot draw the reference's glass: refused with {@code glass=reference}.
	 */
	public void importTarget(java.util.Map<String, double[]> saved) {
		importTarget(saved, "the profile");
	}

	/**
	 * As {@link #importTarget(java.util.Map)}; {@code origin} names the profile in messages. With {@code glass=anchor} a
	 * target without {@code glass} anchors the glass colour only, and every output warns that its brightness is not.
	 */
	public void importTarget(java.util.Map<String, double[]> saved, String origin) {
		double[] g = saved.get("glass");
		if (g == null && glass == Glass.REFERENCE)
			throw new StainNormException("the profile has no glass level (made by an older version): glass=reference needs one; make the profile again");
		target = new Statistics(saved.get("mean").clone(), saved.get("std").clone(), (long) saved.get("pixels")[0]);
		targetGlass = g == null ? null : g.clone();
		missingGlassLevel = g == null && glass == Glass.ANCHOR ? origin + " has no glass level (made by an older version): glass kept untinted but not "
			+ "brought to the reference's glass brightness; make the profile again" : null;
	}
}
