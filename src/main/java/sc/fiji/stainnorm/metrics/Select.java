package sc.fiji.stainnorm.metrics;

/** Order statistics in linear expected time (quickselect), for medians of large maps. */
final class Select {
	private Select() {}

	/** The median (mean of the two middle values for an even count); may reorder {@code a}. */
	static double median(double[] a) {
		int n = a.length, k = (n - 1) / 2;
		if (n >= SAMPLED_MIN) {
			double[] middle = middleBySampling(a, k, n % 2 == 0 ? 2 : 1);
			if (middle != null) return n % 2 == 1 ? middle[0] : (middle[0] + middle[1]) / 2;
		}
		double lower = kth(a, k);
		if (n % 2 == 1) return lower;
		double upper = Double.POSITIVE_INFINITY;
		for (int i = k + 1; i < n; i++)
			upper = Math.min(upper, a[i]);
		return (lower + upper) / 2;
	}

	private static final int SAMPLED_MIN = 1 << 14, SAMPLES = 1024, SAMPLE_MARGIN = 64;

	/**
	 * The {@code count} (1 or 2) order statistics from rank k on, found among the few values between two bounds
	 * taken from a sorted sample (Floyd &amp; Rivest's idea): one pass over {@code a} instead of quickselect's
	 * several. Null when the bounds miss rank k (or a value is NaN); the caller then selects directly.
	 */
	private static double[] middleBySampling(double[] a, int k, int count) {
		int n = a.length;
		double[] sample = new double[SAMPLES];
		for (int i = 0; i < SAMPLES; i++)
			sample[i] = a[(int) ((long) i * n / SAMPLES)];
		java.util.Arrays.sort(sample);
		int centre = (int) ((long) k * SAMPLES / n);
		double lo = sample[Math.max(0, centre - SAMPLE_MARGIN)], hi = sample[Math.min(SAMPLES - 1, centre + SAMPLE_MARGIN)];
		double[] between = new double[n / 4];
		int below = 0, inside = 0, above = 0;
		for (double v : a) {
			if (v < lo) below++;
			else if (v > hi) above++;
			else if (v >= lo) { // in [lo, hi]; NaN falls through and is caught by the count below
				if (inside == between.length) return null;
				between[inside++] = v;
			}
		}
		if (below + inside + above != n || k < below || k + count > below + inside) return null;
		double[] candidates = java.util.Arrays.copyOf(between, inside);
		double[] out = new double[count];
		out[0] = kth(candidates, k - below);
		if (count == 2) {
			double next = Double.POSITIVE_INFINITY;
			for (int i = k - below + 1; i < inside; i++)
				next = Math.min(next, candidates[i]);
			out[1] = next;
		}
		return out;
	}

	/** The k-th smallest value (0-based); afterwards a[0..k] &le; a[k] &le; a[k+1..]. */
	static double kth(double[] a, int k) {
		int lo = 0, hi = a.length - 1;
		while (hi > lo) {
			double pivot = a[(lo + hi) >>> 1];
			int i = lo, j = hi;
			while (i <= j) {
				while (a[i] < pivot)
					i++;
				while (a[j] > pivot)
					j--;
				if (i <= j) {
					double t = a[i];
					a[i++] = a[j];
					a[j--] = t;
				}
			}
			if (k <= j) hi = j;
			else if (k >= i) lo = i;
			else break;
		}
		return a[k];
	}
}
