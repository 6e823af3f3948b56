package sc.fiji.stainnorm.slide;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;

import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.ARGBType;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.SourceModel;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * A slide normalized lazily, cell by cell, with one source model equals the whole image normalized with that model:
 * pixel-wise methods exactly, STST (blended tiles, guided filter with its halo) within the blending's rounding.
 */
public class NormalizedRegionsTest {
	private static final int W = 600, H = 450, CELL = 300;

	private static RgbImage slide() {
		return SyntheticTissue.generate(17, W, H).render(StainStyle.A, 1.0);
	}

	@Test
	public void ststCellsEqualTheWholeImage() {
		RgbImage img = slide();
		// cells of 300 px against the bundled model's tiles of 256 (origins 0, 172, 344 across, 0, 97, 194 down): cell
		// borders cut through tiles and the guided filter's halo
		StainNormalizer stst = Methods.create("stst", MethodOptions.parse("batch=4"));
		stst.fit(List.of());
		RgbImage whole = stst.normalize(img).image();
		// the source model of the whole image (the bundled model's gray map), as a slide job learns it once per slide
		RgbImage lazy = readAll(CellImages.normalized(img.asImg(), stst, stst.learnSource(List.of(img)), CELL, 4));
		int max = maxDifference(whole, lazy);
		System.out.println("STST cell by cell vs whole image: largest difference " + max + " gray levels");
		assertTrue("STST cells differ from the whole image by " + max + " levels", max <= 1);
	}

	@Test
	public void pixelWiseMethodsEqualTheWholeImageExactly() {
		RgbImage img = slide();
		RgbImage reference = SyntheticTissue.generate(5, 200, 200).render(StainStyle.B, 1.0);
		for (String method : new String[] { "reinhard", "macenko", "vahadane", "khan" }) {
			StainNormalizer n = Methods.create(method, MethodOptions.none());
			n.fit(List.of(reference));
			SourceModel model = n.learnSource(List.of(img));
			RgbImage whole = n.normalize(model, img).image();
			NormalizedRegions regions = new NormalizedRegions(CellImages.regionSource(img.asImg()), n, model);
			RgbImage lazy = readAll(CellImages.cellImg(regions, CELL, 4));
			int max = maxDifference(whole, lazy);
			assertEquals(method + ": cells differ from the whole image by " + max + " levels", 0, max);
			assertTrue(method + ": no cell was normalized", regions.normalizedRegions() > 0);
		}
	}

	/**
	 * Largest channel difference, every cell (glass cells too: they get the slide's model, so that no cell border shows).
	 */
	private static int maxDifference(RgbImage whole, RgbImage lazy) {
		int max = 0;
		for (int cy = 0; cy < H; cy += CELL)
			for (int cx = 0; cx < W; cx += CELL) {
				int w = Math.min(CELL, W - cx), h = Math.min(CELL, H - cy);
				RgbImage expected = whole;
				for (int y = cy; y < cy + h; y++)
					for (int x = cx; x < cx + w; x++) {
						int a = expected.get(x, y), b = lazy.get(x, y);
						for (int s = 0; s <= 16; s += 8) max = Math.max(max, Math.abs(((a >> s) & 0xFF) - ((b >> s) & 0xFF)));
					}
			}
		return max;
	}

	private static RgbImage readAll(RandomAccessibleInterval<ARGBType> img) {
		int w = (int) img.dimension(0), h = (int) img.dimension(1);
		RgbImage out = RgbImage.create(w, h);
		RandomAccess<ARGBType> ra = img.randomAccess();
		// cell by cell, so that a small cache suffices
		for (int cy = 0; cy < h; cy += CELL)
			for (int cx = 0; cx < w; cx += CELL)
				for (int y = cy; y < Math.min(h, cy + CELL); y++)
					for (int x = cx; x < Math.min(w, cx + CELL); x++) {
						ra.setPosition(x, 0);
						ra.setPosition(y, 1);
						out.pixels()[y * w + x] = ra.get().get();
					}
		return out;
	}
}
