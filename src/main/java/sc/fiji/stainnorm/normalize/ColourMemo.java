package sc.fiji.stainnorm.normalize;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * An exact memo of a pixel-wise normalization ({@link StainNormalizer#isPixelwise}): with one source model for a whole
 * slide, the classical methods map each pixel by its colour alone, and a slide holds far fewer distinct colours than
 * pixels (the shared Hamamatsu scan: a quarter of a 512² JPEG tile's pixels are distinct, 114 000 colours in 6 tiles;
 * the benchmark's synthetic slide: 57 000 colours in its first 200 tiles), so each colour is computed once per slide
 * and looked up after. The colours not yet known are computed by the method itself,
 * {@link StainNormalizer#normalize(SourceModel, RgbImage)} on a one-row image of them, so the output is int for int the
 * method's own, whatever the method and its options.
 * <p>
 * The table holds one normalized pixel per 24-bit colour, in pages of {@value #PAGE_BITS} bits made when a colour of
 * theirs first shows (H&amp;E fills a fraction of the colour cube; all of it would be 64 MiB), and never more of them than
 * a sixteenth of the Java heap holds: the colours of pages beyond that are computed with every tile, as without the
 * memo. Shared by the threads: a slot is 0 until its colour is computed, then the pixel, and every thread computes the
 * same pixel for a colour, so a thread that reads a slot too early merely computes it again. Thread-safe.
 */
public final class ColourMemo {
	static final int PAGE_BITS = 12;
	private static final int PAGES = 1 << (24 - PAGE_BITS), PAGE_MASK = (1 << PAGE_BITS) - 1;
	/** Colours waiting in one tile are told apart by a direct-mapped table of this many bits. */
	private static final int WAIT_BITS = 14;
	/** Work arrays up to this length (two 1024² tiles) are kept for the thread's next tile. */
	private static final int KEPT_WORK = 2 << 20;

	private final StainNormalizer normalizer;
	private final SourceModel model;
	private final AtomicReferenceArray<int[]> pages = new AtomicReferenceArray<>(PAGES);
	private final AtomicInteger pagesMade = new AtomicInteger();
	private final int maxPages;
	private final ThreadLocal<Worker> workers = ThreadLocal.withInitial(Worker::new);

	/**
	 * @throws IllegalArgumentException when {@code normalizer} is not pixel-wise under {@code model} (then there is
	 *                                  nothing to memoize: normalize tiles directly), or, from the method, when the
	 *                                  model does not belong to it
	 */
	public ColourMemo(StainNormalizer normalizer, SourceModel model) {
		// at most a sixteenth of the heap, whatever the slide
		this(normalizer, model, (int) Math.max(16, Math.min(PAGES, Runtime.getRuntime().maxMemory() / 16 / (4L << PAGE_BITS))));
	}

	/** With at most {@code maxPages} pages of {@code 2^PAGE_BITS} colours. */
	ColourMemo(StainNormalizer normalizer, SourceModel model, int maxPages) {
		this.maxPages = maxPages;
		this.normalizer = Objects.requireNonNull(normalizer);
		this.model = Objects.requireNonNull(model);
		if (!normalizer.isPixelwise(model))
			throw new IllegalArgumentException(normalizer.name() + " is not pixel-wise under the source model " + model.describe());
		normalizer.normalize(model, RgbImage.wrap(1, 1, new int[] { 0xFF000000 })); // a wrong model fails here, not in a worker
	}

	/** A memo when {@code normalizer} is pixel-wise under {@code model}, otherwise null. */
	public static ColourMemo ifPixelwise(StainNormalizer normalizer, SourceModel model) {
		return normalizer.isPixelwise(model) ? new ColourMemo(normalizer, model) : null;
	}

	/** Exactly {@code normalizer.normalize(model, tile)}. */
	public Normalized normalize(RgbImage tile) {
		return workers.get().normalize(tile);
	}

	/** Colours known so far (for tests and reports). */
	public long knownColours() {
		long n = 0;
		for (int p = 0; p < PAGES; p++) {
			int[] page = pages.get(p);
			if (page != null) for (int v : page)
				if (v != 0) n++;
		}
		return n;
	}

	/** One thread's view of the pages and its work arrays. */
	private final class Worker {
		/** The pages this thread has seen made; null: not yet (look again in the shared array). */
		private final int[][] seen = new int[PAGES][];
		/** The colours of this tile not yet known, and the pixels that wait for them. */
		private int[] colours = new int[256], waiting = new int[256];
		/** Per slot: a waiting colour, its index in {@link #colours}, and the tile (generation) it belongs to. */
		private final int[] waitKey = new int[1 << WAIT_BITS], waitIndex = new int[1 << WAIT_BITS], waitTile = new int[1 << WAIT_BITS];
		private int tileNumber;

		Normalized normalize(RgbImage tile) {
			int[] in = tile.pixels(), out = new int[in.length];
			int missing = 0, waits = 0, generation = ++tileNumber;
			if (generation == 0) { // wrapped around after 2³² tiles: old stamps could match again
				Arrays.fill(waitTile, 0);
				generation = tileNumber = 1;
			}
			for (int i = 0; i < in.length; i++) {
				int colour = in[i] & 0xFFFFFF;
				int[] page = page(colour >>> PAGE_BITS);
				int value = page == null ? 0 : page[colour & PAGE_MASK];
				if (value != 0) {
					out[i] = value;
					continue;
				}
				int slot = (colour * 0x9E3779B1) >>> (32 - WAIT_BITS), index;
				if (waitTile[slot] == generation && waitKey[slot] == colour) index = waitIndex[slot];
				else { // a waiting colour this one displaces is merely computed again if it shows again
					if (missing == colours.length) colours = Arrays.copyOf(colours, 2 * missing);
					index = missing;
					colours[missing++] = in[i];
					waitTile[slot] = generation;
					waitKey[slot] = colour;
					waitIndex[slot] = index;
				}
				out[i] = index;
				if (waits == waiting.length) waiting = Arrays.copyOf(waiting, Math.min(2 * waits, in.length));
				waiting[waits++] = i;
			}
			if (missing == 0) return Normalized.of(RgbImage.wrap(tile.width(), tile.height(), out));
			Normalized computed = normalizer.normalize(model, RgbImage.wrap(missing, 1, Arrays.copyOf(colours, missing)));
			int[] known = computed.image().pixels();
			if (known.length != missing) throw new IllegalStateException(normalizer.name() + " gave " + known.length + " pixels for " + missing);
			for (int k = 0; k < waits; k++) {
				int i = waiting[k];
				out[i] = known[out[i]];
			}
			for (int j = 0; j < missing; j++) {
				int colour = colours[j] & 0xFFFFFF;
				int[] page = page(colour >>> PAGE_BITS);
				if (page == null) page = makePage(colour >>> PAGE_BITS);
				if (page != null) page[colour & PAGE_MASK] = known[j]; // 0 (no method packs it) would only mean "computed again"
			}
			if (waiting.length > KEPT_WORK) { // a huge region (a viewer's whole window) does not pin its size to the thread
				waiting = new int[256];
				colours = new int[256];
			}
			return new Normalized(RgbImage.wrap(tile.width(), tile.height(), out), computed.warnings());
		}

		private int[] page(int p) {
			int[] page = seen[p];
			if (page == null) page = seen[p] = pages.get(p);
			return page;
		}

		/** A new page for colours {@code p << PAGE_BITS ...}, or null when the memo has all the pages it may have. */
		private int[] makePage(int p) {
			if (pagesMade.get() >= maxPages) return null;
			if (pages.compareAndSet(p, null, new int[1 << PAGE_BITS])) pagesMade.incrementAndGet();
			return seen[p] = pages.get(p);
		}
	}
}
