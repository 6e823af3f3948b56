package sc.fiji.stainnorm.normalize;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;

import sc.fiji.stainnorm.SharedData;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;
import sc.fiji.stainnorm.synth.TestImages;

public class VahadaneTest {

	private static Vahadane fitted(RgbImage... refs) {
		Vahadane v = new Vahadane();
		v.fit(List.of(refs));
		return v;
	}

	/** A style with background 255, so the image's OD is exactly the stains' (no background offset). */
	private static StainStyle white(StainStyle s) {
		return new StainStyle(s.name() + "255", s.hematoxylin(), s.eosin(), s.hStrength(), s.eStrength(), 255);
	}

	/**
	 * Tissue that fits Vahadane's model exactly: every stained pixel holds one stain only (sparse), background
	 * 255. The two atoms must then be the true stain vectors.
	 */
	@Test
	public void recoversTheStainMatrixOfSparselyStainedTissue() {
		SyntheticTissue tissue = SyntheticTissue.generate(11, 256, 256);
		float[] h = tissue.hematoxylin(), e = tissue.eosin();
		for (StainStyle s : StainStyle.ALL) {
			int[] p = new int[h.length];
			double[] hv = s.hematoxylin(), ev = s.eosin();
			for (int i = 0; i < p.length; i++) {
				boolean nucleus = h[i] > e[i];
				double ch = nucleus ? s.hStrength() * h[i] : 0, ce = nucleus ? 0 : s.eStrength() * e[i];
				int[] rgb = new int[3];
				for (int c = 0; c < 3; c++)
					rgb[c] = RgbImage.toByte(255 * Math.exp(-(ch * hv[c] + ce * ev[c])));
				p[i] = RgbImage.pack(rgb[0], rgb[1], rgb[2]);
			}
			double[][] m = new Vahadane().estimateStains(RgbImage.wrap(256, 256, p));
			double hAngle = TestSupport.angleDegrees(m[0], hv), eAngle = TestSupport.angleDegrees(m[1], ev);
			System.out.printf("Vahadane stain recovery, sparse tissue, style %s: H off by %.2f deg, E off by %.2f deg%n", s.name(), hAngle, eAngle);
			assertTrue("H angle " + hAngle, hAngle < 1.5);
			assertTrue("E angle " + eAngle, eAngle < 1.5);
		}
	}

	/**
	 * The project's synthetic tissue mixes the stains in every pixel (stroma carries some haematoxylin, nuclei
	 * keep some eosin), which pulls the sparse atoms a few degrees into the cone; with io &lt; 255 the gray
	 * background OD adds to every pixel as well.
	 */
	@Test
	public void recoversTheKnownStainMatrixOfSyntheticTissue() {
		SyntheticTissue tissue = SyntheticTissue.generate(11, 256, 256);
		for (StainStyle style : StainStyle.ALL) {
			StainStyle s = white(style);
			double[][] m = new Vahadane().estimateStains(tissue.render(s, 1.0));
			double hAngle = TestSupport.angleDegrees(m[0], s.hematoxylin()), eAngle = TestSupport.angleDegrees(m[1], s.eosin());
			System.out.printf("Vahadane stain recovery, style %s (io 255): H off by %.2f deg, E off by %.2f deg%n", style.name(), hAngle, eAngle);
			assertTrue("H angle " + hAngle, hAngle < 8);
			assertTrue("E angle " + eAngle, eAngle < 8);
			double[][] m2 = new Vahadane().estimateStains(tissue.render(style, 1.0));
			double h2 = TestSupport.angleDegrees(m2[0], style.hematoxylin()), e2 = TestSupport.angleDegrees(m2[1], style.eosin());
			System.out.printf("Vahadane stain recovery, style %s (io %.0f): H off by %.2f deg, E off by %.2f deg%n", style.name(), style.io(), h2, e2);
			assertTrue("H angle " + h2, h2 < 13);
			assertTrue("E angle " + e2, e2 < 13);
		}
	}

	@Test
	public void isBitIdenticalAcrossRuns() {
		RgbImage ref = TestImages.render(2, StainStyle.B), src = TestImages.render(1, StainStyle.A);
		RgbImage first = fitted(ref).normalize(src).image();
		RgbImage second = fitted(ref).normalize(src).image();
		assertTrue(first.sameRgb(second));
		Vahadane v = fitted(ref);
		assertTrue(v.normalize(src).image().sameRgb(v.normalize(src).image()));
	}

	@Test
	public void mapsScannerATowardsScannerB() {
		TestSupport.assertMapsStylesAAndCTowardsB("Vahadane", VahadaneTest::fitted);
	}

	@Test
	public void acceptsSeveralReferences() {
		RgbImage src = TestImages.render(1, StainStyle.A), truth = TestImages.render(1, StainStyle.B);
		Vahadane pooled = fitted(TestImages.render(2, StainStyle.B), TestImages.render(1, StainStyle.B));
		double after = TestSupport.mse(pooled.normalize(src).image(), truth);
		assertTrue(after < 0.5 * TestSupport.mse(src, truth));
		// pooled stain vectors lie close to the true ones
		double[][] m = pooled.targetStains();
		assertTrue(TestSupport.angleDegrees(m[0], StainStyle.B.hematoxylin()) < 13);
		assertTrue(TestSupport.angleDegrees(m[1], StainStyle.B.eosin()) < 13);
		// and differ from a fit to one reference only (the references are really pooled)
		double[][] single = fitted(TestImages.render(2, StainStyle.B)).targetStains();
		assertFalse(java.util.Arrays.deepEquals(single, m));
	}

	@Test
	public void concentrationsAreNeverNegative() {
		Vahadane v = fitted(TestImages.render(2, StainStyle.B));
		RgbImage img = TestSupport.withPenMarks(TestImages.render(1, StainStyle.C));
		float[][] c = v.concentrations(img, v.estimateStains(img));
		for (float[] plane : c)
			for (float x : plane)
				assertTrue(x >= 0 && Float.isFinite(x));
	}

	@Test
	public void tissueFreePatchesComeBackUnchangedWithAWarning() {
		Vahadane v = fitted(TestImages.render(2, StainStyle.B));
		RgbImage tissue = TestImages.render(1, StainStyle.A);
		for (RgbImage blank : new RgbImage[] { TestSupport.uniform(64, 64, 255, 255, 255), TestSupport.uniform(64, 64, 240, 238, 241),
			TestSupport.nearlyEmpty(tissue) }) {
			Normalized out = v.normalize(blank);
			assertTrue(out.image().sameRgb(blank));
			assertEquals(1, out.warnings().size());
			assertTrue(out.warnings().get(0), out.warnings().get(0).contains("no tissue"));
		}
	}

	/** Noisy, slightly tinted glass (238, 234, 241) ± 2 levels with a disc of tissue covering {@code fraction} of it. */
	static RgbImage tissueOnGlass(RgbImage tissue, double fraction, long seed) {
		java.util.Random rnd = new java.util.Random(seed);
		int w = tissue.width(), h = tissue.height();
		RgbImage out = RgbImage.create(w, h);
		double r2 = fraction * w * h / Math.PI;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				double dx = x - w / 2, dy = y - h / 2;
				if (dx * dx + dy * dy <= r2) out.pixels()[y * w + x] = tissue.get(x, y);
				else out.set(x, y, RgbImage.toByte(238 + 2 * rnd.nextGaussian()), RgbImage.toByte(234 + 2 * rnd.nextGaussian()),
					RgbImage.toByte(241 + 2 * rnd.nextGaussian()));
			}
		return out;
	}

	/**
	 * Glass stays glass whatever the amount of tissue: rendered as the reference's glass (232 gray, style B), never as
	 * stain. (Scaling by the 99th percentile over all pixels, and OD relative to 255, turned the glass of a patch with
	 * 5% tissue dark purple.)
	 */
	@Test
	public void glassStaysGlassForEveryAmountOfTissue() {
		Vahadane v = fitted(TestImages.render(2, StainStyle.B));
		double[] glass = v.targetBackground();
		for (int c = 0; c < 3; c++)
			assertEquals("reference glass " + java.util.Arrays.toString(glass), 232, glass[c], 1);
		RgbImage tissue = TestImages.render(1, StainStyle.A);
		for (double fraction : new double[] { 0.002, 0.01, 0.02, 0.05, 0.1, 0.3, 0.6 }) {
			RgbImage in = tissueOnGlass(tissue, fraction, 7);
			Normalized out = v.normalize(in);
			if (out.image().sameRgb(in)) {
				assertFalse("a patch returned unchanged is flagged", out.warnings().isEmpty());
				continue;
			}
			double r2 = fraction * 256 * 256 / Math.PI;
			int n = 0, far = 0;
			double[] mean = new double[3];
			for (int y = 0; y < 256; y++)
				for (int x = 0; x < 256; x++) {
					double dx = x - 128, dy = y - 128;
					if (dx * dx + dy * dy <= r2 * 1.1 + 10) continue;
					int p = out.image().pixels()[y * 256 + x];
					int[] rgb = { RgbImage.red(p), RgbImage.green(p), RgbImage.blue(p) };
					boolean off = false;
					for (int c = 0; c < 3; c++) {
						mean[c] += rgb[c];
						off |= Math.abs(rgb[c] - glass[c]) > 12;
					}
					n++;
					if (off) far++;
				}
			for (int c = 0; c < 3; c++)
				mean[c] /= n;
			System.out.printf("Vahadane, %.1f%% tissue on glass: glass comes out as %.1f %.1f %.1f, %d of %d glass pixels more than 12 levels off %s%n",
				100 * fraction, mean[0], mean[1], mean[2], far, n, out.warnings());
			for (int c = 0; c < 3; c++)
				assertEquals(fraction + ": glass channel " + c, glass[c], mean[c], 3);
			assertTrue(fraction + ": " + far + " of " + n + " glass pixels turned into stain", far < 0.001 * n);
		}
	}

	/**
	 * Issue 12 (DamageChecksTest): BreakHis's camera image SOB_B_TA-14-3411F-40-001.png has a dim, shaded background below
	 * the tissue threshold; its gray OD became the "haematoxylin" atom (3° from gray) and every image normalized towards it
	 * had gray nuclei, no bluer than the stroma. Gray ODs are no stain and are left out of the dictionary: a reference of
	 * which a dim gray field covers most of the tissue mask gets the stains of its tissue.
	 */
	@Test
	public void aDimGrayBackgroundIsNoStain() {
		RgbImage tissue = TestImages.render(2, StainStyle.B), dim = tissue.copy();
		for (int y = 0; y < dim.height(); y++)
			for (int x = 0; x < dim.width(); x++)
				if (x < 64 || y < 64 || x >= dim.width() - 64 || y >= dim.height() - 64) {
					int shade = 175 + (x * 7 + y * 3) % 20; // vignetting: uneven, always gray, below L* 80
					dim.set(x, y, shade, shade, shade + 4);
				}
		double[][] clean = new Vahadane().estimateStains(tissue), shaded = new Vahadane().estimateStains(dim);
		double[] gray = { 1, 1, 1 };
		for (int s = 0; s < 2; s++) {
			double fromGray = TestSupport.angleDegrees(shaded[s], gray), fromClean = TestSupport.angleDegrees(shaded[s], clean[s]);
			System.out.printf("dim gray background: stain %d is %.1f deg from gray, %.1f deg from the clean image's%n", s, fromGray, fromClean);
			assertTrue("stain " + s + " is gray: " + fromGray + " deg", fromGray > Vahadane.ACHROMATIC_DEGREES);
			assertTrue("stain " + s + " is " + fromClean + " deg off the tissue's", fromClean < 3);
		}
	}

	@Test
	public void oneColourAndGrayPatchesComeBackUnchangedWithAWarning() {
		Vahadane v = fitted(TestImages.render(2, StainStyle.B));
		for (RgbImage flat : new RgbImage[] { TestSupport.uniform(32, 32, 0, 0, 0), TestSupport.uniform(32, 32, 180, 90, 160),
			TestSupport.gray(TestImages.render(1, StainStyle.A)) }) {
			Normalized out = v.normalize(flat);
			assertTrue(out.image().sameRgb(flat));
			assertFalse(out.warnings().isEmpty());
		}
	}

	@Test
	public void tinyAndPenMarkedPatchesAreNormalized() {
		Vahadane v = fitted(TestImages.render(2, StainStyle.B));
		RgbImage tiny = TestImages.render(1, StainStyle.A).crop(100, 100, 8, 8);
		Normalized small = v.normalize(tiny);
		assertEquals(8, small.image().width());
		RgbImage pen = TestSupport.withPenMarks(TestImages.render(1, StainStyle.A));
		Normalized out = v.normalize(pen);
		assertNotNull(out.image());
		assertEquals(pen.pixelCount(), out.image().pixelCount());
	}

	@Test
	public void referenceWithoutTissueOrStainsIsAClearError() {
		StainNormException e = assertThrows(StainNormException.class, () -> fitted(TestSupport.uniform(64, 64, 255, 255, 255)));
		assertTrue(e.getMessage(), e.getMessage().contains("no tissue"));
		e = assertThrows(StainNormException.class, () -> fitted(TestSupport.gray(TestImages.render(2, StainStyle.B))));
		assertTrue(e.getMessage(), e.getMessage().contains("choose references showing both"));
		assertThrows(StainNormException.class, () -> new Vahadane().fit(List.of()));
		assertThrows(StainNormException.class, () -> Methods.create("vahadane", MethodOptions.parse("lambda=-1")));
	}

	@Test
	public void largeImagesAreProcessedInOnePass() {
		TestSupport.assertLargeImageMatchesItsTile(fitted(TestImages.render(2, StainStyle.B)));
	}

	@Test
	public void realImageGetsAPlausibleStainMatrix() {
		RgbImage ref = ImageFiles.read(SharedData.he("pegahs1993_Stain-to-Stain-Translation/7.tiff"));
		RgbImage src = ImageFiles.read(SharedData.he("EIDOSLAB_torchstain/source.png"));
		Vahadane v = fitted(ref);
		double[][] m = v.targetStains();
		double[][] ruifrok = StainStyle.A.matrix();
		System.out.printf("Vahadane on 7.tiff: H %s (%.1f deg from Ruifrok), E %s (%.1f deg)%n", java.util.Arrays.toString(m[0]),
			TestSupport.angleDegrees(m[0], ruifrok[0]), java.util.Arrays.toString(m[1]), TestSupport.angleDegrees(m[1], ruifrok[1]));
		assertTrue(TestSupport.angleDegrees(m[0], ruifrok[0]) < 25);
		assertTrue(TestSupport.angleDegrees(m[1], ruifrok[1]) < 25);
		Normalized out = v.normalize(src);
		assertTrue(out.warnings().isEmpty());
		assertFalse(out.image().sameRgb(src));
	}
}
