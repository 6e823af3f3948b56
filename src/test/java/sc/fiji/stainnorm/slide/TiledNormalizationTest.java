package sc.fiji.stainnorm.slide;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.SourceModel;
import sc.fiji.stainnorm.normalize.SourceModels;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;
import sc.fiji.stainnorm.synth.TestImages;

/** Agreement: an image normalized whole equals the same image normalized tile by tile with the model learned from it. */
public class TiledNormalizationTest {
	static final String[] METHODS = { "reinhard", "reinhard:space=ruderman,mask=true", "macenko", "macenko:tissue=auto", "vahadane", "khan" };
	static final int TILE = 128;

	@Test
	public void wholeEqualsTileByTileWithTheModelOfTheWholeImage() throws Exception {
		// 700x500 (tiles of 128, the last row and column narrower), the right 200 columns glass: tissue-free tiles
		RgbImage image = SyntheticTissue.generate(21, 700, 500).render(StainStyle.C, 1.0);
		for (int y = 0; y < 500; y++)
			for (int x = 500; x < 700; x++)
				image.set(x, y, 241, 240, 243);
		for (String spec : METHODS) {
			String[] parts = spec.split(":", 2);
			StainNormalizer n = Methods.create(parts[0], MethodOptions.parse(parts.length > 1 ? parts[1] : ""));
			n.fit(List.of(TestImages.render(2, StainStyle.B)));
			RgbImage whole = n.normalize(image).image();
			SourceModel model = n.learnSource(List.of(image));
			TiledNormalization.Result tiled = TiledNormalization.byTiles(n, model, new ImageRegionSource(image), TILE);
			assertEquals(6 * 4, tiled.tiles());
			assertTrue(spec + ": tiles without tissue " + tiled.glass(), tiled.glass() >= 4);
			RgbImage wholeWithModel = n.normalize(model, image).image();
			assertEquals(spec + ": the model of the image is the image's own normalization", 0, TiledNormalization.maxDifference(whole, wholeWithModel));
			int glass = 0;
			for (int y = 0; y < 500; y += TILE)
				for (int x = 0; x < 700; x += TILE) {
					int w = Math.min(TILE, 700 - x), h = Math.min(TILE, 500 - y);
					RgbImage got = tiled.image().crop(x, y, w, h), in = image.crop(x, y, w, h);
					// every tile, glass too, is the whole image's result: no step at any tile border
					assertEquals(spec + " tile " + x + "," + y, 0, TiledNormalization.maxDifference(got, whole.crop(x, y, w, h)));
					if (!SourceModels.hasTissue(in)) glass++;
				}
			assertEquals(spec, tiled.glass(), glass);
		}
	}

	/**
	 * Reinhard's {@code glass=reference} maps every pixel alike given the slide model, glass tiles too (drawn at the
	 * reference's glass level, as the glass beside the tissue is): tiled equals whole on every tile, so no seam on glass.
	 */
	@Test
	public void glassAtTheReferenceLevelIsSeamless() throws Exception {
		RgbImage image = SyntheticTissue.generate(21, 700, 500).render(StainStyle.C, 1.0);
		for (int y = 0; y < 500; y++)
			for (int x = 500; x < 700; x++)
				image.set(x, y, 241, 240, 243);
		for (String options : new String[] { "glass=reference", "space=ruderman,mask=true,glass=reference" }) {
			StainNormalizer n = Methods.create("reinhard", MethodOptions.parse(options));
			RgbImage reference = TestImages.render(2, StainStyle.B);
			for (int y = 0; y < 60; y++)
				for (int x = 0; x < reference.width(); x++)
					reference.set(x, y, 232, 232, 234);
			n.fit(List.of(reference));
			RgbImage whole = n.normalize(image).image();
			TiledNormalization.Result tiled = TiledNormalization.byTiles(n, n.learnSource(List.of(image)), new ImageRegionSource(image), TILE);
			assertTrue(options + ": tiles without tissue " + tiled.glass(), tiled.glass() >= 4);
			assertEquals(options, 0, TiledNormalization.maxDifference(tiled.image(), whole));
			int glass = tiled.image().get(650, 250) & 0xFFFFFF;
			assertTrue(options + ": a glass tile at the reference's glass level, not the input's: " + Integer.toHexString(glass),
				Math.abs((glass >> 16) - 232) <= 2 && Math.abs((glass & 0xFF) - 234) <= 2);
		}
	}
}
