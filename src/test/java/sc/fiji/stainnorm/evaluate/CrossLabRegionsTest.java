package sc.fiji.stainnorm.evaluate;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * The cross-lab protocol's same-slide cases (issue 12): every image, however small, gets a test region and a reference
 * region of the same slide that share no pixel, so that the unshifted test is the right answer and the reference is not
 * the answer itself.
 */
public class CrossLabRegionsTest {
	/** Each pixel holds its own coordinates: x in red and green, y in blue (images below 256 rows). */
	private static RgbImage coordinates(int w, int h) {
		int[] p = new int[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				p[y * w + x] = RgbImage.pack(x & 255, x >> 8, y);
		return RgbImage.wrap(w, h, p);
	}

	private static int x(RgbImage img, int i) {
		int p = img.pixels()[i];
		return RgbImage.red(p) | RgbImage.green(p) << 8;
	}

	private static int y(RgbImage img, int i) {
		return RgbImage.blue(img.pixels()[i]);
	}

	@Test
	public void aSmallImageIsSplitIntoTwoHalves() {
		CrossLab.Source s = CrossLab.regions("g", "a.png", coordinates(256, 200), 384);
		assertEquals(256, s.test().image().width()); // the folder and other-group test: the whole (uncropped) image
		RgbImage test = s.slideTest().image(), ref = s.otherRegion().image();
		assertEquals(128, test.width());
		assertEquals(128, ref.width());
		assertEquals(200, ref.height());
		assertEquals(127, x(test, test.width() - 1)); // the left half ends where the right half begins
		assertEquals(128, x(ref, 0));
		assertTrue(s.otherRegion().name().endsWith("@right-half"));
	}

	@Test
	public void aTallSmallImageIsSplitIntoUpperAndLowerHalves() {
		CrossLab.Source s = CrossLab.regions("g", "a.png", coordinates(120, 250), 384);
		RgbImage test = s.slideTest().image(), ref = s.otherRegion().image();
		assertEquals(125, test.height());
		assertEquals(125, ref.height());
		assertEquals(124, y(test, test.pixelCount() - 1));
		assertEquals(125, y(ref, 0));
	}

	@Test
	public void aLargeImageKeepsItsCentreCropAndTheRegionBesideIt() {
		CrossLab.Source s = CrossLab.regions("g", "a.png", coordinates(800, 200), 384);
		assertSame(s.test(), s.slideTest());
		RgbImage test = s.test().image(), ref = s.otherRegion().image();
		assertEquals(384, test.width());
		assertNotNull(ref);
		assertEquals(16, x(test, 0));
		assertEquals(400, x(ref, 0));
		assertEquals(399, x(test, test.width() - 1));
	}
}
