package sc.fiji.stainnorm.metrics;

/** Order statistics in linear expected time (quickselect), for medians of large maps. */
final class Select {
	private Select() {}

	/** The median (mean of the two middle values for an even count); reorders {@code a}. */
	static double median(double[] a) {
		int n = a.length, k = (n - 1) / 2;
		double lower = kth(a, k);
		if (n % 2 == 1) return lower;
		double upper = Double.POSITIVE_INFINITY;
		for (int i = k + 1; i < n; i++)
			upper = Math.min(upper, a[i]);
		return (lower + upper) / 2;
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
