package sc.fiji.stainnorm.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Complex discrete Fourier transforms of any length: iterative radix-2 for powers of two, Bluestein's chirp-z
 * algorithm otherwise. Unnormalised in both directions, as {@code fft}; the inverse is divided by n here so that
 * {@link #inverse2d} matches MATLAB's {@code ifft2}.
 */
final class Fft {
	private static final Map<Integer, double[][]> TWIDDLES = new ConcurrentHashMap<>();
	private static final Map<Integer, float[][]> FLOAT_TWIDDLES = new ConcurrentHashMap<>();
	private static final Map<Integer, Bluestein> BLUESTEIN = new ConcurrentHashMap<>();
	private static final int COLUMN_STRIP = 32;

	private Fft() {}

	/** In-place 2-D forward transform of a row-major {@code rows x cols} array. */
	static void forward2d(double[] re, double[] im, int rows, int cols) {
		transform2d(re, im, rows, cols, false);
	}

	/** In-place 2-D inverse transform without the {@code 1 / (rows cols)} factor (callers fold it in elsewhere). */
	static void inverse2dUnscaled(double[] re, double[] im, int rows, int cols) {
		transform2d(re, im, rows, cols, true);
	}

	/** In-place 2-D inverse transform including the {@code 1 / (rows cols)} factor. */
	static void inverse2d(double[] re, double[] im, int rows, int cols) {
		transform2d(re, im, rows, cols, true);
		double scale = 1.0 / ((double) rows * cols);
		for (int i = 0; i < re.length; i++) {
			re[i] *= scale;
			im[i] *= scale;
		}
	}

	private static void transform2d(double[] re, double[] im, int rows, int cols, boolean inverse) {
		double[] lr = new double[Math.max(rows, cols)], li = new double[lr.length];
		boolean rowsPow2 = Integer.bitCount(cols) == 1;
		for (int y = 0; y < rows; y++) {
			if (rowsPow2) {
				radix2(re, im, y * cols, cols, inverse);
				continue;
			}
			System.arraycopy(re, y * cols, lr, 0, cols);
			System.arraycopy(im, y * cols, li, 0, cols);
			transform(lr, li, cols, inverse);
			System.arraycopy(lr, 0, re, y * cols, cols);
			System.arraycopy(li, 0, im, y * cols, cols);
		}
		if (Integer.bitCount(rows) == 1) {
			columnsRadix2(re, im, rows, cols, inverse);
			return;
		}
		for (int x = 0; x < cols; x++) {
			for (int y = 0; y < rows; y++) {
				lr[y] = re[y * cols + x];
				li[y] = im[y * cols + x];
			}
			transform(lr, li, rows, inverse);
			for (int y = 0; y < rows; y++) {
				re[y * cols + x] = lr[y];
				im[y * cols + x] = li[y];
			}
		}
	}

	/**
	 * In-place unnormalised 1-D transforms of every column of a row array {@code [n][m]} (along the first index). For
	 * a power-of-two n the butterflies run between whole rows held in separate arrays, which the JIT vectorises, and
	 * the bit-reversal permutation only swaps row references; other n go column by column through Bluestein.
	 */
	static void columns(double[][] re, double[][] im, boolean inverse) {
		int n = re.length, m = re[0].length;
		if (n <= 1) return;
		if (Integer.bitCount(n) != 1) {
			double[] lr = new double[n], li = new double[n];
			for (int x = 0; x < m; x++) {
				for (int y = 0; y < n; y++) {
					lr[y] = re[y][x];
					li[y] = im[y][x];
				}
				transform(lr, li, n, inverse);
				for (int y = 0; y < n; y++) {
					re[y][x] = lr[y];
					im[y][x] = li[y];
				}
			}
			return;
		}
		for (int i = 1, j = 0; i < n; i++) {
			int bit = n >> 1;
			for (; (j & bit) != 0; bit >>= 1)
				j ^= bit;
			j ^= bit;
			if (i < j) {
				double[] t = re[i];
				re[i] = re[j];
				re[j] = t;
				t = im[i];
				im[i] = im[j];
				im[j] = t;
			}
		}
		double[][] tw = TWIDDLES.computeIfAbsent(n, Fft::twiddles);
		double[] cos = tw[0], sin = tw[1];
		double sign = inverse ? 1 : -1;
		for (int half = 1; half < n; half <<= 1)
			for (int i = 0; i < n; i += 2 * half)
				for (int k = 0; k < half; k++) {
					double wr = cos[half + k], wi = sign * sin[half + k];
					double[] ar = re[i + k], ai = im[i + k], br = re[i + k + half], bi = im[i + k + half];
					for (int x = 0; x < m; x++) {
						double r = br[x], q = bi[x];
						double xr = r * wr - q * wi, xi = r * wi + q * wr;
						br[x] = ar[x] - xr;
						bi[x] = ai[x] - xi;
						ar[x] += xr;
						ai[x] += xi;
					}
				}
	}

	/**
	 * Single-precision {@link #columns(double[][], double[][], boolean)}: twice the values per vector instruction and
	 * half the memory traffic. Power-of-two n only run in float (twiddles rounded from double); other n go through the
	 * double Bluestein transform column by column.
	 */
	static void columns(float[][] re, float[][] im, boolean inverse) {
		int n = re.length, m = re[0].length;
		if (n <= 1) return;
		if (Integer.bitCount(n) != 1) {
			double[] lr = new double[n], li = new double[n];
			for (int x = 0; x < m; x++) {
				for (int y = 0; y < n; y++) {
					lr[y] = re[y][x];
					li[y] = im[y][x];
				}
				transform(lr, li, n, inverse);
				for (int y = 0; y < n; y++) {
					re[y][x] = (float) lr[y];
					im[y][x] = (float) li[y];
				}
			}
			return;
		}
		for (int i = 1, j = 0; i < n; i++) {
			int bit = n >> 1;
			for (; (j & bit) != 0; bit >>= 1)
				j ^= bit;
			j ^= bit;
			if (i < j) {
				float[] t = re[i];
				re[i] = re[j];
				re[j] = t;
				t = im[i];
				im[i] = im[j];
				im[j] = t;
			}
		}
		float[][] tw = FLOAT_TWIDDLES.computeIfAbsent(n, Fft::floatTwiddles);
		float[] cos = tw[0], sin = tw[1];
		float sign = inverse ? 1 : -1;
		for (int half = 1; half < n; half <<= 1)
			for (int i = 0; i < n; i += 2 * half)
				for (int k = 0; k < half; k++) {
					float wr = cos[half + k], wi = sign * sin[half + k];
					float[] ar = re[i + k], ai = im[i + k], br = re[i + k + half], bi = im[i + k + half];
					for (int x = 0; x < m; x++) {
						float r = br[x], q = bi[x];
						float xr = r * wr - q * wi, xi = r * wi + q * wr;
						br[x] = ar[x] - xr;
						bi[x] = ai[x] - xi;
						ar[x] += xr;
						ai[x] += xi;
					}
				}
	}

	/** {@code dst[x][y] = src[y][x]}, as {@link #transpose(double[][], double[][])}. */
	static void transpose(float[][] src, float[][] dst) {
		int rows = src.length, cols = src[0].length, y = 0;
		for (; y + 8 <= rows; y += 8) {
			float[] r0 = src[y], r1 = src[y + 1], r2 = src[y + 2], r3 = src[y + 3];
			float[] r4 = src[y + 4], r5 = src[y + 5], r6 = src[y + 6], r7 = src[y + 7];
			for (int x = 0; x < cols; x++) {
				float[] d = dst[x];
				d[y] = r0[x];
				d[y + 1] = r1[x];
				d[y + 2] = r2[x];
				d[y + 3] = r3[x];
				d[y + 4] = r4[x];
				d[y + 5] = r5[x];
				d[y + 6] = r6[x];
				d[y + 7] = r7[x];
			}
		}
		for (; y < rows; y++)
			for (int x = 0; x < cols; x++)
				dst[x][y] = src[y][x];
	}

	/**
	 * {@code dst[x][y] = src[y][x]}; eight source rows at a time, so that each destination row receives a whole
	 * cache line (8 doubles) per visit.
	 */
	static void transpose(double[][] src, double[][] dst) {
		int rows = src.length, cols = src[0].length, y = 0;
		for (; y + 8 <= rows; y += 8) {
			double[] r0 = src[y], r1 = src[y + 1], r2 = src[y + 2], r3 = src[y + 3];
			double[] r4 = src[y + 4], r5 = src[y + 5], r6 = src[y + 6], r7 = src[y + 7];
			for (int x = 0; x < cols; x++) {
				double[] d = dst[x];
				d[y] = r0[x];
				d[y + 1] = r1[x];
				d[y + 2] = r2[x];
				d[y + 3] = r3[x];
				d[y + 4] = r4[x];
				d[y + 5] = r5[x];
				d[y + 6] = r6[x];
				d[y + 7] = r7[x];
			}
		}
		for (; y < rows; y++)
			for (int x = 0; x < cols; x++)
				dst[x][y] = src[y][x];
	}

	/** Radix-2 along y for all columns at once: butterflies between whole rows, so memory is read in order. */
	private static void columnsRadix2(double[] re, double[] im, int rows, int cols, boolean inverse) {
		double[] tmp = new double[cols];
		for (int i = 1, j = 0; i < rows; i++) {
			int bit = rows >> 1;
			for (; (j & bit) != 0; bit >>= 1)
				j ^= bit;
			j ^= bit;
			if (i < j) {
				swapRows(re, i * cols, j * cols, cols, tmp);
				swapRows(im, i * cols, j * cols, cols, tmp);
			}
		}
		double[][] tw = TWIDDLES.computeIfAbsent(rows, Fft::twiddles);
		double[] cos = tw[0], sin = tw[1];
		double sign = inverse ? 1 : -1;
		// all stages on a strip of columns before the next strip: the strip stays in cache between stages
		for (int x0 = 0; x0 < cols; x0 += COLUMN_STRIP) {
			int x1 = Math.min(cols, x0 + COLUMN_STRIP);
			for (int half = 1; half < rows; half <<= 1)
				for (int i = 0; i < rows; i += 2 * half)
					for (int k = 0; k < half; k++) {
						double wr = cos[half + k], wi = sign * sin[half + k];
						int a = (i + k) * cols, b = (i + k + half) * cols;
						for (int x = x0; x < x1; x++) {
							double br = re[b + x], bi = im[b + x];
							double xr = br * wr - bi * wi, xi = br * wi + bi * wr;
							re[b + x] = re[a + x] - xr;
							im[b + x] = im[a + x] - xi;
							re[a + x] += xr;
							im[a + x] += xi;
						}
					}
		}
	}

	private static void swapRows(double[] a, int i, int j, int n, double[] tmp) {
		System.arraycopy(a, i, tmp, 0, n);
		System.arraycopy(a, j, a, i, n);
		System.arraycopy(tmp, 0, a, j, n);
	}

	/** In-place unnormalised 1-D transform of the first n entries; {@code inverse} flips the exponent's sign. */
	static void transform(double[] re, double[] im, int n, boolean inverse) {
		if (n <= 1) return;
		if (Integer.bitCount(n) == 1) radix2(re, im, 0, n, inverse);
		else BLUESTEIN.computeIfAbsent(n, Bluestein::new).transform(re, im, inverse);
	}

	/** In-place radix-2 transform of {@code re/im[offset .. offset + n)}. */
	private static void radix2(double[] re, double[] im, int offset, int n, boolean inverse) {
		if (n < 2) return;
		for (int i = 1, j = 0; i < n; i++) {
			int bit = n >> 1;
			for (; (j & bit) != 0; bit >>= 1)
				j ^= bit;
			j ^= bit;
			if (i < j) {
				double t = re[offset + i];
				re[offset + i] = re[offset + j];
				re[offset + j] = t;
				t = im[offset + i];
				im[offset + i] = im[offset + j];
				im[offset + j] = t;
			}
		}
		double sign = inverse ? 1 : -1;
		// the first two stages have twiddles 1 and -+i: no multiplications
		int end = offset + n;
		for (int a = offset; a < end; a += 2) {
			double br = re[a + 1], bi = im[a + 1];
			re[a + 1] = re[a] - br;
			im[a + 1] = im[a] - bi;
			re[a] += br;
			im[a] += bi;
		}
		if (n >= 4) for (int a = offset; a < end; a += 4) {
			double br = re[a + 2], bi = im[a + 2];
			re[a + 2] = re[a] - br;
			im[a + 2] = im[a] - bi;
			re[a] += br;
			im[a] += bi;
			// (br, bi) * (0, sign)
			double xr = -sign * im[a + 3], xi = sign * re[a + 3];
			re[a + 3] = re[a + 1] - xr;
			im[a + 3] = im[a + 1] - xi;
			re[a + 1] += xr;
			im[a + 1] += xi;
		}
		double[][] tw = TWIDDLES.computeIfAbsent(n, Fft::twiddles);
		double[] cos = tw[0], sin = tw[1];
		for (int half = 4; half < n; half <<= 1)
			for (int i = offset; i < end; i += 2 * half)
				for (int k = 0; k < half; k++) {
					double wr = cos[half + k], wi = sign * sin[half + k];
					int a = i + k, b = a + half;
					double xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
					re[b] = re[a] - xr;
					im[b] = im[a] - xi;
					re[a] += xr;
					im[a] += xi;
				}
	}

	/**
	 * Twiddle factors stage by stage: entries {@code half .. 2 half - 1} hold {@code cos, sin(pi k / half)}, so each
	 * stage reads its factors in order.
	 */
	private static double[][] twiddles(int n) {
		double[] cos = new double[n], sin = new double[n];
		for (int half = 1; half < n; half <<= 1) {
			int step = n / (2 * half);
			for (int k = 0; k < half; k++) {
				cos[half + k] = Math.cos(2 * Math.PI * (k * step) / n);
				sin[half + k] = Math.sin(2 * Math.PI * (k * step) / n);
			}
		}
		return new double[][] { cos, sin };
	}

	private static float[][] floatTwiddles(int n) {
		double[][] tw = TWIDDLES.computeIfAbsent(n, Fft::twiddles);
		float[] cos = new float[n], sin = new float[n];
		for (int i = 0; i < n; i++) {
			cos[i] = (float) tw[0][i];
			sin[i] = (float) tw[1][i];
		}
		return new float[][] { cos, sin };
	}

	/** A length-n transform as a circular convolution of power-of-two length m &ge; 2n - 1. */
	private static final class Bluestein {
		private final int n, m;
		private final double[] chirpRe, chirpIm, kernelRe, kernelIm;

		Bluestein(int n) {
			this.n = n;
			int size = 1;
			while (size < 2 * n - 1)
				size <<= 1;
			this.m = size;
			chirpRe = new double[n];
			chirpIm = new double[n];
			for (int k = 0; k < n; k++) {
				// k² mod 2n keeps the angle exact for large k
				double angle = Math.PI * ((long) k * k % (2L * n)) / n;
				chirpRe[k] = Math.cos(angle);
				chirpIm[k] = -Math.sin(angle);
			}
			kernelRe = new double[m];
			kernelIm = new double[m];
			for (int k = 0; k < n; k++) {
				kernelRe[k] = chirpRe[k];
				kernelIm[k] = -chirpIm[k];
				if (k > 0) {
					kernelRe[m - k] = chirpRe[k];
					kernelIm[m - k] = -chirpIm[k];
				}
			}
			radix2(kernelRe, kernelIm, 0, m, false);
		}

		void transform(double[] re, double[] im, boolean inverse) {
			double s = inverse ? -1 : 1; // the inverse is the conjugate of the forward transform of the conjugate
			double[] ar = new double[m], ai = new double[m];
			for (int k = 0; k < n; k++) {
				double xr = re[k], xi = s * im[k];
				ar[k] = xr * chirpRe[k] - xi * chirpIm[k];
				ai[k] = xr * chirpIm[k] + xi * chirpRe[k];
			}
			radix2(ar, ai, 0, m, false);
			for (int k = 0; k < m; k++) {
				double r = ar[k] * kernelRe[k] - ai[k] * kernelIm[k];
				ai[k] = ar[k] * kernelIm[k] + ai[k] * kernelRe[k];
				ar[k] = r;
			}
			radix2(ar, ai, 0, m, true);
			for (int k = 0; k < n; k++) {
				double cr = ar[k] / m, ci = ai[k] / m;
				re[k] = cr * chirpRe[k] - ci * chirpIm[k];
				im[k] = s * (cr * chirpIm[k] + ci * chirpRe[k]);
			}
		}
	}
}
