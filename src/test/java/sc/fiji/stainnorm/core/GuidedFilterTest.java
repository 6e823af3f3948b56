package sc.fiji.stainnorm.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.util.Random;

import org.junit.Test;

public class GuidedFilterTest {
	private static final int W = 23, H = 17;

	@Test
	public void matchesTheDefinitionComputedWindowByWindow() {
		Random r = new Random(3);
		float[] guide = random(r), input = random(r);
		for (int radius : new int[] { 0, 1, 3, 12 })
			for (double eps : new double[] { 0.5, 10, 1000 })
				assertArrayEquals("r " + radius + " eps " + eps, bruteForce(guide, input, W, H, radius, eps), GuidedFilter.filter(guide, input, W, H, radius, eps), 2e-3f);
	}

	@Test
	public void matchesTheDefinitionOnAnImageWiderThanTheWindowAtSTSTsRadius() {
		// windows entering and leaving on both axes, as for STST's 256x256 patches with radius 8
		int w = 61, h = 44;
		Random r = new Random(6);
		float[] guide = new float[w * h], input = new float[w * h];
		for (int i = 0; i < guide.length; i++) {
			guide[i] = 255 * r.nextFloat();
			input[i] = 0.5f * guide[i] + 100 * r.nextFloat();
		}
		for (double eps : new double[] { 0, 10 })
			assertArrayEquals("eps " + eps, bruteForce(guide, input, w, h, 8, eps), GuidedFilter.filter(guide, input, w, h, 8, eps), 2e-3f);
	}

	@Test
	public void anInputLinearInTheGuideComesBackUnchanged() {
		float[] guide = random(new Random(4)), input = new float[W * H];
		for (int i = 0; i < input.length; i++) input[i] = 0.6f * guide[i] + 40;
		// with a tiny ridge the best local line is the global one
		assertArrayEquals(input, GuidedFilter.filter(guide, input, W, H, 2, 1e-6), 1e-2f);
	}

	@Test
	public void aFlatGuideGivesTheTwiceBoxFilteredInput() {
		float[] flat = new float[W * H], input = random(new Random(5));
		java.util.Arrays.fill(flat, 128);
		float[] tmp = new float[W * H];
		float[] expected = GuidedFilter.boxMean(GuidedFilter.boxMean(input, W, H, 2, tmp), W, H, 2, tmp);
		assertArrayEquals(expected, GuidedFilter.filter(flat, input, W, H, 2, 0), 1e-3f);
	}

	@Test
	public void boxMeanClipsWindowsAtTheBorder() {
		float[] ones = new float[W * H];
		java.util.Arrays.fill(ones, 1);
		float[] ramp = new float[W * H];
		for (int i = 0; i < ramp.length; i++) ramp[i] = i % W;
		float[] mean = GuidedFilter.boxMean(ramp, W, H, 3, new float[W * H]);
		assertEquals(1.5, mean[0], 1e-6); // (0+1+2+3)/4
		assertEquals(W - 2.5, mean[W - 1], 1e-5);
		assertArrayEquals(ones, GuidedFilter.boxMean(ones, W, H, 50, new float[W * H]), 1e-6f);
	}

	private static float[] random(Random r) {
		float[] f = new float[W * H];
		for (int i = 0; i < f.length; i++) f[i] = 255 * r.nextFloat();
		return f;
	}

	/** He et al.'s Algorithm 1 with explicit loops over every window. */
	private static float[] bruteForce(float[] guide, float[] input, int W, int H, int radius, double eps) {
		double[] a = new double[W * H], b = new double[W * H];
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++) {
				double n = 0, sg = 0, si = 0, sgg = 0, sgi = 0;
				for (int v = Math.max(0, y - radius); v <= Math.min(H - 1, y + radius); v++)
					for (int u = Math.max(0, x - radius); u <= Math.min(W - 1, x + radius); u++) {
						double g = guide[v * W + u], i = input[v * W + u];
						n++;
						sg += g;
						si += i;
						sgg += g * g;
						sgi += g * i;
					}
				double mg = sg / n, mi = si / n;
				a[y * W + x] = (sgi / n - mg * mi) / (sgg / n - mg * mg + eps);
				b[y * W + x] = mi - a[y * W + x] * mg;
			}
		float[] out = new float[W * H];
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++) {
				double n = 0, sa = 0, sb = 0;
				for (int v = Math.max(0, y - radius); v <= Math.min(H - 1, y + radius); v++)
					for (int u = Math.max(0, x - radius); u <= Math.min(W - 1, x + radius); u++) {
						n++;
						sa += a[v * W + u];
						sb += b[v * W + u];
					}
				out[y * W + x] = (float) (sa / n * guide[y * W + x] + sb / n);
			}
		return out;
	}
}
