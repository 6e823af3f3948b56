package sc.fiji.stainnorm.core;

import static org.junit.Assert.assertEquals;

import java.util.Random;

import org.junit.Test;

public class FastMathTest {

	@Test
	public void lnAgreesWithMathLogOverTheRangeColourTransformsUse() {
		Random rnd = new Random(7);
		double worst = 0;
		for (int i = 0; i < 200_000; i++) {
			double x = Math.exp(-12 + 24 * rnd.nextDouble());
			worst = Math.max(worst, Math.abs(FastMath.ln(x) - Math.log(x)));
		}
		for (double x : new double[] { 1, 2, 0.5, 1.0 / 255, 1 - 1e-16, Math.nextDown(2.0), 1e-300, 1e300 })
			worst = Math.max(worst, Math.abs(FastMath.ln(x) - Math.log(x)));
		assertEquals(0, worst, 2e-7);
	}

	@Test
	public void expAgreesWithMathExpRelatively() {
		Random rnd = new Random(8);
		double worst = 0;
		for (int i = 0; i < 200_000; i++) {
			double y = -30 + 40 * rnd.nextDouble();
			worst = Math.max(worst, Math.abs(FastMath.exp(y) / Math.exp(y) - 1));
		}
		for (double y : new double[] { 0, -1e-17, 1e-17, -Math.ulp(1.0), Math.log(2), -Math.log(2), 50, -50 })
			worst = Math.max(worst, Math.abs(FastMath.exp(y) / Math.exp(y) - 1));
		assertEquals(0, worst, 1e-7);
	}

	@Test
	public void expHandlesTheExtremes() {
		assertEquals(0, FastMath.exp(-1e6), 0);
		assertEquals(0, FastMath.exp(Double.NEGATIVE_INFINITY), 0);
		assertEquals(Math.exp(700), FastMath.exp(1e6), Math.exp(700) * 1e-6);
		assertEquals(Double.NaN, FastMath.exp(Double.NaN), 0);
	}
}
