package sc.fiji.stainnorm.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Phase congruency (Kovesi 1999, 2003; the measure FSIM builds on, Zhang et al. 2011 section III.A): a bank of
 * log-Gabor quadrature filters, 4 scales (shortest wavelength 6 pixels, scale factor 2, {@code sigmaOnf} 0.55)
 * times 4 orientations (angular Gaussian with {@code thetaSigma = pi / 4 / 1.2}), applied in the Fourier domain;
 * per orientation the energy {@code sum_s (A_s cos(dphi) - |A_s sin(dphi)|)} minus a noise threshold estimated
 * from the median response at the finest scale (Rayleigh model, k = 2, the empirical factor 1/1.7 for this
 * measure), summed over orientations and divided by the summed amplitudes. The filters are multiplied by a
 * Butterworth low-pass (cutoff 0.45, order 15) so the FFT's corners add nothing.
 */
final class PhaseCongruency {
	private static final int SCALES = 4, ORIENTATIONS = 4;
	private static final double MIN_WAVELENGTH = 6, MULT = 2, SIGMA_ON_F = 0.55, D_THETA_ON_SIGMA = 1.2, K = 2;
	private static final double EPSILON = 1e-4, NOISE_RESCALE = 1.7;
	private static final Map<Long, Bank> BANKS = new LinkedHashMap<>(8, 0.75f, true) {
		private static final long serialVersionUID = 1L;

		@Override
		protected boolean removeEldestEntry(Map.Entry<Long, Bank> eldest) {
			return size() > 4;
		}
	};

	private PhaseCongruency() {}

	/**
	 * The phase congruency map of a row-major {@code rows x cols} image, in [0, 1]. The planes are row arrays so that
	 * every FFT pass runs across whole rows ({@link Fft#columns}); the spectrum is kept transposed ({@code [u][v]}),
	 * which saves a transposition per transform: forward = columns, transpose, columns; the inverse mirrors it and
	 * ends in image layout. The transforms are single precision (see {@link Workspace}).
	 */
	static double[] of(double[] image, int rows, int cols) {
		return of(image, rows, cols, new Workspace(rows, cols));
	}

	/**
	 * Planes for {@link #of}, reusable for further images of the same size on the same thread. Single precision
	 * throughout (transforms and the sums over scales and orientations; vectorised twice as wide): FSIM and FSIMc move
	 * by at most ~2e-9 relative on the reference pairs; the noise median and the final ratio are in double.
	 */
	static final class Workspace {
		final float[][] fRe, fIm, imageRe, imageIm, productRe, productIm, energyAll, amplitudeAll, sumE, sumO;
		final float[][][] eoRe, eoIm;
		final double[] squared;
		final float[] meanE, meanO, energy;

		Workspace(int rows, int cols) {
			fRe = new float[cols][rows];
			fIm = new float[cols][rows];
			productRe = new float[cols][rows];
			productIm = new float[cols][rows];
			imageRe = new float[rows][cols];
			imageIm = new float[rows][cols];
			energyAll = new float[rows][cols];
			amplitudeAll = new float[rows][cols];
			sumE = new float[rows][cols];
			sumO = new float[rows][cols];
			eoRe = new float[SCALES][rows][cols];
			eoIm = new float[SCALES][rows][cols];
			squared = new double[rows * cols];
			meanE = new float[cols];
			meanO = new float[cols];
			energy = new float[cols];
		}
	}

	/** As {@link #of(double[], int, int)}, with the planes of {@code work} (sized rows x cols). */
	static double[] of(double[] image, int rows, int cols, Workspace work) {
		Bank bank = bank(rows, cols);
		int n = rows * cols;
		float[][] fRe = work.fRe, fIm = work.fIm, imageRe = work.imageRe, imageIm = work.imageIm;
		// the filters are zero at DC, so the mean is irrelevant; without it the float spectrum's rounding errors
		// scale with the (small) structure rather than with the (large) mean brightness
		double mean = 0;
		for (double v : image)
			mean += v;
		mean /= n;
		for (int y = 0; y < rows; y++) {
			// FFT passes permute the row arrays; every row is rewritten here, so that does not matter
			float[] row = imageRe[y];
			for (int x = 0; x < cols; x++)
				row[x] = (float) (image[y * cols + x] - mean);
			java.util.Arrays.fill(imageIm[y], 0);
			java.util.Arrays.fill(work.energyAll[y], 0);
			java.util.Arrays.fill(work.amplitudeAll[y], 0);
		}
		Fft.columns(imageRe, imageIm, false);
		Fft.transpose(imageRe, fRe);
		Fft.transpose(imageIm, fIm);
		Fft.columns(fRe, fIm, false);
		float[][] productRe = work.productRe, productIm = work.productIm, energyAll = work.energyAll, amplitudeAll = work.amplitudeAll;
		float[][][] eoRe = work.eoRe, eoIm = work.eoIm;
		float[][] sumE = work.sumE, sumO = work.sumO;
		double[] squared = work.squared;
		float[] meanE = work.meanE, meanO = work.meanO, energy = work.energy;
		for (int o = 0; o < ORIENTATIONS; o++) {
			for (int y = 0; y < rows; y++) {
				java.util.Arrays.fill(sumE[y], 0);
				java.util.Arrays.fill(sumO[y], 0);
			}
			for (int s = 0; s < SCALES; s++) {
				float[][] filter = bank.transposedFilters[o][s], re = eoRe[s], im = eoIm[s];
				for (int u = 0; u < cols; u++) {
					float[] f = filter[u], sr = fRe[u], si = fIm[u], pr = productRe[u], pi = productIm[u];
					for (int v = 0; v < rows; v++) {
						pr[v] = sr[v] * f[v];
						pi[v] = si[v] * f[v];
					}
				}
				Fft.columns(productRe, productIm, true);
				Fft.transpose(productRe, re);
				Fft.transpose(productIm, im);
				Fft.columns(re, im, true);
				for (int y = 0; y < rows; y++) {
					float[] r = re[y], q = im[y], e = sumE[y], od = sumO[y], a = amplitudeAll[y];
					for (int x = 0; x < cols; x++) {
						float even = r[x], odd = q[x];
						e[x] += even;
						od[x] += odd;
						a[x] += (float) Math.sqrt(even * even + odd * odd);
					}
				}
			}
			float threshold = (float) noiseThreshold(eoRe[0], eoIm[0], squared, bank, o);
			for (int y = 0; y < rows; y++) {
				// along the row for each scale (vectorises); per pixel the scales still add up in order
				float[] e = sumE[y], od = sumO[y], energyRow = energyAll[y];
				for (int x = 0; x < cols; x++) {
					float norm = (float) Math.sqrt(e[x] * e[x] + od[x] * od[x]) + (float) EPSILON;
					meanE[x] = e[x] / norm;
					meanO[x] = od[x] / norm;
					energy[x] = 0;
				}
				for (int s = 0; s < SCALES; s++) {
					float[] even = eoRe[s][y], odd = eoIm[s][y];
					for (int x = 0; x < cols; x++)
						energy[x] += even[x] * meanE[x] + odd[x] * meanO[x] - Math.abs(even[x] * meanO[x] - odd[x] * meanE[x]);
				}
				for (int x = 0; x < cols; x++)
					energyRow[x] += Math.max(energy[x] - threshold, 0f);
			}
		}
		double[] pc = new double[n];
		for (int y = 0; y < rows; y++)
			for (int x = 0; x < cols; x++)
				pc[y * cols + x] = amplitudeAll[y][x] == 0 ? 0 : (double) energyAll[y][x] / amplitudeAll[y][x];
		return pc;
	}

	/** Noise energy threshold for one orientation from the finest scale's squared amplitudes. */
	private static double noiseThreshold(float[][] re, float[][] im, double[] squared, Bank bank, int o) {
		int cols = re[0].length;
		for (int y = 0; y < re.length; y++)
			for (int x = 0; x < cols; x++) {
				double r = re[y][x], q = im[y][x];
				squared[y * cols + x] = r * r + q * q;
			}
		double meanSquaredNoise = -Select.median(squared) / Math.log(0.5);
		double noisePower = meanSquaredNoise / bank.finestFilterEnergy[o];
		double noiseEnergySquared = 2 * noisePower * bank.sumSquares[o] + 4 * noisePower * bank.sumCrossProducts[o];
		double tau = Math.sqrt(noiseEnergySquared / 2);
		double mean = tau * Math.sqrt(Math.PI / 2), sigma = Math.sqrt((2 - Math.PI / 2) * tau * tau);
		return (mean + K * sigma) / NOISE_RESCALE;
	}

	private static Bank bank(int rows, int cols) {
		long key = (long) rows << 32 | cols;
		synchronized (BANKS) {
			Bank b = BANKS.get(key);
			if (b == null) BANKS.put(key, b = new Bank(rows, cols));
			return b;
		}
	}

	/** The filters for one image size, with their image-independent noise statistics. */
	private static final class Bank {
		/** The filters divided by the pixel count (the inverse FFT's normalisation), transposed as the spectra are. */
		final float[][][][] transposedFilters = new float[ORIENTATIONS][SCALES][][];
		final double[] finestFilterEnergy = new double[ORIENTATIONS];
		final double[] sumSquares = new double[ORIENTATIONS], sumCrossProducts = new double[ORIENTATIONS];

		Bank(int rows, int cols) {
			int n = rows * cols;
			double[] radius = new double[n], sinTheta = new double[n], cosTheta = new double[n], lowPass = new double[n];
			for (int r = 0; r < rows; r++) {
				double y = frequency(r, rows);
				for (int c = 0; c < cols; c++) {
					double x = frequency(c, cols);
					int i = r * cols + c;
					double rad = Math.sqrt(x * x + y * y);
					lowPass[i] = 1 / (1 + Math.pow(rad / 0.45, 2 * 15));
					radius[i] = i == 0 ? 1 : rad; // log(0) avoided; the DC term is zeroed below
					double theta = Math.atan2(-y, x); // negative y: angles increase anticlockwise
					sinTheta[i] = Math.sin(theta);
					cosTheta[i] = Math.cos(theta);
				}
			}
			double[][] radial = new double[SCALES][n];
			double logSigma = Math.log(SIGMA_ON_F);
			for (int s = 0; s < SCALES; s++) {
				double centre = 1 / (MIN_WAVELENGTH * Math.pow(MULT, s));
				for (int i = 0; i < n; i++) {
					double l = Math.log(radius[i] / centre);
					radial[s][i] = Math.exp(-l * l / (2 * logSigma * logSigma)) * lowPass[i];
				}
				radial[s][0] = 0;
			}
			double thetaSigma = Math.PI / ORIENTATIONS / D_THETA_ON_SIGMA;
			for (int o = 0; o < ORIENTATIONS; o++) {
				double angle = o * Math.PI / ORIENTATIONS, ca = Math.cos(angle), sa = Math.sin(angle);
				double[] spread = new double[n];
				for (int i = 0; i < n; i++) {
					double ds = sinTheta[i] * ca - cosTheta[i] * sa, dc = cosTheta[i] * ca + sinTheta[i] * sa;
					double dTheta = Math.abs(Math.atan2(ds, dc));
					spread[i] = Math.exp(-dTheta * dTheta / (2 * thetaSigma * thetaSigma));
				}
				double[][] spatial = new double[SCALES][];
				for (int s = 0; s < SCALES; s++) {
					double[] f = LocalFilters.multiply(radial[s], spread);
					float[][] t = transposedFilters[o][s] = new float[cols][rows];
					for (int r = 0; r < rows; r++)
						for (int c = 0; c < cols; c++)
							t[c][r] = (float) (f[r * cols + c] / n);
					if (s == 0) for (double v : f)
						finestFilterEnergy[o] += v * v;
					double[] re = f.clone(), im = new double[n];
					Fft.inverse2d(re, im, rows, cols);
					double scale = Math.sqrt(n);
					for (int i = 0; i < n; i++)
						re[i] *= scale;
					spatial[s] = re;
				}
				for (int si = 0; si < SCALES; si++)
					for (int i = 0; i < n; i++) {
						sumSquares[o] += spatial[si][i] * spatial[si][i];
						for (int sj = si + 1; sj < SCALES; sj++)
							sumCrossProducts[o] += spatial[si][i] * spatial[sj][i];
					}
			}
		}

		/**
		 * The normalised frequency (cycles per pixel, within +-0.5) of FFT index i of n; odd n use the
		 * {@code (n - 1)} denominator of Kovesi's grid.
		 */
		private static double frequency(int i, int n) {
			if (n % 2 == 0) return (i < n / 2 ? i : i - n) / (double) n;
			return (i <= (n - 1) / 2 ? i : i - n) / (double) (n - 1);
		}
	}
}
