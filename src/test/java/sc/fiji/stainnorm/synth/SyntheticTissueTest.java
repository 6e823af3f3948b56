package sc.fiji.stainnorm.synth;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;

import org.junit.Test;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.OpticalDensity;
import sc.fiji.stainnorm.core.RgbImage;

public class SyntheticTissueTest {

	@Test
	public void sameSeedSameTissueOtherSeedOtherTissue() {
		RgbImage a = SyntheticTissue.generate(7, 64, 48).render(StainStyle.A, 1);
		RgbImage b = SyntheticTissue.generate(7, 64, 48).render(StainStyle.A, 1);
		RgbImage c = SyntheticTissue.generate(8, 64, 48).render(StainStyle.A, 1);
		assertTrue(a.sameRgb(b));
		assertFalse(a.sameRgb(c));
	}

	@Test
	public void committedTestImagesAreExactlyWhatTheGeneratorRenders() {
		for (TestImages.Entry e : TestImages.all()) {
			RgbImage onDisk = ImageFiles.read(Path.of("test-images", e.fileName()));
			assertTrue(e.fileName() + " differs from the generator: run TestImages.main again", e.image().sameRgb(onDisk));
		}
	}

	/** Without noise every pixel obeys Beer–Lambert with the style's known stain vectors and strengths. */
	@Test
	public void renderingFollowsBeerLambertWithTheKnownStainMatrix() {
		SyntheticTissue t = SyntheticTissue.generate(3, 96, 96);
		float[] h = t.hematoxylin(), e = t.eosin();
		for (StainStyle s : StainStyle.ALL) {
			RgbImage img = t.render(s, 0);
			double worst = 0;
			for (int i = 0; i < img.pixelCount(); i++) {
				int p = img.pixels()[i];
				int[] rgb = { RgbImage.red(p), RgbImage.green(p), RgbImage.blue(p) };
				for (int c = 0; c < 3; c++) {
					double expectedOd = s.hStrength() * h[i] * s.hematoxylin()[c] + s.eStrength() * e[i] * s.eosin()[c];
					double expectedIntensity = OpticalDensity.toIntensity(expectedOd, s.io());
					worst = Math.max(worst, Math.abs(rgb[c] - expectedIntensity));
				}
			}
			assertEquals("only 8-bit rounding separates pixels from the model (" + s.name() + ")", 0, worst, 0.5 + 1e-9);
		}
	}

	@Test
	public void tissueHasNucleiStromaAndBackground() {
		SyntheticTissue t = SyntheticTissue.generate(1, 256, 256);
		float[] h = t.hematoxylin(), e = t.eosin();
		int nuclei = 0, stroma = 0, background = 0;
		for (int i = 0; i < h.length; i++) {
			if (h[i] > 0.5) nuclei++;
			else if (e[i] > 0.2) stroma++;
			else if (h[i] < 0.02 && e[i] < 0.02) background++;
		}
		double n = h.length;
		assertTrue("nuclei " + nuclei / n, nuclei / n > 0.03 && nuclei / n < 0.4);
		assertTrue("stroma " + stroma / n, stroma / n > 0.3);
		assertTrue("background " + background / n, background / n > 0.01 && background / n < 0.4);
	}

	@Test
	public void stylesAreUnitVectorsAndDiffer() {
		for (StainStyle s : StainStyle.ALL) {
			assertEquals(1, Math.sqrt(dot(s.hematoxylin(), s.hematoxylin())), 1e-12);
			assertEquals(1, Math.sqrt(dot(s.eosin(), s.eosin())), 1e-12);
			assertTrue("haematoxylin has the larger red OD", s.hematoxylin()[0] > s.eosin()[0]);
		}
		assertTrue(dot(StainStyle.A.hematoxylin(), StainStyle.B.hematoxylin()) < 0.999);
	}

	private static double dot(double[] a, double[] b) {
		return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
	}
}
