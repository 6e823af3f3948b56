package sc.fiji.stainnorm.metrics;

/**
 * Local window filters on row-major double planes, with the exact window placement and boundary handling the
 * reference implementations use (so that the paper convention reproduces their numbers).
 */
final class LocalFilters {
	/** How a "same"-size filter reads outside the image. */
	enum Boundary {
		/** Half-sample symmetric ({@code d c b a | a b c d | d c b a}), scipy.ndimage's {@code reflect}. */
		REFLECT,
		/** Zeros outside, as {@code convolve2d(..., 'same')}. */
		ZERO
	}

	private LocalFilters() {}

	/** scipy.ndimage's {@code reflect} index for any (also far outside) position. */
	static int reflect(int i, int n) {
		if (i >= 0 && i < n) return i;
		int period = 2 * n;
		int m = Math.floorMod(i, period);
		return m < n ? m : period - 1 - m;
	}

	/**
	 * Separable correlation with {@code kernel} along x and y, keeping only positions where the window lies
	 * inside the image ("valid"): the result is {@code (w - m + 1) x (h - m + 1)}.
	 */
	static double[] correlateValid(double[] img, int w, int h, double[] kernel) {
		int m = kernel.length, ow = w - m + 1, oh = h - m + 1;
		double[] rows = new double[ow * h];
		// taps in the outer loop so the inner one runs along x and vectorises; each sum still adds the taps in
		// order from 0.0, so the result is bit-identical to the per-pixel dot product
		for (int y = 0; y < h; y++) {
			int in = y * w, out = y * ow;
			for (int k = 0; k < m; k++) {
				double kk = kernel[k];
				int from = in + k;
				for (int x = 0; x < ow; x++)
					rows[out + x] += kk * img[from + x];
			}
		}
		double[] out = new double[ow * oh];
		for (int y = 0; y < oh; y++)
			for (int k = 0; k < m; k++) {
				double kk = kernel[k];
				int in = (y + k) * ow, o = y * ow;
				for (int x = 0; x < ow; x++)
					out[o + x] += kk * rows[in + x];
			}
		return out;
	}

	/** A normalised {@code size}-tap uniform kernel. */
	static double[] uniform(int size) {
		double[] k = new double[size];
		java.util.Arrays.fill(k, 1.0 / size);
		return k;
	}

	/** A normalised Gaussian kernel of {@code size} taps (size odd). */
	static double[] gaussian(int size, double sigma) {
		double[] k = new double[size];
		double sum = 0;
		for (int i = 0; i < size; i++) {
			double d = i - (size - 1) / 2.0;
			k[i] = Math.exp(-d * d / (2 * sigma * sigma));
			sum += k[i];
		}
		for (int i = 0; i < size; i++)
			k[i] /= sum;
		return k;
	}

	/**
	 * Mean over a {@code size x size} box, same size as the input. The window at i covers
	 * {@code i - size/2 .. i + (size-1)/2}, which is where scipy's {@code uniform_filter} and
	 * {@code convolve2d(..., 'same')} put an even-sized box.
	 */
	static double[] boxMeanSame(double[] img, int w, int h, int size, Boundary boundary) {
		return boxMeanSame(img, w, h, size, size / 2, boundary);
	}

	/**
	 * As {@link #boxMeanSame(double[], int, int, int, Boundary)} with the window at i covering
	 * {@code i - before .. i - before + size - 1}; MATLAB's {@code conv2(..., 'same')} uses {@code before = (size - 1) / 2}.
	 */
	static double[] boxMeanSame(double[] img, int w, int h, int size, int before, Boundary boundary) {
		double[] tmp = new double[w * h];
		double[] out = new double[w * h];
		double[] ext = new double[Math.max(w, h) + size - 1];
		for (int y = 0; y < h; y++)
			boxLine(img, y * w, w, size, before, boundary, ext, tmp);
		// the columns all at once, row by row: the same running sums as one column at a time, read in memory order
		double[] zeros = new double[w], sums = new double[w];
		for (int t = 0; t < size - 1; t++) {
			int j = t - before;
			double[] src = outside(j, h, boundary) ? zeros : tmp;
			int from = src == zeros ? 0 : reflect(j, h) * w;
			for (int x = 0; x < w; x++)
				sums[x] += src[from + x];
		}
		for (int y = 0; y < h; y++) {
			int in = y + size - 1 - before, off = y - before;
			double[] entering = outside(in, h, boundary) ? zeros : tmp, leaving = outside(off, h, boundary) ? zeros : tmp;
			int enteringFrom = entering == zeros ? 0 : reflect(in, h) * w, leavingFrom = leaving == zeros ? 0 : reflect(off, h) * w;
			int o = y * w;
			for (int x = 0; x < w; x++) {
				sums[x] += entering[enteringFrom + x];
				out[o + x] = sums[x] / size;
				sums[x] -= leaving[leavingFrom + x];
			}
		}
		return out;
	}

	/** True when row j is outside the image and reads as zeros. */
	private static boolean outside(int j, int n, Boundary boundary) {
		return boundary == Boundary.ZERO && (j < 0 || j >= n);
	}

	/** The running-sum box mean along one row of {@code img}, written to the same row of {@code out}. */
	private static void boxLine(double[] img, int offset, int n, int size, int before, Boundary boundary, double[] ext, double[] out) {
		// running sum over the line extended by the boundary rule; exact for the integer-valued planes most callers pass
		int length = n + size - 1;
		for (int t = 0; t < length; t++) {
			int j = t - before;
			ext[t] = j >= 0 && j < n ? img[offset + j] : boundary == Boundary.REFLECT ? img[offset + reflect(j, n)] : 0;
		}
		double s = 0;
		for (int t = 0; t < size - 1; t++)
			s += ext[t];
		for (int i = 0; i < n; i++) {
			s += ext[i + size - 1];
			out[offset + i] = s / size;
			s -= ext[i];
		}
	}

	/** Correlation with the 3x3 Laplacian {@code [-1 -1 -1; -1 8 -1; -1 -1 -1]}, reflect boundary. */
	static double[] laplacian(double[] img, int w, int h) {
		double[] out = new double[w * h];
		for (int y = 0; y < h; y++) {
			int up = reflect(y - 1, h) * w, row = y * w, down = reflect(y + 1, h) * w;
			for (int x = 0; x < w; x++) {
				int left = reflect(x - 1, w), right = reflect(x + 1, w);
				double neighbours = img[up + left] + img[up + x] + img[up + right] + img[row + left] + img[row + x] + img[row + right]
					+ img[down + left] + img[down + x] + img[down + right];
				out[row + x] = 9 * img[row + x] - neighbours;
			}
		}
		return out;
	}

	static double[] multiply(double[] a, double[] b) {
		double[] out = new double[a.length];
		for (int i = 0; i < a.length; i++)
			out[i] = a[i] * b[i];
		return out;
	}
}
