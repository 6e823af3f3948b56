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

	/** One output row of {@link #windowedMoments}: the windowed means of x, y, x², y² and xy. */
	@FunctionalInterface
	interface MomentRow {
		void accept(double[] mx, double[] my, double[] mxx, double[] myy, double[] mxy, int n);
	}

	/**
	 * The separable correlations of x, y, x², y² and xy with {@code kernel} (m taps) at the positions where the
	 * window lies inside the image ("valid", {@code (w - m + 1) x (h - m + 1)}), handed over one output row at a
	 * time, top to bottom. Taps are added in order from 0.0, first along x, then along y; only the last m row-pass
	 * rows are kept, so everything stays in cache, and the inner loops run along rows (they vectorise).
	 */
	static void windowedMoments(double[] x, double[] y, int w, int h, double[] kernel, MomentRow consumer) {
		windowedMoments(x, y, w, h, kernel, Double.POSITIVE_INFINITY, consumer);
	}

	/**
	 * {@link #windowedMoments} with the products x², y² and xy capped at {@code productCap}: MATLAB's {@code .*} of
	 * two uint8 arrays saturates at 255.
	 */
	static void windowedMoments(double[] x, double[] y, int w, int h, double[] kernel, double productCap, MomentRow consumer) {
		int m = kernel.length, ow = w - m + 1;
		double[][][] ring = new double[5][m][ow];
		double[][] column = new double[5][ow];
		double[][] inputs = new double[5][w];
		double[] shifted = new double[ow];
		for (int r = 0; r < h; r++) {
			int in = r * w;
			double[] xs = inputs[0], ys = inputs[1], xx = inputs[2], yy = inputs[3], xy = inputs[4];
			for (int j = 0; j < w; j++) {
				double a = x[in + j], b = y[in + j];
				xs[j] = a;
				ys[j] = b;
				xx[j] = Math.min(a * a, productCap);
				yy[j] = Math.min(b * b, productCap);
				xy[j] = Math.min(a * b, productCap);
			}
			int slot = r % m;
			for (int q = 0; q < 5; q++) {
				double[] target = ring[q][slot], source = inputs[q];
				java.util.Arrays.fill(target, 0);
				for (int k = 0; k < m; k++) {
					double kk = kernel[k];
					// the tap's window copied to its own array: same index on both sides, so the loop vectorises
					System.arraycopy(source, k, shifted, 0, ow);
					for (int i = 0; i < ow; i++)
						target[i] += kk * shifted[i];
				}
			}
			if (r < m - 1) continue;
			int top = r - m + 1;
			for (int q = 0; q < 5; q++) {
				double[] sum = column[q];
				java.util.Arrays.fill(sum, 0);
				for (int k = 0; k < m; k++) {
					double kk = kernel[k];
					double[] source = ring[q][(top + k) % m];
					for (int i = 0; i < ow; i++)
						sum[i] += kk * source[i];
				}
			}
			consumer.accept(column[0], column[1], column[2], column[3], column[4], ow);
		}
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
		double[] alongX = new double[w * h];
		double[][] lines = new double[4][w + size - 1];
		int y = 0;
		for (; y + 4 <= h; y += 4) {
			for (int r = 0; r < 4; r++)
				extend(img, (y + r) * w, w, before, boundary, lines[r]);
			boxLines4(lines, w, size, alongX, y * w);
		}
		for (; y < h; y++) {
			extend(img, y * w, w, before, boundary, lines[0]);
			boxLine(lines[0], w, size, alongX, y * w);
		}
		return boxMeanDown(alongX, w, h, size, before, boundary);
	}

	/** Row {@code img[offset .. offset + n)} extended by {@code before} values on the left and the rest on the right. */
	private static void extend(double[] img, int offset, int n, int before, Boundary boundary, double[] line) {
		int inside = Math.min(n, line.length - before);
		System.arraycopy(img, offset, line, before, inside);
		for (int t = 0; t < before; t++)
			line[t] = boundary == Boundary.REFLECT ? img[offset + reflect(t - before, n)] : 0;
		for (int t = before + inside; t < line.length; t++)
			line[t] = boundary == Boundary.REFLECT ? img[offset + reflect(t - before, n)] : 0;
	}

	/**
	 * The running-sum box mean of one extended line: sum of the first {@code size - 1} values from 0.0, then per
	 * output add the entering value, divide, subtract the leaving one (exact for integer-valued planes).
	 */
	private static void boxLine(double[] line, int n, int size, double[] out, int offset) {
		double s = 0;
		for (int t = 0; t < size - 1; t++)
			s += line[t];
		for (int i = 0; i < n; i++) {
			s += line[i + size - 1];
			out[offset + i] = mean(s, size);
			s -= line[i];
		}
	}

	/** {@link #boxLine} on four consecutive rows at once: four independent running sums keep the CPU busy. */
	private static void boxLines4(double[][] lines, int n, int size, double[] out, int offset) {
		double[] l0 = lines[0], l1 = lines[1], l2 = lines[2], l3 = lines[3];
		double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
		for (int t = 0; t < size - 1; t++) {
			s0 += l0[t];
			s1 += l1[t];
			s2 += l2[t];
			s3 += l3[t];
		}
		for (int i = 0; i < n; i++) {
			int in = i + size - 1;
			s0 += l0[in];
			s1 += l1[in];
			s2 += l2[in];
			s3 += l3[in];
			out[offset + i] = mean(s0, size);
			out[offset + n + i] = mean(s1, size);
			out[offset + 2 * n + i] = mean(s2, size);
			out[offset + 3 * n + i] = mean(s3, size);
			s0 -= l0[i];
			s1 -= l1[i];
			s2 -= l2[i];
			s3 -= l3[i];
		}
	}

	/** {@code sum / size}; a multiplication for powers of two, where it gives the same bits, since it is faster. */
	private static double mean(double sum, int size) {
		return (size & (size - 1)) == 0 ? sum * (1.0 / size) : sum / size;
	}

	/**
	 * The box mean along y of every column at once, row by row: per column the running sum of a line extended by the
	 * boundary rule (sum of the first {@code size - 1} values from 0.0, then add the entering value, divide, subtract
	 * the leaving one), which is exact for the integer-valued planes most callers pass.
	 */
	private static double[] boxMeanDown(double[] img, int w, int h, int size, int before, Boundary boundary) {
		double[] out = new double[w * h];
		double[] zeros = new double[w], sums = new double[w], enteringRow = new double[w], leavingRow = new double[w], outRow = new double[w];
		for (int t = 0; t < size - 1; t++) {
			int j = t - before;
			double[] src = outside(j, h, boundary) ? zeros : img;
			int from = src == zeros ? 0 : reflect(j, h) * w;
			for (int x = 0; x < w; x++)
				sums[x] += src[from + x];
		}
		for (int y = 0; y < h; y++) {
			int in = y + size - 1 - before, off = y - before;
			double[] entering = outside(in, h, boundary) ? zeros : img, leaving = outside(off, h, boundary) ? zeros : img;
			int enteringFrom = entering == zeros ? 0 : reflect(in, h) * w, leavingFrom = leaving == zeros ? 0 : reflect(off, h) * w;
			// copies into separate row buffers, so that every access is at index x and the loop vectorises
			System.arraycopy(entering, enteringFrom, enteringRow, 0, w);
			System.arraycopy(leaving, leavingFrom, leavingRow, 0, w);
			for (int x = 0; x < w; x++) {
				sums[x] += enteringRow[x];
				outRow[x] = mean(sums[x], size);
				sums[x] -= leavingRow[x];
			}
			System.arraycopy(outRow, 0, out, y * w, w);
		}
		return out;
	}

	/** True when row j is outside the image and reads as zeros. */
	private static boolean outside(int j, int n, Boundary boundary) {
		return boundary == Boundary.ZERO && (j < 0 || j >= n);
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
