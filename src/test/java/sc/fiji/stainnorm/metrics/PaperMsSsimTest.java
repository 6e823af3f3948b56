package sc.fiji.stainnorm.metrics;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import org.junit.Test;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.TestImages;

/**
 * The paper convention's MS-SSIM is the STST msssim.m on uint8 images (issue 15): where uint8 arithmetic changes
 * nothing it equals the same code on doubles, where products pass 255 it does not.
 */
public class PaperMsSsimTest {
	private static final RgbImage A = TestImages.render(1, StainStyle.A), B = TestImages.render(1, StainStyle.B);

	/** Gray (R = G = B) copies of {@code img} with values {@code v * max / 255}, integers. */
	private static RgbImage grayScaled(RgbImage img, int max) {
		int[] p = img.pixels(), out = new int[p.length];
		for (int i = 0; i < p.length; i++) {
			int v = RgbImage.green(p[i]) * max / 255;
			out[i] = RgbImage.pack(v, v, v);
		}
		return RgbImage.wrap(img.width(), img.height(), out);
	}

	@Test
	public void withoutSaturationOrRoundingUint8IsDouble() {
		// gray values up to 15: every product fits in uint8 (15 * 15 = 225) and rgb2gray of gray is exact
		RgbImage x = grayScaled(A, 15), y = grayScaled(B, 15);
		double uint8 = Metrics.byName("MS-SSIM", Convention.PAPER).compute(x, y), onDouble = MsSsim.matlabOnDouble().compute(x, y);
		assertTrue(uint8 + "", uint8 > 0.1 && uint8 < 0.999);
		assertEquals(onDouble, uint8, 1e-12);
	}

	@Test
	public void saturatedProductsChangeTheValue() {
		double uint8 = Metrics.byName("MS-SSIM", Convention.PAPER).compute(A, B), onDouble = MsSsim.matlabOnDouble().compute(A, B);
		assertTrue(uint8 + " vs " + onDouble, Math.abs(uint8 - onDouble) > 5e-4);
		assertEquals(1, Metrics.byName("MS-SSIM", Convention.PAPER).compute(A, A.copy()), 1e-12);
	}

	/** msssim.m returns -Inf when min(M, N) / 16 is below its 11-pixel window: here n/a with the reason. */
	@Test
	public void belowTheSizeMsssimMAcceptsItIsRefused() {
		RgbImage small = A.crop(0, 0, 175, 200);
		try {
			Metrics.byName("MS-SSIM", Convention.PAPER).compute(small, small.copy());
			fail("175 px accepted");
		}
		catch (StainNormException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("at least 176x176") && e.getMessage().contains("-Inf"));
		}
		assertEquals(1, Metrics.byName("MS-SSIM", Convention.PAPER).compute(A.crop(0, 0, 176, 176), A.crop(0, 0, 176, 176)), 1e-12);
	}
}
