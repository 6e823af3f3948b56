package sc.fiji.stainnorm.evaluate;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import sc.fiji.stainnorm.SharedData;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.TestImages;

public class RegistrationTest {

	/** Two crops of one tissue, offset by a known amount and rendered in different styles, as two scanners would. */
	@Test
	public void recoversAKnownShiftAcrossStainStyles() {
		RgbImage a = TestImages.render(1, StainStyle.A), c = TestImages.render(1, StainStyle.C);
		RgbImage fixed = a.crop(20, 20, 200, 200);
		for (int[] shift : new int[][] { { 3, -5 }, { -7, 2 }, { 0, 0 }, { 10, 10 } }) {
			RgbImage moving = c.crop(20 + shift[0], 20 + shift[1], 200, 200);
			// fixed(x, y) = moving(x - sx, y - sy)
			Registration.Alignment al = Registration.align(fixed, moving, 12);
			assertEquals(-shift[0], al.dx());
			assertEquals(-shift[1], al.dy());
			assertTrue(al.correlation() > 0.95);
			assertEquals(200 - Math.abs(shift[0]), al.fixed().width());
			assertEquals(200 - Math.abs(shift[1]), al.moving().height());
			// the aligned crops are the same tissue pixel for pixel: same style gives the same pixels
			RgbImage movingA = a.crop(20 + shift[0], 20 + shift[1], 200, 200);
			assertTrue(Registration.align(fixed, movingA, 12).moving().sameRgb(Registration.align(fixed, movingA, 12).fixed()));
		}
	}

	@Test(expected = StainNormException.class)
	public void refusesImagesTooSmallForTheSearchRadius() {
		RgbImage tiny = TestImages.render(1, StainStyle.A).crop(0, 0, 8, 8);
		Registration.align(tiny, tiny, 12);
	}

	@Test(expected = StainNormException.class)
	public void refusesUnrelatedTissue() {
		// white noise-free background vs tissue: no shift correlates
		RgbImage blank = RgbImage.create(100, 100);
		Registration.align(TestImages.render(1, StainStyle.A).crop(0, 0, 100, 100), blank, 5);
	}

	@Test
	public void multiScannerPairAlignsWithinTheDocumentedRadius() {
		RgbImage aperio = ImageFiles.read(SharedData.he("DeepMicroscopy_MultiScanner_SCC/aperio.png"));
		RgbImage nz210 = ImageFiles.read(SharedData.he("DeepMicroscopy_MultiScanner_SCC/nz210.png"));
		Registration.Alignment al = Registration.align(nz210, aperio, Registration.DEFAULT_MAX_SHIFT);
		System.out.println("aperio -> nz210: dx " + al.dx() + ", dy " + al.dy() + ", r " + al.correlation() + " (unshifted " + al.unshifted() + ")");
		assertTrue(Math.abs(al.dx()) < Registration.DEFAULT_MAX_SHIFT && Math.abs(al.dy()) < Registration.DEFAULT_MAX_SHIFT);
		assertTrue(al.correlation() >= al.unshifted());
		assertTrue(al.correlation() > 0.8);
	}
}
