package sc.fiji.stainnorm.normalize;

import static org.junit.Assert.assertEquals;

import sc.fiji.stainnorm.core.RgbImage;

/** Per-channel differences between two RGB images, optionally restricted to a mask. */
record PixelDiff(double mean, int max, long values) {

	static PixelDiff of(RgbImage a, RgbImage b) {
		return of(a, b, null);
	}

	static PixelDiff of(RgbImage a, RgbImage b, boolean[] mask) {
		assertEquals("width", a.width(), b.width());
		assertEquals("height", a.height(), b.height());
		int[] p = a.pixels(), q = b.pixels();
		long sum = 0, n = 0;
		int max = 0;
		for (int i = 0; i < p.length; i++) {
			if (mask != null && !mask[i]) continue;
			for (int shift = 0; shift <= 16; shift += 8) {
				int d = Math.abs(((p[i] >> shift) & 0xFF) - ((q[i] >> shift) & 0xFF));
				sum += d;
				max = Math.max(max, d);
				n++;
			}
		}
		return new PixelDiff(n == 0 ? 0 : (double) sum / n, max, n);
	}

	@Override
	public String toString() {
		return String.format(java.util.Locale.ROOT, "mean |diff| %.4f, max %d over %d values", mean, max, values);
	}
}
