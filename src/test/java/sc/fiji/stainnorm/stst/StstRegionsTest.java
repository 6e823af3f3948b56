package sc.fiji.stainnorm.stst;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.BeforeClass;
import org.junit.Test;

import sc.fiji.stainnorm.SharedData;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.SourceModel;
import sc.fiji.stainnorm.slide.ImageRegionSource;
import sc.fiji.stainnorm.slide.PixelSize;
import sc.fiji.stainnorm.slide.RegionSource;
import sc.fiji.stainnorm.slide.PyramidTiffOptions;
import sc.fiji.stainnorm.slide.PyramidTiffWriter;
import sc.fiji.stainnorm.slide.Slide;
import sc.fiji.stainnorm.slide.SlideLevel;
import sc.fiji.stainnorm.slide.SourceSampling;
import sc.fiji.stainnorm.slide.TiledNormalization;
import sc.fiji.stainnorm.slide.WholeSlideJob;

/**
 * STST regions that share their generator tiles ({@link Stst#regions}) are the regions computed one by one
 * ({@link Stst#normalizeRegion}, every region running all the tiles it reaches), bit for bit, on a real H&E image,
 * while each generator tile runs once; with a cache too small to hold a row of tiles, asked for out of order from two
 * threads, still bit for bit, and the cache stays within its bound.
 */
public class StstRegionsTest {
	/** The writer's smaller tile: cells cut through the bundled model's 256-pixel tiles and their halo. */
	private static final int CELL = 256;
	private static Stst stst;
	private static RegionSource image;
	private static SourceModel model;
	private static RgbImage he, direct;
	private static long directTiles;

	@BeforeClass
	public static void oneByOne() throws IOException {
		he = ImageFiles.read(SharedData.he("TissueImageAnalytics_tiatoolbox/target_image.png"));
		RgbImage part = he.crop(0, 0, 900, 700);
		image = new ImageRegionSource(part, PixelSize.UNKNOWN);
		stst = new Stst(MethodOptions.parse("batch=4"));
		model = stst.learnSource(List.of(part));
		StstRegions unshared = stst.regions(image, model, 0);
		direct = readAll(unshared, cells(), 1);
		directTiles = unshared.generatorTiles();
		// and the public one-region call is that same computation
		RgbImage one = stst.normalizeRegion(image, model, CELL, CELL, CELL, CELL);
		assertEquals(0, TiledNormalization.maxDifference(one, direct.crop(CELL, CELL, CELL, CELL)));
	}

	@Test
	public void sharedTilesGiveTheSamePixelsAndRunEachTileOnce() throws IOException {
		StstRegions shared = stst.regions(image, model);
		RgbImage out = readAll(shared, cells(), 2);
		int tiling = Tiler.positions(900, 256, 64).length * Tiler.positions(700, 256, 64).length;
		System.out.printf("STST regions of %d px on 900x700: %d generator tiles one by one, %d shared (the tiling has %d)%n", CELL, directTiles,
			shared.generatorTiles(), tiling);
		assertEquals("largest difference from the regions computed one by one", 0, TiledNormalization.maxDifference(direct, out));
		assertEquals("every tile of the tiling once", tiling, shared.generatorTiles());
		assertTrue("one by one, neighbours recompute the tiles they share: " + directTiles, directTiles > 2 * tiling);
	}

	@Test
	public void aSmallCacheAskedOutOfOrderStaysBoundedWithinBatchRounding() throws IOException {
		StstRegions small = stst.regions(image, model, 3);
		List<long[]> shuffled = cells();
		Collections.shuffle(shuffled, new Random(5));
		RgbImage out = readAll(small, shuffled, 2);
		// recomputed tiles run in other batches than one by one: StstGroupTest.BATCH_ROUNDING
		assertTrue("largest difference from the regions computed one by one", TiledNormalization.maxDifference(direct, out) <= StstGroupTest.BATCH_ROUNDING);
		assertTrue("cache over its bound: " + small.cachedTiles(), small.cachedTiles() <= 3);
		assertTrue("some tiles must have been recomputed: " + small.generatorTiles(), small.generatorTiles() > 20);
	}

	/**
	 * The writer's order (row by row of 512-pixel cells, two threads): every tile runs once, and the cache holds about two
	 * tile rows of the image's width (the tiles the next row of cells shares with this one) and the tiles of the cells
	 * around those in progress, however tall the image (here 16 tile rows): tiles no later cell needs are dropped.
	 */
	@Test
	public void rowByRowEachTileRunsOnceAndTheCacheHoldsAboutTwoTileRows() throws IOException {
		int w = 3000, h = 3000, cell = 512;
		RgbImage tissue = RgbImage.create(w, h); // the real image, three copies across and down
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) tissue.pixels()[y * w + x] = he.get(x % he.width(), y % he.height());
		int columns = Tiler.positions(w, 256, 64).length, tiling = columns * Tiler.positions(h, 256, 64).length;
		StstRegions regions = stst.regions(new ImageRegionSource(tissue, PixelSize.UNKNOWN), model, tiling);
		List<long[]> cells = new ArrayList<>();
		for (int y = 0; y < h; y += cell)
			for (int x = 0; x < w; x += cell) cells.add(new long[] { x, y, Math.min(cell, w - x), Math.min(cell, h - y) });
		readAll(regions, cells, 2, w, h);
		System.out.printf("%dx%d by %d-pixel cells: %d generator tiles (the tiling has %d), at most %d kept (%d tile columns)%n", w, h, cell,
			regions.generatorTiles(), tiling, regions.peakCachedTiles(), columns);
		assertEquals("generator tiles", tiling, regions.generatorTiles());
		assertTrue("kept at most " + regions.peakCachedTiles() + " of " + tiling + " tiles", 2 * regions.peakCachedTiles() < tiling);
	}

	/**
	 * {@code ./stainnorm slide --method stst}'s core on a lossless (deflate) pyramid of the real image: level 0 of the
	 * output is each 512 tile computed on its own by {@link Stst#normalizeRegion} with the source model of the job's
	 * sample, to the bit.
	 */
	@Test
	public void aSlideJobWritesTheRegionsComputedOneByOne() throws IOException {
		Path dir = Files.createTempDirectory("stst-regions-");
		try {
			int w = 1500, h = 1100;
			RgbImage mosaic = RgbImage.create(w, h);
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) mosaic.pixels()[y * w + x] = he.get(x % he.width(), y % he.height());
			Path slide = dir.resolve("slide.tif"), out = dir.resolve("out.tif");
			PyramidTiffOptions deflate = PyramidTiffOptions.defaults().withCompression(PyramidTiffOptions.Compression.DEFLATE).withThreads(2);
			PyramidTiffWriter.write(new ImageRegionSource(mosaic, PixelSize.UNKNOWN), slide, deflate, Progress.NONE);
			WholeSlideJob.Report report = WholeSlideJob.run(List.of(slide), out, WholeSlideJob.Settings.of(stst, "stst", deflate), Progress.NONE);
			assertEquals(report.items().toString(), WholeSlideJob.Outcome.WRITTEN, report.items().get(0).outcome());
			try (Slide in = Slide.open(slide); Slide written = Slide.open(out)) {
				SlideLevel level = in.level(0);
				SourceModel sampled = stst.learnSource(SourceSampling.sample(level, SourceSampling.Settings.DEFAULT).tiles());
				int max = 0;
				for (int y = 0; y < h; y += 512)
					for (int x = 0; x < w; x += 512) {
						int cw = Math.min(512, w - x), ch = Math.min(512, h - y);
						max = Math.max(max, TiledNormalization.maxDifference(stst.normalizeRegion(level, sampled, x, y, cw, ch),
							written.level(0).read(x, y, cw, ch)));
					}
				assertEquals("largest difference of the job's output from the regions one by one", 0, max);
			}
		}
		finally {
			try (var files = Files.walk(dir)) {
				files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
			}
		}
	}

	private static List<long[]> cells() {
		List<long[]> cells = new ArrayList<>();
		for (int y = 0; y < 700; y += CELL)
			for (int x = 0; x < 900; x += CELL) cells.add(new long[] { x, y, Math.min(CELL, 900 - x), Math.min(CELL, 700 - y) });
		return cells;
	}

	/** The regions read by {@code threads} threads at once, pasted into one image. */
	private static RgbImage readAll(RegionSource regions, List<long[]> cells, int threads) throws IOException {
		return readAll(regions, cells, threads, 900, 700);
	}

	private static RgbImage readAll(RegionSource regions, List<long[]> cells, int threads, int width, int height) throws IOException {
		RgbImage out = RgbImage.create(width, height);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<RgbImage>> parts = new ArrayList<>();
			for (long[] c : cells) parts.add(pool.submit(() -> regions.read(c[0], c[1], (int) c[2], (int) c[3])));
			for (int k = 0; k < cells.size(); k++) {
				RgbImage part = parts.get(k).get();
				long[] c = cells.get(k);
				for (int row = 0; row < c[3]; row++)
					System.arraycopy(part.pixels(), row * (int) c[2], out.pixels(), (int) ((c[1] + row) * width + c[0]), (int) c[2]);
			}
		}
		catch (InterruptedException | java.util.concurrent.ExecutionException e) {
			throw new IOException(e);
		}
		finally {
			pool.shutdown();
		}
		return out;
	}
}
