package sc.fiji.stainnorm.normalize;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.Test;

import sc.fiji.stainnorm.SharedData;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.TestImages;

/**
 * The slide path's colour memo gives exactly the method's own pixels ({@code normalize(model, tile)}, computed pixel by
 * pixel), int for int, for every classical method and option set (Reinhard's glass options too), on real scans, on
 * edge colours, from several threads at once; and it is only taken where a method is pixel-wise.
 */
public class ColourMemoTest {
	/** Every source-model option set of {@link SourceModelTest}, and Reinhard's glass options (they blend per pixel). */
	private static final List<String> SPECS = specs();

	private static List<String> specs() {
		List<String> s = new ArrayList<>(List.of(SourceModelTest.METHODS));
		s.addAll(List.of("reinhard:glass=keep", "reinhard:glass=reference", "reinhard:mask=true,glass=reference",
			"reinhard:space=ruderman,glass=reference", "reinhard:space=ruderman,mask=true,glass=transfer", "reinhard:glass=transfer",
			"reinhard:space=ruderman,glass=anchor"));
		return s;
	}

	/**
	 * Every gray, the cube's corners and edges, a 16-step lattice of the cube, random colours, and colours again with
	 * another alpha (the memo keys on RGB: the methods never read alpha).
	 */
	static RgbImage edgeColours() {
		List<Integer> c = new ArrayList<>();
		for (int v = 0; v < 256; v++) {
			c.add(RgbImage.pack(v, v, v));
			c.add(RgbImage.pack(v, 0, 0));
			c.add(RgbImage.pack(255, v, 255));
			c.add(RgbImage.pack(0, v, 255));
		}
		for (int r = 0; r <= 255; r += 17)
			for (int g = 0; g <= 255; g += 17)
				for (int b = 0; b <= 255; b += 17)
					c.add(RgbImage.pack(r, g, b));
		Random random = new Random(17);
		for (int i = 0; i < 20000; i++)
			c.add(0xFF000000 | random.nextInt(1 << 24));
		int n = c.size();
		for (int i = 0; i < n; i += 7)
			c.add(c.get(i) & 0x00FFFFFF);
		int w = 256, h = (c.size() + w - 1) / w;
		int[] px = new int[w * h];
		for (int i = 0; i < px.length; i++)
			px[i] = c.get(i % c.size());
		return RgbImage.wrap(w, h, px);
	}

	/** 512² tiles (the writer's) of an image, and its last, narrower ones. */
	private static List<RgbImage> tiles(RgbImage image) {
		List<RgbImage> t = new ArrayList<>();
		for (int y = 0; y < image.height(); y += 512)
			for (int x = 0; x < image.width(); x += 512)
				t.add(image.crop(x, y, Math.min(512, image.width() - x), Math.min(512, image.height() - y)));
		return t;
	}

	private static void assertSame(String what, StainNormalizer n, SourceModel model, ColourMemo memo, RgbImage tile) {
		assertSame(what, n.normalize(model, tile), memo, tile);
	}

	private static void assertSame(String what, Normalized direct, ColourMemo memo, RgbImage tile) {
		Normalized memoized = memo.normalize(tile);
		assertArrayEquals(what, direct.image().pixels(), memoized.image().pixels());
		assertEquals(what, direct.image().width(), memoized.image().width());
		assertEquals(what, direct.warnings(), memoized.warnings());
	}

	@Test
	public void memoizedTilesAreTheMethodsOwnPixelsOnARealScan() throws Exception {
		// a scanner's JPEG tiles (the last column and row narrower) and another scanner's image
		RgbImage scan = ImageFiles.read(SharedData.he("instanseg_instanseg/HE_example.tif")).crop(300, 300, 700, 560);
		RgbImage other = ImageFiles.read(SharedData.he("DeepMicroscopy_MultiScanner_SCC/aperio.png"));
		List<RgbImage> tiles = tiles(scan);
		tiles.add(other.crop(0, 0, Math.min(512, other.width()), Math.min(512, other.height())));
		tiles.add(edgeColours());
		for (String spec : SPECS) {
			StainNormalizer n = SourceModelTest.fitted(spec);
			SourceModel model = n.learnSource(List.of(scan.crop(0, 0, 256, 256)));
			ColourMemo memo = new ColourMemo(n, model);
			for (int k = 0; k < tiles.size(); k++) {
				Normalized direct = n.normalize(model, tiles.get(k));
				assertSame(spec + ", tile " + k, direct, memo, tiles.get(k));
				// again: now every colour is looked up
				assertSame(spec + ", tile " + k + " again", direct, memo, tiles.get(k));
			}
			assertTrue(spec, memo.knownColours() > 20000);
		}
	}

	@Test
	public void memoizedTilesAreTheMethodsOwnPixelsOnSyntheticAndEdgeColours() {
		List<RgbImage> inputs = SourceModelTest.inputs();
		RgbImage edges = edgeColours();
		for (String spec : SPECS) {
			StainNormalizer n = SourceModelTest.fitted(spec);
			SourceModel model = n.learnSource(List.of(TestImages.render(1, StainStyle.A)));
			ColourMemo memo = new ColourMemo(n, model);
			assertSame(spec + ", edge colours", n, model, memo, edges);
			for (RgbImage in : inputs)
				assertSame(spec + " on " + in, n, model, memo, in);
		}
	}

	@Test
	public void aFullMemoComputesTheRestAsTheMethodDoes() {
		RgbImage edges = edgeColours();
		StainNormalizer n = SourceModelTest.fitted("reinhard:mask=true,glass=reference");
		SourceModel model = n.learnSource(List.of(TestImages.render(1, StainStyle.A)));
		ColourMemo memo = new ColourMemo(n, model, 3);
		Normalized direct = n.normalize(model, edges);
		for (int round = 0; round < 3; round++)
			assertSame("round " + round, direct, memo, edges);
		// the edge colours spread over most of the 4096 pages; only 3 were made
		assertTrue(memo.knownColours() + " colours known", memo.knownColours() > 0 && memo.knownColours() <= 3 << ColourMemo.PAGE_BITS);
	}

	@Test
	public void threadsSharingOneMemoEachGetTheMethodsPixels() throws Exception {
		List<RgbImage> tiles = new ArrayList<>(SourceModelTest.inputs().subList(0, 3));
		tiles.add(edgeColours());
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			for (String spec : List.of("reinhard", "macenko", "vahadane", "khan")) {
				StainNormalizer n = SourceModelTest.fitted(spec);
				SourceModel model = n.learnSource(List.of(TestImages.render(1, StainStyle.C)));
				ColourMemo memo = new ColourMemo(n, model);
				List<Future<?>> done = new ArrayList<>();
				List<Normalized> direct = tiles.stream().map(t -> n.normalize(model, t)).toList();
				for (int t = 0; t < 4; t++) {
					int start = t;
					done.add(pool.submit(() -> {
						for (int k = 0; k < 2 * tiles.size(); k++)
							assertSame(spec, direct.get((start + k) % tiles.size()), memo, tiles.get((start + k) % tiles.size()));
					}));
				}
				for (Future<?> f : done)
					f.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	public void onlyPixelwiseMethodsUnderASourceModelAreMemoized() {
		StainNormalizer reinhard = SourceModelTest.fitted("reinhard");
		// without a slide model each tile is estimated on its own: not a function of the colour
		assertTrue(!reinhard.isPixelwise(SourceModel.NONE));
		assertNull(ColourMemo.ifPixelwise(reinhard, SourceModel.NONE));
		assertThrows(IllegalArgumentException.class, () -> new ColourMemo(reinhard, SourceModel.NONE));
		SourceModel model = reinhard.learnSource(List.of(TestImages.render(1, StainStyle.A)));
		assertTrue(reinhard.isPixelwise(model));
		// a model of another method is refused when the memo is made, not in a worker later
		assertThrows(IllegalArgumentException.class, () -> new ColourMemo(SourceModelTest.fitted("macenko"), model));
	}
}
