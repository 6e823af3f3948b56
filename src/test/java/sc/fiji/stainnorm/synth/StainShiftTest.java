package sc.fiji.stainnorm.synth;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import sc.fiji.stainnorm.core.ColorSpaces;
import sc.fiji.stainnorm.core.RgbImage;

public class StainShiftTest {
	private static final RgbImage TISSUE = TestImages.render(1, StainStyle.A);

	@Test
	public void identityParametersGiveTheImageBack() {
		RgbImage out = StainShift.identity().apply(TISSUE);
		int[] a = TISSUE.pixels(), b = out.pixels();
		for (int i = 0; i < a.length; i++)
			for (int shift = 0; shift <= 16; shift += 8) {
				int va = (a[i] >> shift) & 0xFF, vb = (b[i] >> shift) & 0xFF;
				// 0 becomes 1: OD of a black pixel is taken at intensity 1
				assertEquals("pixel " + i, Math.max(va, 1), vb);
			}
	}

	@Test
	public void sameSeedSameShiftOtherSeedOtherShift() {
		StainShift a = StainShift.random(42), b = StainShift.random(42), c = StainShift.random(43);
		assertEquals(a.describe(), b.describe());
		assertFalse(a.describe().equals(c.describe()));
		assertTrue(a.apply(TISSUE).sameRgb(b.apply(TISSUE)));
	}

	@Test
	public void parametersStayInTheirDocumentedRanges() {
		for (long seed = 0; seed < 50; seed++) {
			StainShift s = StainShift.random(seed);
			for (int stain = 0; stain < 2; stain++) {
				double turn = s.turnDegrees(stain);
				// clamping components at 0.01 can shorten the turn a little, never lengthen it much
				assertTrue(s.describe(), turn > 2 && turn < 12.5);
			}
			assertTrue(s.hScale() >= 0.7 && s.hScale() <= 1.4 && s.eScale() >= 0.7 && s.eScale() <= 1.4);
			assertTrue(s.intensity() >= 0.9 && s.intensity() <= 1.0);
			assertTrue(s.gamma() >= 0.8 && s.gamma() <= 1.25);
		}
	}

	@Test
	public void strongShiftsStayInTheirDocumentedRanges() {
		for (long seed = 0; seed < 50; seed++) {
			StainShift s = StainShift.strong(seed);
			for (int stain = 0; stain < 2; stain++) // clamped components shorten some turns, as in the moderate set
				assertTrue(s.describe(), s.turnDegrees(stain) > 2 && s.turnDegrees(stain) < 15.5);
			assertTrue(s.describe(), s.hScale() >= 0.55 && s.hScale() <= 1.8 && s.eScale() >= 0.55 && s.eScale() <= 1.8);
			assertTrue(s.intensity() >= 0.9 && s.intensity() <= 1.0);
			assertTrue(s.gamma() >= 0.8 && s.gamma() <= 1.25);
		}
	}

	/** A shift must be a real colour change, yet leave the tissue's structure (its luma pattern) in place. */
	@Test
	public void shiftsChangeColourButKeepTheLumaStructure() {
		for (long seed = 1; seed <= 5; seed++) {
			RgbImage shifted = StainShift.random(seed).apply(TISSUE);
			assertTrue("mean colour change " + meanAbsoluteDifference(TISSUE, shifted), meanAbsoluteDifference(TISSUE, shifted) > 3);
			double r = pearson(luma(TISSUE), luma(shifted));
			assertTrue("luma correlation " + r + " for seed " + seed, r > 0.9);
		}
	}

	/** Scaling only the eosin concentration leaves pure-haematoxylin OD alone: check on a single pixel by hand. */
	@Test
	public void singleStainPixelFollowsBeerLambertByHand() {
		double[] h = StainShift.ASSUMED.vector(0);
		double conc = 0.8;
		int r = RgbImage.toByte(255 * Math.exp(-conc * h[0])), g = RgbImage.toByte(255 * Math.exp(-conc * h[1])), b = RgbImage.toByte(255 * Math.exp(-conc * h[2]));
		RgbImage px = RgbImage.create(1, 1);
		px.set(0, 0, r, g, b);
		StainShift s = new StainShift(h, new double[] { 0.2, 0.9, 0.3 }, 1.5, 0.5, 0.95, 1.1);
		int out = s.apply(px).get(0, 0);
		int[] got = { RgbImage.red(out), RgbImage.green(out), RgbImage.blue(out) };
		for (int c = 0; c < 3; c++) {
			double expected = 255 * Math.pow(0.95 * Math.exp(-1.5 * conc * h[c]), 1.1);
			// the input was rounded to 8 bits before the shift: allow that error, scaled through exp and gamma
			assertEquals("channel " + c, expected, got[c], 2.0);
		}
	}

	private static double meanAbsoluteDifference(RgbImage a, RgbImage b) {
		double s = 0;
		for (int c = 0; c < 3; c++) {
			float[] x = a.channel(c), y = b.channel(c);
			for (int i = 0; i < x.length; i++)
				s += Math.abs(x[i] - y[i]);
		}
		return s / (3.0 * a.pixelCount());
	}

	private static double[] luma(RgbImage img) {
		double[] y = new double[img.pixelCount()];
		int[] p = img.pixels();
		for (int i = 0; i < p.length; i++)
			y[i] = ColorSpaces.luma(RgbImage.red(p[i]), RgbImage.green(p[i]), RgbImage.blue(p[i]));
		return y;
	}

	static double pearson(double[] x, double[] y) {
		double mx = 0, my = 0;
		for (int i = 0; i < x.length; i++) {
			mx += x[i];
			my += y[i];
		}
		mx /= x.length;
		my /= y.length;
		double sxy = 0, sxx = 0, syy = 0;
		for (int i = 0; i < x.length; i++) {
			sxy += (x[i] - mx) * (y[i] - my);
			sxx += (x[i] - mx) * (x[i] - mx);
			syy += (y[i] - my) * (y[i] - my);
		}
		return sxy / Math.sqrt(sxx * syy);
	}
}
