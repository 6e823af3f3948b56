package sc.fiji.stainnorm.deconvolution;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import sc.fiji.stainnorm.SharedData;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;
import sc.fiji.stainnorm.synth.TestImages;

public class ColourDeconvolutionTest {

	private static int maxDifference(RgbImage a, RgbImage b) {
		int max = 0;
		for (int i = 0; i < a.pixelCount(); i++)
			for (int shift = 0; shift <= 16; shift += 8)
				max = Math.max(max, Math.abs(((a.pixels()[i] >> shift) & 0xFF) - ((b.pixels()[i] >> shift) & 0xFF)));
		return max;
	}

	private static void assertRoundTrip(RgbImage image, StainVectors stains, double io) {
		ColourDeconvolution d = new ColourDeconvolution(stains, io);
		RgbImage back = d.reconstruct(image.width(), image.height(), d.concentrations(image));
		assertTrue(image + " io=" + io, maxDifference(image, back) <= 1);
	}

	@Test
	public void deconvolveThenReconvolveReproducesTheInput() {
		for (StainVectors v : new StainVectors[] { StainVectors.H_E, StainVectors.H_E_DAB })
			for (double io : new double[] { 255, 240 })
				assertRoundTrip(TestImages.render(1, StainStyle.C), v, io);
		// every 8-bit colour, black and white included
		int[] all = new int[1 << 24];
		for (int i = 0; i < all.length; i++)
			all[i] = 0xFF000000 | i;
		assertRoundTrip(RgbImage.wrap(4096, 4096, all), StainVectors.H_E, 255);
		assertRoundTrip(RgbImage.wrap(4096, 4096, all), StainVectors.H_E_DAB, 240);
	}

	@Test
	public void roundTripOnARealImage() {
		RgbImage real = ImageFiles.read(SharedData.he("pegahs1993_Stain-to-Stain-Translation/7.tiff"));
		assertRoundTrip(real, StainVectors.H_E, 255);
		assertRoundTrip(real, StainVectors.of(new String[] { "a", "b", "c" }, new double[] { 0.6443, 0.7166, 0.2668 }, new double[] { 0.0928, 0.9541, 0.2831 }), 250);
	}

	@Test
	public void residualIsTheNonNegativeComplementWorkedOutByHand() {
		// H = (0.650, 0.704, 0.286) / 0.999956, E = (0.072, 0.990, 0.105) / 0.9981533 (norms by hand)
		double h0 = 0.650 / 0.999956, h1 = 0.704 / 0.999956, h2 = 0.286 / 0.999956;
		double e0 = 0.072 / 0.9981533, e1 = 0.990 / 0.9981533, e2 = 0.105 / 0.9981533;
		double r0 = Math.sqrt(1 - h0 * h0 - e0 * e0), r1 = 0 /* 1 - h1² - e1² < 0 */, r2 = Math.sqrt(1 - h2 * h2 - e2 * e2);
		double n = Math.sqrt(r0 * r0 + r1 * r1 + r2 * r2);
		double[] third = StainVectors.H_E.vector(2);
		assertEquals(r0 / n, third[0], 1e-5);
		assertEquals(r1 / n, third[1], 1e-5);
		assertEquals(r2 / n, third[2], 1e-5);
		assertEquals(0.622, third[0], 1e-3); // about (0.62, 0, 0.78)
		assertEquals(0.783, third[2], 1e-3);
	}

	@Test
	public void concentrationsOfSyntheticTissueAreTheTrueOnes() {
		// style A uses exactly Ruifrok's H and E and a background of 245; rendered without noise
		SyntheticTissue tissue = SyntheticTissue.generate(3, 128, 128);
		RgbImage image = tissue.render(StainStyle.A, 0);
		float[][] c = new ColourDeconvolution(StainVectors.H_E, 245).concentrations(image);
		float[] h = tissue.hematoxylin(), e = tissue.eosin();
		double worstH = 0, worstE = 0, worstResidual = 0;
		for (int i = 0; i < h.length; i++) {
			// 8-bit rounding costs up to 0.5/I in OD; keep pixels that are not too dark
			int min = Math.min(RgbImage.red(image.pixels()[i]), Math.min(RgbImage.green(image.pixels()[i]), RgbImage.blue(image.pixels()[i])));
			if (min < 40) continue;
			worstH = Math.max(worstH, Math.abs(c[0][i] - h[i]));
			worstE = Math.max(worstE, Math.abs(c[1][i] - e[i]));
			worstResidual = Math.max(worstResidual, Math.abs(c[2][i]));
		}
		assertTrue("H " + worstH, worstH < 0.03);
		assertTrue("E " + worstE, worstE < 0.03);
		assertTrue("residual " + worstResidual, worstResidual < 0.03);
	}

	@Test
	public void singleStainImageIsThatStainAlone() {
		SyntheticTissue tissue = SyntheticTissue.generate(4, 96, 96);
		StainStyle onlyH = new StainStyle("onlyH", StainStyle.A.hematoxylin(), StainStyle.A.eosin(), 1, 0, 245);
		ColourDeconvolution d = new ColourDeconvolution(StainVectors.H_E, 245);
		RgbImage image = tissue.render(StainStyle.A, 0);
		RgbImage h = d.singleStain(96, 96, d.concentrations(image), 0);
		assertTrue(maxDifference(h, tissue.render(onlyH, 0)) <= 3);
	}

	@Test
	public void clampingRemovesEveryNegativeConcentration() {
		float[][] c = new ColourDeconvolution(StainVectors.H_E, 255).concentrations(TestImages.render(2, StainStyle.B));
		long negative = 0;
		for (float[] plane : c)
			for (float v : plane)
				if (v < 0) negative++;
		assertTrue("style B is outside Ruifrok's cone somewhere", negative > 0);
		assertEquals(negative, ColourDeconvolution.clampNegative(c));
		for (float[] plane : c)
			for (float v : plane)
				assertTrue(v >= 0);
	}

	@Test
	public void badVectorsAndIoAreRefused() {
		assertThrows(StainNormException.class, () -> StainVectors.of(new String[] { "a", "b", "c" }, new double[] { 1, 1, 0 }, new double[] { 0, 0, 0 }));
		assertThrows(StainNormException.class,
			() -> new ColourDeconvolution(StainVectors.of(new String[] { "a", "b", "c" }, new double[] { 1, 1, 0 }, new double[] { 2, 2, 0 }, new double[] { 0, 0, 1 }), 255));
		assertThrows(StainNormException.class, () -> new ColourDeconvolution(StainVectors.H_E, 0));
		assertThrows(StainNormException.class, () -> new ColourDeconvolution(StainVectors.H_E, Double.NaN));
	}
}
