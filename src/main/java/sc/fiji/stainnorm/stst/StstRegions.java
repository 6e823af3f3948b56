package sc.fiji.stainnorm.stst;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import sc.fiji.stainnorm.core.GuidedFilter;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.slide.PixelSize;
import sc.fiji.stainnorm.slide.RegionSource;

/**
 * A slide normalized by STST region by region, as {@link Stst#normalizeRegion} computes each region (the generator
 * tiles of the whole slide's tiling that reach the region or its guided-filter halo, cross-faded in the same order,
 * then the guided filter over region and halo), but with the generator tiles shared: each tile is run through the
 * generator once and kept in a bounded cache for the neighbouring regions that need it too. A 512-pixel region reaches
 * 16 tiles on average of the bundled model's 256-pixel tiling (overlap 64, halo 16), while about 7 per region of area
 * are new: on the benchmark's slide 61 generator tiles per megapixel one region at a time, 27.8 shared (each tile once).
 * <p>
 * The generator's output for one tile does not depend on the other tiles of its batch, so the slide's pixels are
 * those of the region-by-region computation, bit for bit ({@code StstRegionsTest}).
 * <p>
 * <b>Memory.</b> At most {@code cachedTiles} tiles (3·tile²·4 bytes each: 768 KiB for 256² tiles) are kept, plus the
 * tiles the regions in progress hold. Which tile goes first when the cache is full follows the order a pyramid writer
 * (or a viewer scrolling down) asks for regions: row by row, left to right, from the earliest region in progress.
 * Tiles no later region of that order needs are dropped at once, and when the cache is full those needed furthest ahead
 * go first. So a slide written row by row holds about two tile rows of its width (the tiles the next row of regions
 * shares with this one) and the tiles around the regions in progress: a 32 768-pixel-wide slide about 450 tiles
 * (340 MiB), a 3000² image 89 of its 256; a smaller cache still shares tiles within a region row and part of them
 * between rows. Regions asked for in any other order are still right, only slower. Safe for several threads: a tile needed by two regions at once is computed once.
 */
public final class StstRegions implements RegionSource {
	private final RegionSource source;
	private final StstEngine.Generator generator;
	private final StstInput.GrayMap map;
	private final int fullW, fullH, t, batch, radius, halo;
	private final double eps;
	private final long seed;
	private final int[] xs, ys;
	private final Tiler weights;
	private final int capacity;
	/** Tile index (row · columns + column) → the generator's output for it (t·t·3 floats in [-1, 1]). */
	private final LinkedHashMap<Integer, CompletableFuture<float[]>> tiles = new LinkedHashMap<>();
	/** The regions being computed now, in the order they were started. */
	private final List<long[]> inFlight = new ArrayList<>();
	private final AtomicLong generated = new AtomicLong(), regions = new AtomicLong();
	private int peak;

	StstRegions(RegionSource source, StstEngine.Generator generator, StstInput.GrayMap map, int tile, int overlap, int batch, int radius,
		double eps, long seed, int cachedTiles)
	{
		if (source.width() > Integer.MAX_VALUE || source.height() > Integer.MAX_VALUE)
			throw new StainNormException("STST tiles images of at most " + Integer.MAX_VALUE + " pixels a side, not " + source.width() + "x" + source.height());
		if (cachedTiles < 0) throw new IllegalArgumentException("cached tiles " + cachedTiles + " must not be negative");
		this.source = source;
		this.generator = generator;
		this.map = map;
		this.fullW = (int) source.width();
		this.fullH = (int) source.height();
		this.t = tile;
		this.batch = batch;
		this.radius = radius;
		this.halo = 2 * radius;
		this.eps = eps;
		this.seed = seed;
		this.xs = Tiler.positions(fullW, tile, overlap);
		this.ys = Tiler.positions(fullH, tile, overlap);
		this.weights = new Tiler(tile, tile, tile, overlap);
		this.capacity = cachedTiles;
	}

	/** Tiles of {@code tile}² (3 floats a pixel) that fit in {@code bytes}. */
	static int tilesIn(long bytes, int tile) {
		return (int) Math.min(Integer.MAX_VALUE, Math.max(0, bytes) / (12L * tile * tile + 64));
	}

	@Override
	public long width() {
		return fullW;
	}

	@Override
	public long height() {
		return fullH;
	}

	@Override
	public PixelSize pixelSize() {
		return source.pixelSize();
	}

	/** Generator tiles run so far (each batch's padding not counted). */
	public long generatorTiles() {
		return generated.get();
	}

	/** Regions computed so far. */
	public long regions() {
		return regions.get();
	}

	/** Tiles kept at most. */
	public int capacity() {
		return capacity;
	}

	/** The most tiles kept at once so far (a region's claims counted before the cache drops any). */
	public int peakCachedTiles() {
		synchronized (tiles) {
			return peak;
		}
	}

	/** Tiles kept now. */
	public int cachedTiles() {
		synchronized (tiles) {
			return tiles.size();
		}
	}

	/** The normalized pixels of the rectangle ({@link Stst#normalizeRegion}). */
	@Override
	public RgbImage read(long x, long y, int w, int h) throws IOException {
		RegionSource.checkRegion(source, x, y, w, h);
		regions.incrementAndGet();
		// the generator's output is needed on [fx0, fx1) x [fy0, fy1): the rectangle and the guided filter's halo
		int fx0 = (int) Math.max(0, x - halo), fy0 = (int) Math.max(0, y - halo);
		int fx1 = (int) Math.min(fullW, x + w + halo), fy1 = (int) Math.min(fullH, y + h + halo);
		int ix0 = firstTileReaching(xs, t, fx0), ix1 = lastTileReaching(xs, fx1), iy0 = firstTileReaching(ys, t, fy0), iy1 = lastTileReaching(ys, fy1);
		int across = ix1 - ix0 + 1, count = across * (iy1 - iy0 + 1);
		long[] region = { x, y, w, h };
		@SuppressWarnings("unchecked")
		CompletableFuture<float[]>[] outputs = new CompletableFuture[count];
		List<Integer> mine = new ArrayList<>(); // positions in outputs of the tiles this call computes
		synchronized (tiles) {
			inFlight.add(region);
			for (int k = 0; k < count; k++) {
				int index = (iy0 + k / across) * xs.length + ix0 + k % across;
				CompletableFuture<float[]> f = tiles.get(index);
				if (f == null) {
					f = new CompletableFuture<>();
					tiles.put(index, f);
					mine.add(k);
				}
				outputs[k] = f;
			}
			evict();
		}
		try {
			// the pixels read: the guide (rectangle and halo) and those of the tiles computed here
			int rx0 = fx0, ry0 = fy0, rx1 = fx1, ry1 = fy1;
			for (int k : mine) {
				int tx = xs[ix0 + k % across], ty = ys[iy0 + k / across];
				rx0 = Math.min(rx0, tx);
				ry0 = Math.min(ry0, ty);
				rx1 = Math.max(rx1, Math.min(fullW, tx + t));
				ry1 = Math.max(ry1, Math.min(fullH, ty + t));
			}
			RgbImage window;
			try {
				window = source.read(rx0, ry0, rx1 - rx0, ry1 - ry0);
				compute(window, rx0, ry0, mine, outputs, ix0, iy0, across);
			}
			catch (IOException | RuntimeException | Error e) {
				fail(mine, outputs, ix0, iy0, across, e);
				throw e;
			}
			return blendAndFilter(window, rx0, ry0, outputs, ix0, iy0, across, x, y, w, h, fx0, fy0, fx1, fy1);
		}
		finally {
			synchronized (tiles) {
				inFlight.remove(region);
			}
		}
	}

	/** Runs the tiles {@code mine} through the generator in batches, in the order of the region's tiles. */
	private void compute(RgbImage window, int wx, int wy, List<Integer> mine, CompletableFuture<float[]>[] outputs, int ix0, int iy0, int across) {
		int tileSize = t * t;
		for (int first = 0; first < mine.size(); first += batch) {
			int n = Math.min(batch, mine.size() - first);
			int padded = paddedBatch(n, batch);
			float[] in = new float[padded * tileSize];
			int firstIndex = -1;
			for (int j = 0; j < n; j++) {
				int k = mine.get(first + j);
				int tx = xs[ix0 + k % across], ty = ys[iy0 + k / across];
				if (j == 0) firstIndex = (iy0 + k / across) * xs.length + ix0 + k % across;
				NhwcBatch.putGray(window, map, wx, wy, fullW, fullH, tx, ty, t, t, in, j * tileSize);
			}
			for (int j = n; j < padded; j++) System.arraycopy(in, 0, in, j * tileSize, tileSize);
			float[] out = generator.run(in, padded, t, t, seed + firstIndex);
			generated.addAndGet(n);
			for (int j = 0; j < n; j++)
				outputs[mine.get(first + j)].complete(n == 1 && padded == 1 ? out : Arrays.copyOfRange(out, j * tileSize * 3, (j + 1) * tileSize * 3));
		}
	}

	/**
	 * The batch a TensorFlow call runs for {@code n} tiles: {@code n} itself up to 8 (at most 8 graph shapes, and no
	 * padded tile computed in vain: a region shares most of its tiles and computes from 1 to 9), a larger partial batch padded to a power of
	 * two (of at most {@code batch}), so that a few shapes serve every region. A tile's output does not depend on its
	 * batch.
	 */
	static int paddedBatch(int n, int batch) {
		if (n <= 8) return n;
		return Math.min(batch, Integer.highestOneBit(n) == n ? n : Integer.highestOneBit(n) << 1);
	}

	/** The tiles this call was to compute and did not: forgotten (a later region tries again), their waiters told why. */
	private void fail(List<Integer> mine, CompletableFuture<float[]>[] outputs, int ix0, int iy0, int across, Throwable why) {
		synchronized (tiles) {
			for (int k : mine)
				if (!outputs[k].isDone()) tiles.remove((iy0 + k / across) * xs.length + ix0 + k % across, outputs[k]);
		}
		for (int k : mine)
			outputs[k].completeExceptionally(why);
	}

	private RgbImage blendAndFilter(RgbImage window, int wx, int wy, CompletableFuture<float[]>[] outputs, int ix0, int iy0, int across, long x,
		long y, int w, int h, int fx0, int fy0, int fx1, int fy1) throws IOException
	{
		int fw = fx1 - fx0, fh = fy1 - fy0;
		float[] sum = new float[fw * fh * 3], weight = new float[fw * fh];
		float[] ramp = weights.ramp();
		for (int k = 0; k < outputs.length; k++) {
			float[] out = await(outputs[k]);
			int tx = xs[ix0 + k % across], ty = ys[iy0 + k / across];
			int xFrom = Math.max(tx, fx0), xTo = Math.min(tx + t, fx1);
			for (int yy = Math.max(ty, fy0); yy < Math.min(ty + t, fy1); yy++) {
				float rampY = ramp[yy - ty];
				int o = 3 * ((yy - ty) * t + xFrom - tx), d = (yy - fy0) * fw + xFrom - fx0;
				for (int xx = xFrom; xx < xTo; xx++, o += 3, d++) {
					float wt = ramp[xx - tx] * rampY; // Tiler.weight(x, y), in its order
					sum[3 * d] += wt * out[o];
					sum[3 * d + 1] += wt * out[o + 1];
					sum[3 * d + 2] += wt * out[o + 2];
					weight[d] += wt;
				}
			}
		}
		// the weighted mean as 8-bit levels, one plane per channel (the same float steps as Stst.normalize's)
		float[][] levels = new float[3][fw * fh];
		float[] red = levels[0], green = levels[1], blue = levels[2];
		for (int i = 0; i < weight.length; i++) {
			float inv = 1 / weight[i];
			red[i] = (float) NhwcBatch.toLevel(sum[3 * i] * inv);
			green[i] = (float) NhwcBatch.toLevel(sum[3 * i + 1] * inv);
			blue[i] = (float) NhwcBatch.toLevel(sum[3 * i + 2] * inv);
		}
		int[] px = new int[w * h];
		int[] windowPixels = window.pixels();
		int ww = window.width();
		float[] guide = radius > 0 ? new float[fw * fh] : null;
		for (int c = 0; c < 3; c++) {
			int shift = 16 - 8 * c;
			float[] filtered = levels[c];
			if (radius > 0) {
				for (int yy = 0; yy < fh; yy++) {
					int from = (fy0 + yy - wy) * ww + fx0 - wx, to = yy * fw;
					for (int xx = 0; xx < fw; xx++) guide[to + xx] = (windowPixels[from + xx] >> shift) & 0xFF;
				}
				filtered = GuidedFilter.filter(guide, filtered, fw, fh, radius, eps);
			}
			for (int yy = 0; yy < h; yy++) {
				int from = (int) (y - fy0 + yy) * fw + (int) (x - fx0), to = yy * w;
				for (int xx = 0; xx < w; xx++) px[to + xx] |= RgbImage.toByte(filtered[from + xx]) << shift;
			}
		}
		for (int i = 0; i < px.length; i++) px[i] |= 0xFF000000;
		return RgbImage.wrap(w, h, px);
	}

	private static float[] await(CompletableFuture<float[]> f) throws IOException {
		try {
			return f.get();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new StainNormException("interrupted while waiting for an STST tile");
		}
		catch (ExecutionException e) {
			Throwable cause = e.getCause();
			if (cause instanceof IOException io) throw new IOException(io.getMessage(), io);
			if (cause instanceof RuntimeException r) throw r;
			if (cause instanceof Error err) throw err;
			throw new IllegalStateException(cause);
		}
	}

	/**
	 * Drops the tiles that no region from shortly before the earliest one in progress on needs, in the order regions are
	 * asked for (row by row, left to right), then, while more than {@code capacity} are kept, those needed furthest ahead.
	 * "Shortly before": a few regions' widths (twice as many as are in progress, at least 4), since threads that took
	 * their regions in order may start them out of order. So a slide written row by row holds only the tiles it will use
	 * again. The regions in progress keep their own references, so a dropped tile is only recomputed if asked for again
	 * (a viewer scrolling back up).
	 */
	private void evict() {
		long[] cursor = inFlight.get(0);
		for (long[] r : inFlight)
			if (r[1] < cursor[1] || r[1] == cursor[1] && r[0] < cursor[0]) cursor = r;
		// the earliest region that may still be asked for: a few regions back, on the row above when the row began there
		long back = cursor[0] - Math.max(4, 2L * inFlight.size()) * Math.max(1, cursor[2]);
		long[] from = back >= 0 || cursor[1] == 0 ? new long[] { Math.max(0, back), cursor[1], cursor[2], cursor[3] }
			: new long[] { Math.max(0, fullW + back), Math.max(0, cursor[1] - cursor[3]), cursor[2], cursor[3] };
		tiles.keySet().removeIf(index -> nextUse(index, from) == Long.MAX_VALUE);
		while (tiles.size() > capacity) {
			Integer worst = null;
			long worstKey = Long.MIN_VALUE;
			for (int index : tiles.keySet()) {
				long key = nextUse(index, from);
				if (key > worstKey) {
					worstKey = key;
					worst = index;
				}
			}
			tiles.remove(worst);
		}
		peak = Math.max(peak, tiles.size());
	}

	/**
	 * How far ahead of the region {@code cursor} (x, y, w, h), in row-by-row order of regions of its size, tile
	 * {@code index} is needed next: larger is later, {@link Long#MAX_VALUE} never.
	 */
	private long nextUse(int index, long[] cursor) {
		long left = xs[index % xs.length], top = ys[index / xs.length], right = left + t, bottom = top + t;
		long cx = cursor[0], cy = cursor[1], ch = Math.max(1, cursor[3]);
		boolean inRow = top < cy + ch + halo && bottom > cy - halo;
		if (inRow && right > cx - halo) return left; // this row of regions, from the cursor on
		if (bottom <= cy + ch - halo) return Long.MAX_VALUE; // above every later row of regions
		long rowsAhead = Math.max(1, (top - halo - cy) / ch);
		return rowsAhead * (fullW + (long) t) + left;
	}

	static int firstTileReaching(int[] origins, int tile, int from) {
		int i = 0;
		while (origins[i] + tile <= from) i++;
		return i;
	}

	static int lastTileReaching(int[] origins, int to) {
		int i = origins.length - 1;
		while (origins[i] >= to) i--;
		return i;
	}
}
