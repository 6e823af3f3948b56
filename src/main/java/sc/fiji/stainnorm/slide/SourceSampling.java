package sc.fiji.stainnorm.slide;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.core.TissueMask;

/**
 * The tissue sample a slide-level source model is learned from ({@link sc.fiji.stainnorm.normalize.StainNormalizer#learnSource}):
 * {@code tiles} tiles of {@code tileSize}² spread over the slide, glass skipped; a level no larger than those tiles together
 * is taken whole.
 * <p>
 * Spread: the slide is cut into a grid of about {@value #CANDIDATES_PER_TILE}·{@code tiles} cells (as square as the slide
 * allows, no cell narrower than a tile); each cell offers one candidate tile at a seeded random position inside it, and the
 * cells are visited in a seeded random order. A candidate is taken when at least {@value #MIN_TISSUE_FRACTION} of its pixels
 * are tissue ({@link TissueMask}); when too few are, the candidates with the most tissue fill up (any with
 * {@link TissueMask#enough enough} tissue), so that a biopsy fragment on a large glass still gets a sample. No two tiles come
 * from one cell, so the sample cannot cluster in one region, and the same slide, settings and seed give the same sample.
 * <p>
 * Sample tiles should come from the level that is normalized (usually level 0): a level downsampled 4x averages nuclei into
 * their surroundings; learned from it whole, the stain vectors move by up to 0.9° (about a 16-tile sample's error) but the
 * maximum concentrations drop by up to 9.5% (Macenko −8% and Vahadane −9.5% on InstanSeg's Hamamatsu core, −1 to −4.5% on
 * the glioblastoma mosaic; {@code SourceSamplingStability}), so every output tile would come out that much too dark.
 */
public final class SourceSampling {
	/**
	 * Default number of tiles. 64 tiles of 256² (4 Mpx; learning any method's model from them takes about a second) on 40
	 * real glioblastoma fields laid out as one 4096x2560 slide, 8 seeds ({@code SourceSamplingStability}, src/test): Macenko's
	 * stain vectors within 0.6° of the whole image's (mean H 0.22°, E 0.34°), its maximum concentrations within 2.9%;
	 * Vahadane's within 0.6° (0.29°, 0.27°) and 3.7%; from seed to seed at most 1.0° apart. Fewer tiles of 256²: 32 tiles
	 * within 1.0° of the whole image and up to 1.4° between seeds, 16 tiles 1.1° and 1.5°, 8 tiles 3.1° and 3.4°. The
	 * remaining concentration difference is mostly the glass the sample skips (the whole image's percentiles include it).
	 */
	public static final int DEFAULT_TILES = 64;
	/** Default tile edge, pixels: the slide writer's tile size, large enough to hold whole nuclei and their surroundings. */
	public static final int DEFAULT_TILE_SIZE = 256;
	public static final long DEFAULT_SEED = 1;
	static final int CANDIDATES_PER_TILE = 4;
	/** A candidate tile at least this tissue is taken at once. */
	static final double MIN_TISSUE_FRACTION = 0.25;

	/** How to sample; {@link #DEFAULT}: 64 tiles of 256², seed 1. */
	public record Settings(int tiles, int tileSize, long seed) {
		public static final Settings DEFAULT = new Settings(DEFAULT_TILES, DEFAULT_TILE_SIZE, DEFAULT_SEED);

		public Settings {
			if (tiles < 1) throw new IllegalArgumentException("The source sample needs at least 1 tile, not " + tiles);
			if (tileSize < 16) throw new IllegalArgumentException("Source sample tiles must be at least 16 pixels wide, not " + tileSize);
		}

		/** The pixel budget: a level no larger than this is taken whole. */
		public long pixels() {
			return (long) tiles * tileSize * tileSize;
		}
	}

	/**
	 * The sample and how it was taken, for the slide job's log.
	 *
	 * @param tiles    the sample, for {@link sc.fiji.stainnorm.normalize.StainNormalizer#learnSource}
	 * @param origins  the top left corner of each tile in the level
	 * @param examined candidate tiles read
	 * @param whole    whether the level was taken whole (it is no larger than the sample would be)
	 */
	public record Sample(List<RgbImage> tiles, List<Origin> origins, int examined, boolean whole) {
		public Sample {
			tiles = List.copyOf(tiles);
			origins = List.copyOf(origins);
		}

		public String describe() {
			if (whole) return "the whole image (" + tiles.get(0).width() + "x" + tiles.get(0).height() + ")";
			return String.format(Locale.ROOT, "%d tissue tiles of %dx%d (of %d examined)", tiles.size(), tiles.get(0).width(),
				tiles.get(0).height(), examined);
		}
	}

	public record Origin(long x, long y) {}

	private SourceSampling() {}

	/** The default sample of a level. */
	public static Sample sample(RegionSource level) throws IOException {
		return sample(level, Settings.DEFAULT);
	}

	/**
	 * @throws StainNormException when no candidate tile shows tissue (the message says how many were looked at)
	 * @throws IOException        when the level cannot be read
	 */
	public static Sample sample(RegionSource level, Settings settings) throws IOException {
		long w = level.width(), h = level.height();
		if (w * h <= settings.pixels() && w <= Integer.MAX_VALUE && h <= Integer.MAX_VALUE) {
			RgbImage whole = level.read(0, 0, (int) w, (int) h);
			if (!TissueMask.enough(TissueMask.count(whole), whole.pixelCount()))
				throw new StainNormException("No tissue found in the " + w + "x" + h + " image (" + TissueMask.describe(TissueMask.count(whole),
					whole.pixelCount()) + " darker than background): nothing to learn the source stains from");
			return new Sample(List.of(whole), List.of(new Origin(0, 0)), 1, true);
		}
		int tw = (int) Math.min(settings.tileSize(), w), th = (int) Math.min(settings.tileSize(), h);
		int cells = CANDIDATES_PER_TILE * settings.tiles();
		int gx = (int) Math.max(1, Math.min(w / tw, Math.round(Math.sqrt(cells * (double) w / h))));
		int gy = (int) Math.max(1, Math.min(h / th, Math.round((double) cells / gx)));
		Random random = new Random(settings.seed());
		List<long[]> candidates = new ArrayList<>();
		for (int j = 0; j < gy; j++)
			for (int i = 0; i < gx; i++) {
				long x0 = w * i / gx, x1 = w * (i + 1) / gx, y0 = h * j / gy, y1 = h * (j + 1) / gy;
				candidates.add(new long[] { place(x0, x1, tw, w, random), place(y0, y1, th, h, random) });
			}
		Collections.shuffle(candidates, random);
		List<RgbImage> taken = new ArrayList<>();
		List<Origin> origins = new ArrayList<>();
		List<Candidate> pale = new ArrayList<>();
		int examined = 0;
		for (long[] c : candidates) {
			if (taken.size() == settings.tiles()) break;
			RgbImage tile = level.read(c[0], c[1], tw, th);
			examined++;
			long tissue = TissueMask.count(tile);
			if (tissue >= MIN_TISSUE_FRACTION * tile.pixelCount()) {
				taken.add(tile);
				origins.add(new Origin(c[0], c[1]));
			}
			else if (TissueMask.enough(tissue, tile.pixelCount())) pale.add(new Candidate(tile, new Origin(c[0], c[1]), tissue, examined));
		}
		// fill up with the tiles that show the most tissue (in visiting order among equals, so the result is deterministic)
		pale.sort(Comparator.comparingLong(Candidate::tissue).reversed().thenComparingInt(Candidate::order));
		for (Candidate c : pale) {
			if (taken.size() == settings.tiles()) break;
			taken.add(c.tile());
			origins.add(c.origin());
		}
		if (taken.isEmpty())
			throw new StainNormException("No tissue found in " + examined + " tiles of " + tw + "x" + th + " spread over the " + w + "x" + h
				+ " image: nothing to learn the source stains from");
		return new Sample(taken, origins, examined, false);
	}

	private record Candidate(RgbImage tile, Origin origin, long tissue, int order) {}

	/** A seeded position for a tile of {@code size} inside the cell [from, to), kept inside [0, limit). */
	private static long place(long from, long to, int size, long limit, Random random) {
		long span = Math.max(0, to - from - size);
		long at = from + (span == 0 ? 0 : (long) (random.nextDouble() * (span + 1)));
		return Math.min(at, limit - size);
	}
}
