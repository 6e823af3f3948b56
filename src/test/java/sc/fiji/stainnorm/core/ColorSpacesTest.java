package sc.fiji.stainnorm.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class ColorSpacesTest {

	/** CIE L*a*b* (D65) of the sRGB primaries and white, as tabulated by colour-science references (e.g. Lindbloom). */
	@Test
	public void labOfSrgbPrimariesMatchesPublishedValues() {
		assertArrayEquals(new double[] { 53.2408, 80.0925, 67.2032 }, ColorSpaces.rgbToLab(255, 0, 0), 0.01);
		assertArrayEquals(new double[] { 87.7347, -86.1827, 83.1793 }, ColorSpaces.rgbToLab(0, 255, 0), 0.01);
		assertArrayEquals(new double[] { 32.2970, 79.1875, -107.8602 }, ColorSpaces.rgbToLab(0, 0, 255), 0.01);
		assertArrayEquals(new double[] { 100, 0, 0 }, ColorSpaces.rgbToLab(255, 255, 255), 0.01);
		assertArrayEquals(new double[] { 0, 0, 0 }, ColorSpaces.rgbToLab(0, 0, 0), 1e-9);
	}

	@Test
	public void labRoundTripsWithinOneTwoHundredFiftyFifthOfALevel() {
		double worst = 0;
		for (int r = 0; r < 256; r += 5)
			for (int g = 0; g < 256; g += 5)
				for (int b = 0; b < 256; b += 5) {
					double[] lab = ColorSpaces.rgbToLab(r, g, b);
					double[] back = ColorSpaces.labToRgb(lab[0], lab[1], lab[2]);
					worst = Math.max(worst, Math.max(Math.abs(back[0] - r), Math.max(Math.abs(back[1] - g), Math.abs(back[2] - b))));
				}
		assertEquals(0, worst, 1.0 / 255);
	}

	@Test
	public void srgbLevelsFromTheBoundsAreTheRoundedCurve() {
		java.util.List<Double> values = new java.util.ArrayList<>(java.util.List.of(Double.NaN, Double.NEGATIVE_INFINITY, -1.0, -0.0, 0.0,
			Double.MIN_VALUE, 0.0031308, Math.nextUp(0.0031308), 0.5, 1.0, 1.5, 1e300, Double.POSITIVE_INFINITY));
		// each level's bound and the doubles on either side of it, then values spread over the curve and past its ends
		for (int k = 1; k < 256; k++) {
			double bound = boundOf(k);
			assertEquals("level at the bound of " + k, k, RgbImage.toByte(ColorSpaces.linearToSrgb(bound)));
			values.addAll(java.util.List.of(Math.nextDown(Math.nextDown(bound)), Math.nextDown(bound), bound, Math.nextUp(bound)));
		}
		java.util.Random random = new java.util.Random(3);
		for (int i = 0; i < 200_000; i++) values.add(random.nextDouble() * 1.2 - 0.1);
		for (double c : values)
			assertEquals("linear " + c, RgbImage.toByte(ColorSpaces.linearToSrgb(c)), ColorSpaces.srgbLevelOfLinear(c));
	}

	/** The smallest double whose rounded sRGB level is k, found here by its own bisection on the plain formula. */
	private static double boundOf(int k) {
		long lo = 0, hi = Double.doubleToLongBits(2.0);
		while (hi - lo > 1) {
			long mid = (lo + hi) >>> 1;
			if (RgbImage.toByte(ColorSpaces.linearToSrgb(Double.longBitsToDouble(mid))) >= k) hi = mid;
			else lo = mid;
		}
		return Double.longBitsToDouble(hi);
	}

	/** Reinhard-like transfers of the L*a*b* of pixels of every shared image: the packed pixel is the rounded labToRgb. */
	@Test
	public void labToPackedRgbIsTheRoundedLabToRgbOnTheSharedImages() throws Exception {
		java.nio.file.Path root = sc.fiji.stainnorm.SharedData.he("");
		java.util.List<java.nio.file.Path> files;
		try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(root)) {
			files = s.filter(p -> p.getFileName().toString().toLowerCase().matches(".*\\.(png|tif|tiff|jpg|jpeg)")).sorted().toList();
		}
		double[][] transfers = { { 1, 1, 1, 0, 0, 0 }, { 1.15, 0.8, 1.3, -6, 4, -9 }, { 0.7, 1.4, 0.9, 12, -10, 7 } };
		long compared = 0;
		int images = 0;
		for (java.nio.file.Path f : files) {
			RgbImage img;
			try {
				img = ImageFiles.read(f);
			}
			catch (RuntimeException e) {
				continue; // a file this project refuses (16-bit, ...) is no pixel source here
			}
			images++;
			int[] px = img.pixels();
			for (int i = 0; i < px.length; i += 331) {
				double[] lab = ColorSpaces.rgbToLab(RgbImage.red(px[i]), RgbImage.green(px[i]), RgbImage.blue(px[i]));
				for (double[] t : transfers) {
					double l = lab[0] * t[0] + t[3], a = lab[1] * t[1] + t[4], b = lab[2] * t[2] + t[5];
					double[] rgb = ColorSpaces.labToRgb(l, a, b);
					int expected = RgbImage.pack(RgbImage.toByte(rgb[0]), RgbImage.toByte(rgb[1]), RgbImage.toByte(rgb[2]));
					if (expected != ColorSpaces.labToPackedRgb(l, a, b))
						throw new AssertionError(f + " pixel " + i + " L*a*b* " + l + ", " + a + ", " + b);
					compared++;
				}
			}
		}
		System.out.printf(java.util.Locale.ROOT, "labToPackedRgb = rounded labToRgb on %d values from %d shared images%n", compared, images);
		org.junit.Assert.assertTrue(images + " images", images >= 20);
	}

	/** Expected values computed independently in plain Python from Reinhard et al. 2001, eqs. 1–4 (log10, clamp 1/255). */
	@Test
	public void rudermanMatchesAnIndependentComputation() {
		assertArrayEquals(new double[] { -0.0009538093, 0.0007636271, 0.0000921785 }, ColorSpaces.rgbToRuderman(255, 255, 255), 1e-9);
		assertArrayEquals(new double[] { -0.4746370081, -0.0329927864, 0.0386603642 }, ColorSpaces.rgbToRuderman(200, 100, 150), 1e-9);
		assertArrayEquals(new double[] { -1.8915804928, -0.1653739899, -0.0385499405 }, ColorSpaces.rgbToRuderman(10, 20, 30), 1e-9);
	}

	@Test
	public void rudermanRoundTripsWithinOneTwoHundredFiftyFifthOfALevelAboveBlack() {
		double worst = 0;
		for (int r = 3; r < 256; r += 6)
			for (int g = 3; g < 256; g += 6)
				for (int b = 3; b < 256; b += 6) {
					double[] lab = ColorSpaces.rgbToRuderman(r, g, b);
					double[] back = ColorSpaces.rudermanToRgb(lab[0], lab[1], lab[2]);
					worst = Math.max(worst, Math.max(Math.abs(back[0] - r), Math.max(Math.abs(back[1] - g), Math.abs(back[2] - b))));
				}
		assertEquals(0, worst, 1.0 / 255);
	}

	@Test
	public void rudermanKeepsBlackFinite() {
		double[] lab = ColorSpaces.rgbToRuderman(0, 0, 0);
		double[] back = ColorSpaces.rudermanToRgb(lab[0], lab[1], lab[2]);
		for (double v : back)
			assertEquals("black comes back as (about) the clamp level of 1", 1, v, 0.01);
	}

	@Test
	public void lumaUsesItu601Weights() {
		assertEquals(76.245, ColorSpaces.luma(255, 0, 0), 1e-9);
		assertEquals(149.685, ColorSpaces.luma(0, 255, 0), 1e-9);
		assertEquals(29.07, ColorSpaces.luma(0, 0, 255), 1e-9);
		RgbImage img = RgbImage.wrap(2, 1, new int[] { RgbImage.pack(10, 200, 30), RgbImage.pack(255, 255, 255) });
		RgbImage gray = ColorSpaces.grayscale(img);
		// 0.299*10 + 0.587*200 + 0.114*30 = 123.81, and not ImageJ's unweighted mean 80
		assertEquals(RgbImage.pack(124, 124, 124), gray.pixels()[0]);
		assertEquals(RgbImage.pack(255, 255, 255), gray.pixels()[1]);
	}

	@Test
	public void opticalDensityOfKnownIntensities() {
		assertEquals(0, OpticalDensity.fromIntensity(240, 240), 0);
		assertEquals(1, OpticalDensity.fromIntensity(240 / Math.E, 240), 1e-12);
		assertEquals(Math.log(10), OpticalDensity.fromIntensity(25.5, 255), 1e-12);
		assertEquals("black is clamped to intensity 1", Math.log(255), OpticalDensity.fromIntensity(0, 255), 1e-12);
		for (int i = 1; i < 256; i++)
			assertEquals(i, OpticalDensity.toIntensity(OpticalDensity.fromIntensity(i, 250), 250), 1e-9);
		float[] od = OpticalDensity.ofImage(RgbImage.wrap(1, 1, new int[] { RgbImage.pack(255, 94, 1) }), 255);
		assertArrayEquals(new float[] { 0, (float) Math.log(255 / 94.0), (float) Math.log(255) }, od, 1e-6f);
	}

	@Test
	public void matrixInverseAndSingularity() {
		double[][] m = { { 2, 0, 1 }, { 1, 3, 0 }, { 0, 1, 4 } };
		double[][] inv = Matrix3.inverse(m);
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 3; j++) {
				double s = 0;
				for (int k = 0; k < 3; k++)
					s += m[i][k] * inv[k][j];
				assertEquals(i == j ? 1 : 0, s, 1e-12);
			}
		try {
			Matrix3.inverse(new double[][] { { 1, 2, 3 }, { 2, 4, 6 }, { 0, 1, 0 } });
			org.junit.Assert.fail("singular matrix accepted");
		}
		catch (StainNormException e) {
			org.junit.Assert.assertTrue(e.getMessage().contains("singular"));
		}
	}
}
