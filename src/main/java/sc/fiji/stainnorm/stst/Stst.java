package sc.fiji.stainnorm.stst;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import sc.fiji.stainnorm.core.GuidedFilter;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Normalized;
import sc.fiji.stainnorm.normalize.SourceModel;
import sc.fiji.stainnorm.normalize.SourceModels;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.slide.RegionSource;

/**
 * STST stain-to-stain translation: a pix2pix generator re-colours the ITU-601 grayscale of any H&E image in
 * the one stain style it was trained on, so it needs no reference image. Large images are processed as
 * overlapping tiles in batches and cross-faded (see {@link Tiler}).
 * <p>
 * Options: {@code model=PATH} (default: the bundled model), {@code tile=N} (default: the model's patch size;
 * a multiple of its granularity), {@code overlap=N} (default tile/4), {@code batch=N} tiles per TensorFlow
 * call (default 8), {@code dropout=false} (true keeps the paper's test-time dropout: outputs then vary with
 * {@code seed=N}), {@code keep_structure=true}, {@code structure_radius=24}, {@code structure_eps=1}.
 * <p>
 * The generator sees only gray, so it cannot know the fine structure that lives in single colour channels
 * (the haematoxylin detail of the red channel) and redraws texture. With {@code keep_structure=true} (the
 * default) each output channel is passed through a {@link GuidedFilter} guided by the same channel of the
 * input: STST's colours (local means and contrasts over windows of radius {@code structure_radius}) on the
 * input's own structure; {@code structure_eps} (squared grey levels) is the filter's ridge, larger values smooth
 * more. Radius and ridge were chosen on training tiles, never on the bundled model's held-out tiles (see
 * {@code docs/stst-default-model/experiments.md}): windows this wide average away the generator's redrawn texture,
 * so what STST contributes is each channel's local level and contrast. {@code keep_structure=false} returns the generator's output
 * as in the paper.
 */
public final class Stst implements StainNormalizer {
	private static final Map<String, Loaded> CACHE = new ConcurrentHashMap<>();
	private static final java.util.concurrent.atomic.AtomicBoolean LOGGED_DEVICE = new java.util.concurrent.atomic.AtomicBoolean();

	/**
	 * keep_structure's defaults, chosen on training tiles only (docs/stst-default-model/experiments.md, "keep_structure
	 * for every tile"): the largest worst-tile SSIM gain over the unnormalized input across three training-tile protocols.
	 */
	static final int DEFAULT_STRUCTURE_RADIUS = 24;
	static final double DEFAULT_STRUCTURE_EPS = 1;

	private final String modelOption;
	private final int tileOption, overlapOption, batch, structureRadius;
	private final boolean dropout;
	private final long seed;
	private final double structureEps;
	private volatile Loaded loaded;

	private record Loaded(StstModel model, StstEngine.Generator generator) {}

	public Stst(MethodOptions options) {
		modelOption = options.getString("model", null);
		tileOption = options.getInt("tile", 0);
		overlapOption = options.getInt("overlap", -1);
		batch = options.getInt("batch", 8);
		dropout = options.getBoolean("dropout", false);
		int radius = options.getInt("structure_radius", DEFAULT_STRUCTURE_RADIUS);
		boolean keepStructure = options.getBoolean("keep_structure", true);
		structureRadius = keepStructure ? radius : 0;
		structureEps = options.getDouble("structure_eps", DEFAULT_STRUCTURE_EPS);
		seed = options.getInt("seed", 0);
		if (tileOption < 0) throw new InvalidSettingException("Option tile=" + tileOption + " must be positive");
		if (batch < 1 || batch > 256) throw new InvalidSettingException("Option batch=" + batch + " must be 1..256");
		if (radius < 1 || radius > 256) throw new InvalidSettingException("Option structure_radius=" + radius + " must be 1..256");
		if (!(structureEps > 0) || Double.isInfinite(structureEps)) throw new InvalidSettingException("Option structure_eps=" + structureEps + " must be positive");
		if (modelOption != null && !Files.isRegularFile(Path.of(modelOption))) {
			String why = sc.fiji.stainnorm.core.PathChecks.notRegularFileReason(Path.of(modelOption));
			throw new StainNormException("Model file " + modelOption + ("not found".equals(why) || why == null ? " does not exist" : " is " + why + ", not a regular file"));
		}
	}

	public Stst() {
		this(MethodOptions.none());
	}

	/**
	 * For dialogs: whose style the bundled model paints and that STST warns on other styles, e.g. "The bundled
	 * model paints the style of H&E glioblastoma tiles (...); ...".
	 */
	public static String bundledStyleNote() {
		java.util.Properties meta = StstModel.bundledMetadata();
		String what = meta == null ? null : meta.getProperty("trainingDescription");
		return "The bundled model paints one lab's style" + (what == null || what.isBlank() ? "" : " (" + what + ")")
			+ ".\nOn images far from a model's training style STST warns: train one on your target style (" + TRAIN_COMMAND + ").";
	}

	/** The Fiji command that trains a model, named in notes (fiji.TrainStstCommand.LABEL; this core cannot see it). */
	static final String TRAIN_COMMAND = "Train STST Model";

	@Override
	public String name() {
		return "stst";
	}

	@Override
	public boolean needsReference() {
		return false;
	}

	@Override
	public boolean acceptsGrayscale() {
		return true;
	}

	/** Ignores the references (the style lives in the model) but loads the model, so errors come early. */
	@Override
	public void fit(List<RgbImage> references) {
		load();
	}

	/** The model in use (loads it on first call). */
	public StstModel model() {
		return load().model;
	}

	private Loaded load() {
		Loaded l = loaded;
		if (l != null) return l;
		synchronized (this) {
			if (loaded == null) {
				String key;
				if (modelOption == null) key = "bundled";
				else {
					Path p = Path.of(modelOption).toAbsolutePath().normalize();
					try {
						key = p + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis();
					}
					catch (java.io.IOException e) {
						throw new StainNormException("Cannot read model file " + modelOption + ": " + e.getMessage());
					}
				}
				key += dropout ? "|dropout" : "";
				loaded = CACHE.computeIfAbsent(key, k -> {
					StstModel m = modelOption == null ? StstModel.bundled() : StstModel.read(Path.of(modelOption));
					StstEngine engine = EngineLoader.engine();
					if (LOGGED_DEVICE.compareAndSet(false, true)) System.err.println("STST: " + engine.describe());
					return new Loaded(m, engine.generator(m.spec(), m.weights(), dropout, 0));
				});
				int g = loaded.model.spec().granularity();
				int tile = tile();
				if (tile % g != 0) throw new InvalidSettingException("Option tile=" + tile + " must be a multiple of " + g + " for this model");
				if (overlap() < 0 || overlap() >= tile / 2 + 1)
					throw new InvalidSettingException("Option overlap=" + overlap() + " must be between 0 and half the tile (" + tile / 2 + ")");
			}
			return loaded;
		}
	}

	private int tile() {
		return tileOption > 0 ? tileOption : loaded.model.spec().patchSize();
	}

	private int overlap() {
		return overlapOption >= 0 ? overlapOption : tile() / 4;
	}

	/**
	 * STST's source model: the gray map its model's input mode asks for ({@code gray-percentiles}: the image's dark and
	 * glass levels moved towards the training tiles'; identity for plain-gray models), learned once for a whole slide so
	 * that every tile sees the same gray, and the training-style warning for those samples.
	 */
	public record Source(StstInput.GrayMap map, List<String> warnings) implements SourceModel {
		public Source {
			warnings = List.copyOf(warnings);
		}

		@Override
		public String describe() {
			return String.format(java.util.Locale.ROOT, "stst gray map: level x %.4f %+.2f", map.scale(), map.offset());
		}
	}

	@Override
	public SourceModel learnSource(List<RgbImage> samples) {
		Loaded l = load();
		RgbImage pooled = SourceModels.pooled(samples);
		TrainingStyle style = l.model.trainingStyle(); // null for model files older than the record: nothing to compare with
		StstInput.Levels levels = StstInput.Levels.of(pooled); // the gray map's and the style check's, measured once
		String offStyle = style == null ? null : style.warning(pooled, levels);
		return new Source(l.model.grayMap(levels), offStyle == null ? List.of() : List.of(offStyle));
	}

	@Override
	public Normalized normalize(SourceModel model, RgbImage tile) {
		if (model == SourceModel.NONE) return normalize(tile);
		if (!(model instanceof Source s)) throw new IllegalArgumentException("A " + model.describe() + " source model cannot be applied by stst");
		return new Normalized(normalize(load(), tile, s.map()), List.of());
	}

	@Override
	public Normalized normalize(RgbImage source) {
		Loaded l = load();
		Source learned = learnWithWarnings(source);
		return new Normalized(normalize(l, source, learned.map()), learned.warnings());
	}

	/** {@code batch} tiles: what one TensorFlow call takes. */
	@Override
	public long groupPixels() {
		load();
		return (long) batch * tile() * tile();
	}

	/**
	 * One worker more than asked: a worker inside a TensorFlow call waits while TensorFlow's pool (one thread per core)
	 * computes, and that pool leaves cores idle between its shards and on the small inner layers; the extra worker's style
	 * checks and guided filters fill them (500 patches of 256² on 2 cores: 5.27-5.52 s with 2 workers, the cores busy
	 * 93-95% of the time; 4.76-5.21 s with 3, busy 97%).
	 */
	@Override
	public int workers(int threads) {
		return threads + 1;
	}

	/**
	 * {@link #normalize(RgbImage)} of each image, their tiles batched together into the generator's calls ({@code batch}
	 * tiles each): the same pixels and warnings (a tile's output does not depend on the tiles batched with it; where
	 * oneDNN's kernels depend on the batch shape, as on AVX2-only CPUs, within one 8-bit level), in fewer, larger calls. With {@code dropout=true} each image's dropout masks are seeded as when it is alone, so the images
	 * then run one by one.
	 */
	@Override
	public List<Normalized> normalizeAll(List<RgbImage> sources) {
		Loaded l = load();
		if (dropout) return StainNormalizer.super.normalizeAll(sources);
		List<Source> learned = new ArrayList<>(sources.size());
		List<StstInput.GrayMap> maps = new ArrayList<>(sources.size());
		for (RgbImage s : sources) {
			Source src = learnWithWarnings(s);
			learned.add(src);
			maps.add(src.map());
		}
		List<float[]> colours = translate(l, sources, maps, true);
		List<Normalized> out = new ArrayList<>(sources.size());
		for (int i = 0; i < sources.size(); i++) {
			out.add(new Normalized(coloured(sources.get(i), colours.get(i)), learned.get(i).warnings()));
			colours.set(i, null); // each image's generator output is garbage once coloured
		}
		return out;
	}

	/** {@link #learnSource} of one whole image, with the warnings {@link #normalize(RgbImage)} gives it. */
	private Source learnWithWarnings(RgbImage source) {
		int w = source.width(), h = source.height(), t = tile();
		List<String> warnings = new ArrayList<>();
		if (grayStdDev(source) < 2)
			warnings.add("the image is almost uniform (no tissue structure): STST's colours for it are a guess");
		if (w < t || h < t)
			warnings.add("the image (" + w + "x" + h + ") is smaller than a " + t + " tile: it was mirror-padded, which may shift colours");
		Source learned = (Source) learnSource(List.of(source));
		warnings.addAll(learned.warnings());
		return new Source(learned.map(), warnings);
	}

	private RgbImage normalize(Loaded l, RgbImage source, StstInput.GrayMap map) {
		return coloured(source, translate(l, List.of(source), List.of(map), false).get(0));
	}

	/** The image from the generator's output {@code rgb} ({@link #translate}), on the input's structure when keep_structure. */
	private RgbImage coloured(RgbImage source, float[] rgb) {
		int w = source.width(), h = source.height();
		int[] px = new int[w * h];
		int[] sourcePixels = source.pixels();
		float[] channel = new float[w * h], guide = new float[w * h];
		for (int c = 0; c < 3; c++) {
			int shift = 16 - 8 * c;
			for (int i = 0; i < channel.length; i++) channel[i] = (float) NhwcBatch.toLevel(rgb[3 * i + c]);
			float[] out = channel;
			if (structureRadius > 0) {
				for (int i = 0; i < guide.length; i++) guide[i] = (sourcePixels[i] >> shift) & 0xFF;
				out = GuidedFilter.filter(guide, channel, w, h, structureRadius, structureEps);
			}
			for (int i = 0; i < px.length; i++) px[i] |= RgbImage.toByte(out[i]) << shift;
		}
		for (int i = 0; i < px.length; i++) px[i] |= 0xFF000000;
		return RgbImage.wrap(w, h, px);
	}

	/**
	 * The rectangle ({@code x}, {@code y}, {@code w}, {@code h}) of {@code normalize(model, wholeSource)}, computed from the
	 * pixels around it only: the generator runs on the tiles of the whole image's tiling (see {@link Tiler})
	 * that reach the rectangle or its halo (twice the guided filter's radius), which are cross-faded with the same
	 * weights in the same order, and the guided filter runs over rectangle and halo. So neighbouring rectangles meet
	 * without a seam, and together they equal the whole image's result up to float rounding, while only about
	 * {@code (w + 2·tile)·(h + 2·tile)} pixels are in memory: a slide is normalized cell by cell. {@code model} is the
	 * slide's source model ({@link #learnSource}: the gray map every tile must share); {@link SourceModel#NONE} only for
	 * plain-gray models, which need none. Each call runs all its tiles through the generator; for many regions of one
	 * slide, {@link #regions} shares the tiles between neighbours (the same pixels, computed once).
	 *
	 * @throws IOException when the source cannot be read
	 */
	public RgbImage normalizeRegion(RegionSource source, SourceModel model, long x, long y, int w, int h) throws IOException {
		RegionSource.checkRegion(source, x, y, w, h);
		return regions(source, model, 0).read(x, y, w, h);
	}

	/**
	 * {@code source} normalized region by region as {@link #normalizeRegion} does it, with the generator tiles that
	 * neighbouring regions share computed once ({@link StstRegions}), kept in a cache of at most
	 * {@link #defaultCachedTiles} tiles: what a slide job uses.
	 */
	public StstRegions regions(RegionSource source, SourceModel model) {
		return regions(source, model, defaultCachedTiles());
	}

	/** {@link #regions(RegionSource, SourceModel)} keeping at most {@code cachedTiles} generator tiles (0: none). */
	public StstRegions regions(RegionSource source, SourceModel model, int cachedTiles) {
		Loaded l = load();
		StstInput.GrayMap map;
		if (model instanceof Source s) map = s.map();
		else if (model == SourceModel.NONE && l.model.inputMode() == StstInput.Mode.GRAY) map = StstInput.GrayMap.IDENTITY;
		else // without the slide's gray map each region would silently see another input than the whole image's
			throw new IllegalArgumentException("STST regions of an input=" + l.model.inputMode().key() + " model need the slide's source model from learnSource, not "
				+ model.describe());
		int t = tile();
		return new StstRegions(source, l.generator, map, t, Math.min(overlap(), t - 1), batch, structureRadius, structureEps, seed, cachedTiles);
	}

	/** The generator tiles a slide job keeps by default: a quarter of the Java heap, at most 512 MiB. */
	public int defaultCachedTiles() {
		load();
		return StstRegions.tilesIn(defaultCacheBytes(), tile());
	}

	private static long defaultCacheBytes() {
		return Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 4);
	}

	/**
	 * The generator's output for each whole image, interleaved RGB in [-1, 1]: overlapping tiles, cross-faded. The tiles
	 * of all images, in order, share the calls ({@code batch} tiles each); dropout masks are seeded by a call's first tile.
	 *
	 * @param group the images are a group of a longer job: a partial call is padded to the smallest batch shape already
	 *        compiled that holds it (a job's last groups then reuse its full batch's graph instead of building one more)
	 */
	private List<float[]> translate(Loaded l, List<RgbImage> sources, List<StstInput.GrayMap> maps, boolean group) {
		int t = tile(), tileSize = t * t;
		List<Tiler> tilers = new ArrayList<>(sources.size());
		List<float[]> sums = new ArrayList<>(sources.size()), weights = new ArrayList<>(sources.size());
		// every tile as (image, tile index in that image), in order
		List<int[]> tiles = new ArrayList<>();
		for (int i = 0; i < sources.size(); i++) {
			RgbImage source = sources.get(i);
			Tiler tiler = new Tiler(source.width(), source.height(), t, Math.min(overlap(), t - 1));
			tilers.add(tiler);
			sums.add(new float[source.pixelCount() * 3]);
			// an image of one tile is that tile's output: no cross-fade, no weights
			weights.add(tiler.count() == 1 ? null : new float[source.pixelCount()]);
			for (int k = 0; k < tiler.count(); k++) tiles.add(new int[] { i, k });
		}
		for (int first = 0; first < tiles.size(); first += batch) {
			int n = Math.min(batch, tiles.size() - first);
			// a partial batch is padded to a power of two, so a few graph shapes serve every image size
			int padded = Math.min(batch, Integer.highestOneBit(n) == n ? n : Integer.highestOneBit(n) << 1);
			if (group && !dropout && !l.generator.isCompiled(padded, t, t))
				for (int shape = padded; shape <= batch; shape = shape == batch ? batch + 1 : Math.min(batch, 2 * shape))
					if (l.generator.isCompiled(shape, t, t)) {
						padded = shape;
						break;
					}
			float[] in = new float[padded * tileSize];
			for (int k = 0; k < n; k++) {
				int[] tile = tiles.get(first + k);
				Tiler tiler = tilers.get(tile[0]);
				NhwcBatch.putGray(sources.get(tile[0]), maps.get(tile[0]), tiler.tileX(tile[1]), tiler.tileY(tile[1]), t, t, in, k * tileSize);
			}
			for (int k = n; k < padded; k++) System.arraycopy(in, 0, in, k * tileSize, tileSize);
			float[] out = l.generator.run(in, padded, t, t, seed + first);
			for (int k = 0; k < n; k++) {
				int[] tile = tiles.get(first + k);
				RgbImage source = sources.get(tile[0]);
				accumulate(out, k, tilers.get(tile[0]), tile[1], source.width(), source.height(), sums.get(tile[0]), weights.get(tile[0]));
			}
		}
		for (int i = 0; i < sources.size(); i++) {
			float[] sum = sums.get(i), weight = weights.get(i);
			if (weight == null) continue;
			for (int p = 0; p < weight.length; p++) {
				float inv = 1 / weight[p];
				sum[3 * p] *= inv;
				sum[3 * p + 1] *= inv;
				sum[3 * p + 2] *= inv;
			}
		}
		return sums;
	}

	/** Adds tile {@code k} of the generator's output {@code out}, weighted, to its image's sums; copies it without weights. */
	private static void accumulate(float[] out, int k, Tiler tiler, int index, int w, int h, float[] sum, float[] weight) {
		int t = tiler.tile(), x0 = tiler.tileX(index), y0 = tiler.tileY(index);
		int base = k * t * t * 3;
		if (weight == null) { // the image's only tile, at (0, 0)
			for (int y = 0; y < Math.min(t, h); y++)
				System.arraycopy(out, base + 3 * y * t, sum, 3 * y * w, 3 * Math.min(t, w));
			return;
		}
		for (int y = 0; y < t && y0 + y < h; y++)
			for (int x = 0; x < t && x0 + x < w; x++) {
				float wt = tiler.weight(x, y);
				int o = base + 3 * (y * t + x), d = (y0 + y) * w + x0 + x;
				sum[3 * d] += wt * out[o];
				sum[3 * d + 1] += wt * out[o + 1];
				sum[3 * d + 2] += wt * out[o + 2];
				weight[d] += wt;
			}
	}

	private static double grayStdDev(RgbImage image) {
		int[] px = image.pixels();
		double s = 0, s2 = 0;
		for (int p : px) {
			double v = 0.299 * RgbImage.red(p) + 0.587 * RgbImage.green(p) + 0.114 * RgbImage.blue(p);
			s += v;
			s2 += v * v;
		}
		double mean = s / px.length;
		return Math.sqrt(Math.max(0, s2 / px.length - mean * mean));
	}
}
