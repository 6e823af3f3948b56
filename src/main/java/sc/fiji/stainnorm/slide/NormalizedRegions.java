package sc.fiji.stainnorm.slide;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.TissueMask;
import sc.fiji.stainnorm.normalize.ColourMemo;
import sc.fiji.stainnorm.normalize.Normalized;
import sc.fiji.stainnorm.normalize.SourceModel;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.stst.Stst;
import sc.fiji.stainnorm.stst.StstRegions;

/**
 * A slide, normalized region by region with ONE source model learned for the whole slide: every region gets the same
 * colour transform, so regions meet without seams. Pixel-wise methods (Reinhard, Macenko, Khan, Vahadane) re-colour
 * each region on its own; STST computes each region from the blended generator tiles and guided-filter halo around it
 * ({@link Stst#normalizeRegion}), sharing the generator tiles that neighbouring regions need among them ({@link StstRegions}: each
 * computed once while in its bounded cache). Regions without tissue ({@link TissueMask#enough}) are drawn with the same model,
 * like the glass inside their neighbours (a copied glass region would leave a step where it meets a tissue region),
 * and counted.
 * Thread-safe; each region is computed when read and not kept (wrap it in {@link CellImages#cellImg} for a cache).
 */
public final class NormalizedRegions implements RegionSource {
	private final RegionSource slide;
	private final StainNormalizer normalizer;
	private final SourceModel source;
	/** Pixel-wise methods: their exact colour memo (a slide's tiles share few colours); null for STST. */
	private final ColourMemo memo;
	private final Consumer<String> warnings;
	/** STST's regions with their shared generator tiles; null for the pixel-wise methods. */
	private final StstRegions stst;
	private final AtomicLong glass = new AtomicLong(), normalized = new AtomicLong();

	public NormalizedRegions(RegionSource slide, StainNormalizer normalizer, SourceModel source) {
		this(slide, normalizer, source, w -> {});
	}

	/**
	 * @param warnings gets each warning of a region's normalization, prefixed with the region ("region 512,0 512x512: ...")
	 */
	public NormalizedRegions(RegionSource slide, StainNormalizer normalizer, SourceModel source, Consumer<String> warnings) {
		this.slide = Objects.requireNonNull(slide);
		this.normalizer = Objects.requireNonNull(normalizer);
		this.source = Objects.requireNonNull(source);
		this.warnings = Objects.requireNonNull(warnings);
		this.memo = ColourMemo.ifPixelwise(normalizer, source);
		this.stst = normalizer instanceof Stst s ? s.regions(slide, source) : null;
	}

	@Override
	public long width() {
		return slide.width();
	}

	@Override
	public long height() {
		return slide.height();
	}

	@Override
	public PixelSize pixelSize() {
		return slide.pixelSize();
	}

	@Override
	public RgbImage read(long x, long y, int width, int height) throws IOException {
		RgbImage region = slide.read(x, y, width, height);
		if (!TissueMask.enough(TissueMask.count(region), region.pixelCount())) glass.incrementAndGet();
		normalized.incrementAndGet();
		if (stst != null) return stst.read(x, y, width, height);
		Normalized result = memo != null ? memo.normalize(region) : normalizer.normalize(source, region);
		for (String w : result.warnings()) warnings.accept("region " + x + "," + y + " " + width + "x" + height + ": " + w);
		return result.image();
	}

	/** Of the regions normalized so far, those that showed no tissue. */
	public long glassRegions() {
		return glass.get();
	}

	/** Regions normalized so far (glass regions included). */
	public long normalizedRegions() {
		return normalized.get();
	}

	/** STST's regions (their generator tiles counted), or null for the pixel-wise methods. */
	public StstRegions ststRegions() {
		return stst;
	}

	public StainNormalizer normalizer() {
		return normalizer;
	}

	public SourceModel sourceModel() {
		return source;
	}
}
