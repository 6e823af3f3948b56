package sc.fiji.stainnorm.metrics;

import static org.junit.Assert.assertEquals;

import java.util.Arrays;
import java.util.Random;

import org.junit.Test;

/** Medians against sorting, for sizes on both sides of the sampling threshold and awkward value distributions. */
public class SelectTest {
	private static double sortedMedian(double[] a) {
		double[] s = a.clone();
		Arrays.sort(s);
		int n = s.length;
		return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	}

	@Test
	public void medianEqualsTheMedianOfTheSortedValues() {
		Random random = new Random(3);
		int[] sizes = { 1, 2, 7, 1000, 16383, 16384, 16385, 65536, 65537, 100_000 };
		for (int n : sizes)
			for (int kind = 0; kind < 5; kind++) {
				double[] a = new double[n];
				for (int i = 0; i < n; i++)
					a[i] = switch (kind) {
						case 0 -> random.nextGaussian();
						case 1 -> random.nextInt(3); // many ties
						case 2 -> i; // sorted: the sample sees an ordered array
						case 3 -> Math.exp(10 * random.nextGaussian()); // heavy tail, as squared amplitudes
						default -> i % 2 == 0 ? 1e-300 : 1e300; // two values only
					};
				double expected = sortedMedian(a);
				assertEquals("n=" + n + " kind=" + kind, expected, Select.median(a), 0);
			}
	}
}
