package sc.fiji.stainnorm.core;

/** Percentiles of float samples in linear expected time (quickselect), interpolated as numpy's default. */
public final class Percentile {
	private Percentile() {}

	/** The p-th percentile (0..100) of all values; see {@link #of(float[], int, double)}. */
	public static double of(float[] values, double p) {
		return of(values, values.length, p);
	}

	/**
	 * The p-th percentile (0..100) of the first {@code length} values, interpolated linearly between order
	 * statistics as numpy's default: position {@code p/100 · (length − 1)}. 0 for no values. Reorders those values.
	 */
	public static double of(float[] values, int length, double p) {
		if (length == 0) return 0;
		double pos = p / 100 * (length - 1);
		int lo = (int) Math.floor(pos);
		double below = select(values, length, lo);
		if (lo + 1 >= length) return below;
		return below + (pos - lo) * (selectedNext(values, length, lo) - below);
	}

	/**
	 * Right after {@link #select}{@code (a, length, k)}: the (k+1)-th smallest of the first {@code length} values (every
	 * value right of k is at least the k-th, so the next order statistic is their minimum); the k-th when k is the last.
	 */
	public static float selectedNext(float[] a, int length, int k) {
		if (k + 1 >= length) return a[k];
		float next = Float.POSITIVE_INFINITY;
		for (int i = k + 1; i < length; i++)
			if (a[i] < next) next = a[i];
		return next;
	}

	/**
	 * The k-th smallest of the first {@code length} values (Hoare quickselect, median-of-three pivots, deterministic):
	 * afterwards smaller values are left of k, larger ones right.
	 */
	public static float select(float[] a, int length, int k) {
		int left = 0, right = length - 1;
		while (right > left) {
			int mid = (left + right) >>> 1;
			float x = a[left], y = a[mid], z = a[right];
			float pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
			int i = left, j = right;
			while (i <= j) {
				while (a[i] < pivot) i++;
				while (a[j] > pivot) j--;
				if (i <= j) {
					float t = a[i];
					a[i++] = a[j];
					a[j--] = t;
				}
			}
			if (k <= j) right = j;
			else if (k >= i) left = i;
			else break;
		}
		return a[k];
	}
}
