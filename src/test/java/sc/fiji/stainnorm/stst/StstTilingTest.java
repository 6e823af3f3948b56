package sc.fiji.stainnorm.stst;

import static org.junit.Assert.assertTrue;

import java.util.TreeSet;

import org.junit.Test;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/** Normalizes a large image tile by tile and looks for steps in the output along the tile borders. */
public class StstTilingTest {
	private static final int W = 420, H = 300, TILE = 64;

	@Test
	public void blendedTilesLeaveNoSeams() {
		RgbImage img = SyntheticTissue.generate(11, W, H).render(StainStyle.B, 1.0);
		String model = "model=" + TinyModels.trained().model() + ",tile=" + TILE + ",batch=4";
		// the tiling itself, on the generator's output (keep_structure would also smooth over a seam)
		double blended = seamRatio(Methods.create("stst", MethodOptions.parse(model + ",overlap=16,keep_structure=false")), img, 16);
		double hard = seamRatio(Methods.create("stst", MethodOptions.parse(model + ",overlap=0,keep_structure=false")), img, 0);
		double byDefault = seamRatio(Methods.create("stst", MethodOptions.parse(model + ",overlap=16")), img, 16);
		System.out.printf("STST seams (border step / other steps): blended %.3f, hard-edged %.3f, blended with keep_structure %.3f%n", blended, hard, byDefault);
		// a ratio of 1 means the tile borders look like any other column
		assertTrue("blended seam ratio " + blended + " (hard-edged tiles: " + hard + ")", blended < 1.25);
		assertTrue("hard-edged tiles should show seams: " + hard + " vs " + blended, hard > blended + 0.2);
		assertTrue("blended seam ratio with keep_structure " + byDefault, byDefault < 1.25);
	}

	@Test
	public void tilesCoverEveryPixelEvenly() {
		for (int size : new int[] { 1, 63, 64, 65, 200, 1000 }) {
			int[] p = Tiler.positions(size, 64, 16);
			assertTrue(p[0] == 0);
			assertTrue(size <= 64 || p[p.length - 1] == size - 64);
			for (int k = 1; k < p.length; k++) assertTrue(p[k] - p[k - 1] <= 48 && p[k] > p[k - 1]);
		}
	}

	/** Mean colour step across the columns where tiles begin or end, over the mean step elsewhere. */
	private static double seamRatio(StainNormalizer s, RgbImage img, int overlap) {
		RgbImage out = s.normalize(img).image();
		int[] px = out.pixels();
		TreeSet<Integer> borders = new TreeSet<>();
		for (int x : Tiler.positions(W, TILE, overlap)) {
			if (x > 0) borders.add(x);
			if (x + TILE < W) borders.add(x + TILE);
		}
		double atBorder = 0, elsewhere = 0;
		int nb = 0, ne = 0;
		for (int x = 1; x < W; x++) {
			double step = 0;
			for (int y = 0; y < H; y++) {
				int a = px[y * W + x - 1], b = px[y * W + x];
				step += Math.abs(RgbImage.red(a) - RgbImage.red(b)) + Math.abs(RgbImage.green(a) - RgbImage.green(b))
					+ Math.abs(RgbImage.blue(a) - RgbImage.blue(b));
			}
			if (borders.contains(x)) { atBorder += step; nb++; }
			else { elsewhere += step; ne++; }
		}
		return (atBorder / nb) / (elsewhere / ne);
	}
}
