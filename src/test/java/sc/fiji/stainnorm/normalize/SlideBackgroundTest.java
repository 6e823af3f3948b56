package sc.fiji.stainnorm.normalize;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import sc.fiji.stainnorm.core.ColorSpaces;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.TestImages;

public class SlideBackgroundTest {

	/** The luminance test is CIE L* < 100·luminosity, as {@link ColorSpaces#rgbToLab} computes it. */
	@Test
	public void tissueTestAgreesWithCieLightness() {
		for (double luminosity : new double[] { 0.8, 0.5, 0.95 }) {
			double y = SlideBackground.tissueLuminance(luminosity);
			int disagree = 0;
			for (int r = 0; r < 256; r += 3)
				for (int g = 0; g < 256; g += 3)
					for (int b = 0; b < 256; b += 3) {
						double l = ColorSpaces.rgbToLab(r, g, b)[0];
						if (Math.abs(l - 100 * luminosity) < 1e-9) continue; // on the threshold itself
						if ((l < 100 * luminosity) != (SlideBackground.luminance(RgbImage.pack(r, g, b)) < y)) disagree++;
					}
			assertEquals("luminosity " + luminosity, 0, disagree);
		}
	}

	/** The synthetic scanners' glass (io 245, 232, 252, plus 1 level of noise) is found to within a level. */
	@Test
	public void findsTheGlassOfEachSyntheticScanner() {
		for (long seed : TestImages.SEEDS)
			for (StainStyle s : StainStyle.ALL) {
				RgbImage img = TestImages.render(seed, s);
				double[] io = SlideBackground.intensity(img.pixels(), 1, SlideBackground.DEFAULT_LUMINOSITY);
				for (int c = 0; c < 3; c++)
					assertEquals(s.name() + " channel " + c, s.io(), io[c], 1);
				// a coarser grid finds the same
				double[] coarse = SlideBackground.intensity(img.pixels(), 7, SlideBackground.DEFAULT_LUMINOSITY);
				for (int c = 0; c < 3; c++)
					assertEquals(s.name() + " channel " + c + " (every 7th pixel)", s.io(), coarse[c], 1);
			}
	}

	/** Faint pink tissue is not glass: a patch of light eosin only, with no glass, keeps I₀ = 255. */
	@Test
	public void patchesWithoutGlassKeep255() {
		int[] p = new int[64 * 64];
		for (int i = 0; i < p.length; i++)
			p[i] = RgbImage.pack(245 - i % 7, 200 + i % 11, 230 - i % 5);
		assertArrayEquals(SlideBackground.WHITE, SlideBackground.intensity(p, 1, 0.8), 0);
		// a sliver of glass (under 1% of the pixels) is not trusted either
		for (int i = 0; i < 30; i++)
			p[i * 131] = RgbImage.pack(230, 230, 230);
		assertArrayEquals(SlideBackground.WHITE, SlideBackground.intensity(p, 1, 0.8), 0);
	}

	/** Glass next to faint tissue of nearly the same lightness: I₀ comes from the glass, the brighter half. */
	@Test
	public void glassIsTheBrightestNeutralPart() {
		int[] p = new int[100 * 100];
		for (int i = 0; i < p.length; i++)
			p[i] = i % 3 == 0 ? RgbImage.pack(236, 228, 232) : i % 3 == 1 ? RgbImage.pack(243, 242, 244) : RgbImage.pack(120, 60, 140);
		assertArrayEquals(new double[] { 243, 242, 244 }, SlideBackground.intensity(p, 1, 0.8), 0);
		double[] offset = SlideBackground.odOffset(new double[] { 255, 232, 1 });
		assertEquals(0, offset[0], 0);
		assertEquals(Math.log(255 / 232.0), offset[1], 1e-15);
		assertEquals(Math.log(255), offset[2], 1e-15);
		assertTrue(OdTables.toByte(OdTables.od(232) - offset[1]) == 255);
	}
}
