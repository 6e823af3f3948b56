package sc.fiji.stainnorm.augment;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.deconvolution.StainVectors;

public class StainAugmenterTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private static RgbImage patch() {
		return ImageFiles.read(Path.of("test-images/tissue1_B.png"));
	}

	private static int maxDifference(RgbImage a, RgbImage b) {
		int max = 0;
		for (int i = 0; i < a.pixelCount(); i++)
			for (int shift = 0; shift <= 16; shift += 8)
				max = Math.max(max, Math.abs(((a.pixels()[i] >> shift) & 0xFF) - ((b.pixels()[i] >> shift) & 0xFF)));
		return max;
	}

	@Test
	public void zeroSigmaGivesTheInputBackWithinOneLevel() {
		RgbImage in = patch();
		for (StainAugmenter a : List.of(StainAugmenter.hed(0, 0), StainAugmenter.macenko(0, 0), StainAugmenter.vahadane(0, 0))) {
			Augmentation out = a.augment(in, 123);
			assertNull(a + ": " + out.unchanged(), out.unchanged());
			assertArrayEquals(new double[] { 1, 1, 1 }, out.alpha(), 0);
			assertArrayEquals(new double[] { 0, 0, 0 }, out.beta(), 0);
			assertTrue(a + " differs by " + maxDifference(in, out.image()), maxDifference(in, out.image()) <= 1);
		}
	}

	/** Deconvolving the output recovers c_out = α·c_in + β per stain on tissue pixels: a regression gives α and β back. */
	@Test
	public void theDrawnParametersReproduceTheOutput() {
		RgbImage in = patch();
		StainAugmenter augmenter = StainAugmenter.hed(0.3, 0.1);
		Augmentation out = augmenter.augment(in, 7);
		assertFalse(out.isUnchanged());
		assertTrue("the draw is not trivial", Math.abs(out.alpha()[0] - 1) > 0.01 || Math.abs(out.alpha()[1] - 1) > 0.01);
		assertArrayEquals(StainVectors.H_E_DAB.vectors()[2], out.stains()[2], 0);
		// OD against the patch's glass: tissue1_B's is 232 (StainStyle.B), give or take the noise
		assertEquals(232, out.glass()[1], 3);
		float[][] cin = StainAugmenter.concentrations(in, out.stains(), out.glass()),
			cout = StainAugmenter.concentrations(out.image(), out.stains(), out.glass());
		for (int s = 0; s < 3; s++) {
			double sx = 0, sy = 0, sxx = 0, sxy = 0;
			int n = 0;
			for (int i = 0; i < in.pixelCount(); i++) {
				int p = in.pixels()[i], q = out.image().pixels()[i];
				if (StainAugmenter.shiftWeight(maxOd(p, out.glass())) < 1 || !inRange(p) || !inRange(q)) continue;
				sx += cin[s][i];
				sy += cout[s][i];
				sxx += cin[s][i] * (double) cin[s][i];
				sxy += cin[s][i] * (double) cout[s][i];
				n++;
			}
			assertTrue(n > in.pixelCount() / 4);
			double slope = (sxy - sx * sy / n) / (sxx - sx * sx / n), intercept = (sy - slope * sx) / n;
			assertEquals("alpha of stain " + s, out.alpha()[s], slope, 0.02);
			assertEquals("beta of stain " + s, out.beta()[s], intercept, 0.01);
		}
	}

	private static double maxOd(int rgb, double[] glass) {
		return Math.max(Math.log(glass[0] / Math.max(1, RgbImage.red(rgb))),
			Math.max(Math.log(glass[1] / Math.max(1, RgbImage.green(rgb))), Math.log(glass[2] / Math.max(1, RgbImage.blue(rgb)))));
	}

	/** Away from 0 and 255, where rounding to 8 bits loses most of the optical density. */
	private static boolean inRange(int rgb) {
		for (int shift = 0; shift <= 16; shift += 8) {
			int v = (rgb >> shift) & 0xFF;
			if (v < 20 || v > 250) return false;
		}
		return true;
	}

	@Test
	public void rotationTurnsTheVectorsByTheDrawnAngle() {
		double[] h = StainVectors.H_E_DAB.vector(0);
		for (double axis : new double[] { 0, 77, 190, 300 }) {
			double[] r = StainAugmenter.rotate(h, 5, axis);
			assertEquals(1, Math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]), 1e-12);
			double cos = r[0] * h[0] + r[1] * h[1] + r[2] * h[2];
			assertEquals(5, Math.toDegrees(Math.acos(Math.min(1, cos))), 1e-6);
		}
		// a component that would turn negative is 0
		for (double c : StainAugmenter.rotate(new double[] { 0, 0.99, Math.sqrt(1 - 0.99 * 0.99) }, 15, 0))
			assertTrue(c >= 0);

		StainAugmenter plain = StainAugmenter.macenko(0.1, 0.05), turned = plain.withRotation(8);
		double[][] d = turned.draw(99), p = plain.draw(99);
		assertArrayEquals("a rotation leaves alpha as drawn", p[0], d[0], 0);
		assertArrayEquals(p[1], d[1], 0);
		assertTrue(Math.abs(d[2][0]) <= 8 && Math.abs(d[2][1]) <= 8 && d[2][2] == 0 && (d[2][0] != 0 || d[2][1] != 0));

		// σ = 0 with a rotation: the output, unmixed on the turned vectors, has the input's concentrations
		RgbImage in = patch();
		Augmentation out = StainAugmenter.hed(0, 0).withRotation(10).augment(in, 5);
		assertFalse(out.image().sameRgb(in));
		for (int s = 0; s < 3; s++) {
			double cos = 0;
			for (int c = 0; c < 3; c++)
				cos += out.stains()[s][c] * out.renderStains()[s][c];
			assertEquals(Math.abs(out.rotation()[s]), Math.toDegrees(Math.acos(Math.min(1, cos))), 2);
		}
		float[][] cin = StainAugmenter.concentrations(in, out.stains(), out.glass()),
			cout = StainAugmenter.concentrations(out.image(), out.renderStains(), out.glass());
		double err = 0;
		int n = 0;
		for (int i = 0; i < in.pixelCount(); i++) {
			if (!inRange(in.pixels()[i]) || !inRange(out.image().pixels()[i])) continue;
			for (int s = 0; s < 2; s++)
				err += Math.abs(cin[s][i] - cout[s][i]);
			n++;
		}
		assertTrue(n > in.pixelCount() / 4);
		assertTrue("mean concentration difference " + err / (2 * n), err / (2 * n) < 0.01);
	}

	@Test
	public void drawsAreUniformOverTheRequestedRanges() {
		double s1 = 0.2, s2 = 0.05;
		StainAugmenter a = StainAugmenter.hed(s1, s2);
		int n = 20000;
		double[] sum = new double[2], sumSq = new double[2], min = { 9, 9 }, max = { -9, -9 };
		for (int k = 0; k < n; k++) {
			double[][] ab = a.draw(StainAugmenter.seed(1, "patch.png", k));
			for (int s = 0; s < 3; s++) {
				double[] v = { ab[0][s] - 1, ab[1][s] };
				for (int j = 0; j < 2; j++) {
					sum[j] += v[j];
					sumSq[j] += v[j] * v[j];
					min[j] = Math.min(min[j], v[j]);
					max[j] = Math.max(max[j], v[j]);
				}
			}
		}
		double[] sigma = { s1, s2 };
		for (int j = 0; j < 2; j++) {
			double mean = sum[j] / (3 * n), variance = sumSq[j] / (3 * n) - mean * mean;
			assertEquals(0, mean, 0.02 * sigma[j]);
			assertEquals("uniform variance sigma^2/3", sigma[j] * sigma[j] / 3, variance, 0.03 * sigma[j] * sigma[j]);
			assertTrue(min[j] >= -sigma[j] && min[j] < -0.99 * sigma[j]);
			assertTrue(max[j] <= sigma[j] && max[j] > 0.99 * sigma[j]);
		}
		// the stain-matrix methods perturb H and E only; the residual stays
		double[][] ab = StainAugmenter.macenko(s1, s2).draw(5);
		assertEquals(1, ab[0][2], 0);
		assertEquals(0, ab[1][2], 0);
	}

	@Test
	public void seedsDependOnRunSeedNameAndCopyOnly() {
		assertEquals(StainAugmenter.seed(3, "a.png", 1), StainAugmenter.seed(3, "a.png", 1));
		assertNotEquals(StainAugmenter.seed(3, "a.png", 1), StainAugmenter.seed(3, "b.png", 1));
		assertNotEquals(StainAugmenter.seed(3, "a.png", 1), StainAugmenter.seed(4, "a.png", 1));
		assertNotEquals(StainAugmenter.seed(3, "a.png", 1), StainAugmenter.seed(3, "a.png", 2));
		RgbImage in = patch();
		StainAugmenter a = StainAugmenter.macenko(0.2, 0.05);
		assertTrue(a.augment(in, 11).image().sameRgb(a.augment(in, 11).image()));
		// glass keeps its colour: pixels of the glass's colour are unchanged under a strong perturbation
		Augmentation strong = StainAugmenter.hed(0.5, 0.3).augment(in, 3);
		int glassPixels = 0;
		for (int i = 0; i < in.pixelCount(); i++) {
			int p = in.pixels()[i];
			if (Math.abs(RgbImage.green(p) - strong.glass()[1]) > 1 || Math.abs(RgbImage.red(p) - strong.glass()[0]) > 1
				|| Math.abs(RgbImage.blue(p) - strong.glass()[2]) > 1) continue;
			glassPixels++;
			int q = strong.image().pixels()[i];
			for (int shift = 0; shift <= 16; shift += 8)
				assertEquals(((p >> shift) & 0xFF), ((q >> shift) & 0xFF), 2);
		}
		assertTrue(glassPixels > 100);
		assertFalse(a.augment(in, 11).image().sameRgb(a.augment(in, 12).image()));
	}

	@Test
	public void filesAreTheSameBytesWithAnyThreadCount() throws Exception {
		Path in = tmp.newFolder("in").toPath();
		for (String name : new String[] { "tissue1_B.png", "tissue2_C.png", "tissue1_A.png" })
			Files.copy(Path.of("test-images", name), in.resolve(name));
		List<Path> inputs = List.of(in.resolve("tissue1_A.png"), in.resolve("tissue1_B.png"), in.resolve("tissue2_C.png"));
		Path one = tmp.getRoot().toPath().resolve("one"), three = tmp.getRoot().toPath().resolve("three");
		StainAugmenter a = StainAugmenter.hed(0.1, 0.05);
		AugmentBatch.run(a, inputs, one, 3, 42, false, 1, Progress.NONE);
		AugmentBatch.run(a, inputs, three, 3, 42, false, 3, Progress.NONE);
		try (var files = Files.list(one)) {
			List<Path> written = files.sorted().toList();
			assertEquals(3 * 3 + 1, written.size());
			for (Path f : written)
				assertArrayEquals(f.getFileName().toString(), Files.readAllBytes(f), Files.readAllBytes(three.resolve(f.getFileName())));
		}
		List<String> csv = Files.readAllLines(one.resolve(AugmentBatch.CSV));
		assertEquals(10, csv.size());
		assertTrue(csv.get(1), csv.get(1).startsWith("tissue1_A.png,1,tissue1_A_aug01.png,hed,0.1,0.05,"));
		// the CSV's α and β reproduce the variant
		String[] f = csv.get(2).split(",");
		double[] alpha = { Double.parseDouble(f[7]), Double.parseDouble(f[8]), Double.parseDouble(f[9]) };
		double[] beta = { Double.parseDouble(f[10]), Double.parseDouble(f[11]), Double.parseDouble(f[12]) };
		RgbImage redone = a.apply(ImageFiles.read(inputs.get(0)), alpha, beta).image();
		assertTrue(redone.sameRgb(ImageFiles.read(one.resolve(f[2]))));
		assertEquals(a.augment(ImageFiles.read(inputs.get(0)), Long.parseLong(f[6])).image().pixels().length, redone.pixelCount());
	}

	@Test
	public void robustOnBlackWhiteFlatAndTinyImages() {
		RgbImage black = flat(16, 16, 0x000000), white = flat(16, 16, 0xFFFFFF), pink = flat(32, 32, 0xD070B0), tiny = flat(1, 1, 0x8040A0);
		RgbImage twoByThree = RgbImage.wrap(2, 3, new int[] { 0xFF0000, 0x00FF00, 0x0000FF, 0x804080, 0xF0E0F0, 0x000000 });
		for (StainAugmenter.Method m : StainAugmenter.Method.values()) {
			StainAugmenter a = StainAugmenter.of(m, 0.3, 0.2);
			Augmentation w = a.augment(white, 1);
			assertTrue(m + ": glass is returned as it is", w.isUnchanged() && w.image().sameRgb(white));
			for (RgbImage img : new RgbImage[] { black, pink, tiny, twoByThree }) {
				Augmentation out = a.augment(img, 1);
				assertEquals(img.width(), out.image().width());
				assertEquals(img.height(), out.image().height());
				assertTrue(out.clippedValues() >= 0 && out.clippedValues() <= 3L * img.pixelCount());
				if (out.isUnchanged()) assertTrue(out.image().sameRgb(img));
				else assertNotNull(out.stains());
			}
		}
		// one colour has no two stains to estimate: the stain-matrix methods say so, HED jitter works on it
		assertTrue(StainAugmenter.macenko(0.3, 0.2).augment(pink, 1).unchanged().contains("macenko"));
		assertFalse(StainAugmenter.hed(0.3, 0.2).augment(pink, 1).isUnchanged());
		Augmentation bright = StainAugmenter.hed(0, 0).apply(pink, new double[] { 1, 1, 1 }, new double[] { -1, -1, -1 });
		assertTrue("a large negative shift pushes values above 255", bright.clippedValues() > 0);
	}

	private static RgbImage flat(int w, int h, int rgb) {
		int[] p = new int[w * h];
		Arrays.fill(p, 0xFF000000 | rgb);
		return RgbImage.wrap(w, h, p);
	}
}
