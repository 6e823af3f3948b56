package sc.fiji.stainnorm.metrics;

import static org.junit.Assert.assertEquals;

import java.util.Random;

import org.junit.Test;

/** The FFT against the textbook O(n²) DFT, for power-of-two and other (Bluestein) sizes, 1-D and 2-D. */
public class FftTest {

	private static double[][] naiveDft2d(double[] re, double[] im, int rows, int cols, boolean inverse) {
		double sign = inverse ? 1 : -1, scale = inverse ? 1.0 / (rows * cols) : 1;
		double[] outRe = new double[re.length], outIm = new double[re.length];
		for (int u = 0; u < rows; u++)
			for (int v = 0; v < cols; v++) {
				double sr = 0, si = 0;
				for (int y = 0; y < rows; y++)
					for (int x = 0; x < cols; x++) {
						double a = sign * 2 * Math.PI * ((double) u * y / rows + (double) v * x / cols);
						double c = Math.cos(a), s = Math.sin(a);
						sr += re[y * cols + x] * c - im[y * cols + x] * s;
						si += re[y * cols + x] * s + im[y * cols + x] * c;
					}
				outRe[u * cols + v] = sr * scale;
				outIm[u * cols + v] = si * scale;
			}
		return new double[][] { outRe, outIm };
	}

	@Test
	public void matchesTheNaiveDftForManySizes() {
		Random random = new Random(7);
		int[][] sizes = { { 1, 8 }, { 1, 12 }, { 1, 13 }, { 8, 16 }, { 6, 9 }, { 16, 15 }, { 7, 32 }, { 3, 5 } };
		for (int[] size : sizes)
			for (boolean inverse : new boolean[] { false, true }) {
				int rows = size[0], cols = size[1], n = rows * cols;
				double[] re = new double[n], im = new double[n];
				for (int i = 0; i < n; i++) {
					re[i] = random.nextGaussian() * 50;
					im[i] = random.nextGaussian() * 50;
				}
				double[][] expected = naiveDft2d(re, im, rows, cols, inverse);
				if (inverse) Fft.inverse2d(re, im, rows, cols);
				else Fft.forward2d(re, im, rows, cols);
				for (int i = 0; i < n; i++) {
					assertEquals(rows + "x" + cols, expected[0][i], re[i], 1e-9);
					assertEquals(rows + "x" + cols, expected[1][i], im[i], 1e-9);
				}
			}
	}

	@Test
	public void rowArrayColumnsAndTransposeGiveThe2dTransform() {
		// PhaseCongruency's route: columns, transpose, columns gives the transposed 2-D spectrum
		Random random = new Random(11);
		int[][] sizes = { { 8, 16 }, { 6, 9 }, { 16, 15 }, { 7, 32 }, { 5, 4 }, { 32, 32 } };
		for (int[] size : sizes)
			for (boolean inverse : new boolean[] { false, true }) {
				int rows = size[0], cols = size[1], n = rows * cols;
				double[] re = new double[n], im = new double[n];
				double[][] rowsRe = new double[rows][cols], rowsIm = new double[rows][cols];
				for (int i = 0; i < n; i++) {
					re[i] = rowsRe[i / cols][i % cols] = random.nextGaussian() * 50;
					im[i] = rowsIm[i / cols][i % cols] = random.nextGaussian() * 50;
				}
				double[][] expected = naiveDft2d(re, im, rows, cols, inverse);
				Fft.columns(rowsRe, rowsIm, inverse);
				double[][] tRe = new double[cols][rows], tIm = new double[cols][rows];
				Fft.transpose(rowsRe, tRe);
				Fft.transpose(rowsIm, tIm);
				Fft.columns(tRe, tIm, inverse);
				double scale = inverse ? n : 1; // columns() is unnormalised
				for (int y = 0; y < rows; y++)
					for (int x = 0; x < cols; x++) {
						assertEquals(rows + "x" + cols, expected[0][y * cols + x] * scale, tRe[x][y], 1e-9 * scale);
						assertEquals(rows + "x" + cols, expected[1][y * cols + x] * scale, tIm[x][y], 1e-9 * scale);
					}
			}
	}

	@Test
	public void singlePrecisionRowArrayRouteAgreesWithTheNaiveDft() {
		// PhaseCongruency's float route; power-of-two sizes run in float, others through the double Bluestein
		Random random = new Random(13);
		int[][] sizes = { { 8, 16 }, { 6, 9 }, { 16, 15 }, { 32, 32 }, { 2, 8 } };
		for (int[] size : sizes)
			for (boolean inverse : new boolean[] { false, true }) {
				int rows = size[0], cols = size[1], n = rows * cols;
				double[] re = new double[n], im = new double[n];
				float[][] rowsRe = new float[rows][cols], rowsIm = new float[rows][cols];
				for (int i = 0; i < n; i++) {
					re[i] = rowsRe[i / cols][i % cols] = (float) (random.nextGaussian() * 50);
					im[i] = rowsIm[i / cols][i % cols] = (float) (random.nextGaussian() * 50);
				}
				double[][] expected = naiveDft2d(re, im, rows, cols, inverse);
				Fft.columns(rowsRe, rowsIm, inverse);
				float[][] tRe = new float[cols][rows], tIm = new float[cols][rows];
				Fft.transpose(rowsRe, tRe);
				Fft.transpose(rowsIm, tIm);
				Fft.columns(tRe, tIm, inverse);
				double scale = inverse ? n : 1;
				// float rounding: a few ulps of the largest partial sums (about 50 sqrt(n))
				double tolerance = 1e-5 * 50 * Math.sqrt(n) * scale;
				for (int y = 0; y < rows; y++)
					for (int x = 0; x < cols; x++) {
						assertEquals(rows + "x" + cols, expected[0][y * cols + x] * scale, tRe[x][y], tolerance);
						assertEquals(rows + "x" + cols, expected[1][y * cols + x] * scale, tIm[x][y], tolerance);
					}
			}
	}
}
