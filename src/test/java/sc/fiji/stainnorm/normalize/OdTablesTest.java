package sc.fiji.stainnorm.normalize;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.Test;

import sc.fiji.stainnorm.core.Percentile;
import sc.fiji.stainnorm.core.RgbImage;

public class OdTablesTest {

	@Test
	public void odToByteMatchesRoundedExp() {
		int off = 0;
		for (double od = -0.5; od < 8; od += 1e-4) {
			int exact = RgbImage.toByte(255 * Math.exp(-od));
			int got = OdTables.toByte(od);
			assertTrue(od + ": " + got + " vs " + exact, Math.abs(got - exact) <= 1);
			if (got != exact) off++;
		}
		// only values within a hair of a rounding boundary may differ
		assertTrue("differing " + off, off < 100);
		assertEquals(0, OdTables.toByte(Double.NaN));
		assertEquals(255, OdTables.toByte(-3));
		for (int v = 1; v < 256; v++)
			assertEquals(v, OdTables.toByte(OdTables.od(v)));
	}

	@Test
	public void percentileMatchesSortedInterpolation() {
		Random rnd = new Random(4);
		for (int n : new int[] { 1, 2, 7, 100, 1001 }) {
			float[] v = new float[n];
			for (int i = 0; i < n; i++)
				v[i] = rnd.nextInt(50) / 7f; // with ties
			float[] sorted = v.clone();
			Arrays.sort(sorted);
			for (double p : new double[] { 0, 1, 50, 99, 100 }) {
				double pos = p / 100 * (n - 1);
				int lo = (int) pos, hi = Math.min(lo + 1, n - 1);
				double expected = sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
				assertEquals(expected, Percentile.of(v.clone(), p), 1e-6);
			}
		}
	}
}
