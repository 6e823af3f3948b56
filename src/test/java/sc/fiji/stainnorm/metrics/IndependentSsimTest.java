package sc.fiji.stainnorm.metrics;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.SharedData;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.TestImages;

/**
 * Standard SSIM against a deliberately naive double-precision re-implementation of Wang et al. 2004: for every
 * window position, the 2-D Gaussian-weighted means, variances and covariance are summed directly from the 121
 * pixels (no separable filtering, no shared code with the library).
 */
public class IndependentSsimTest {

	static double naiveSsim(RgbImage x, RgbImage y) {
		int w = x.width(), h = x.height();
		double[][] g = new double[11][11];
		double total = 0;
		for (int i = 0; i < 11; i++)
			for (int j = 0; j < 11; j++)
				total += g[i][j] = Math.exp(-((i - 5) * (i - 5) + (j - 5) * (j - 5)) / (2 * 1.5 * 1.5));
		double c1 = 6.5025, c2 = 58.5225; // (0.01 * 255)², (0.03 * 255)²
		double sum = 0;
		for (int ch = 0; ch < 3; ch++) {
			float[] a = x.channel(ch), b = y.channel(ch);
			double channelSum = 0;
			int windows = 0;
			for (int top = 0; top + 11 <= h; top++)
				for (int left = 0; left + 11 <= w; left++) {
					double ma = 0, mb = 0;
					for (int i = 0; i < 11; i++)
						for (int j = 0; j < 11; j++) {
							double wgt = g[i][j] / total;
							ma += wgt * a[(top + i) * w + left + j];
							mb += wgt * b[(top + i) * w + left + j];
						}
					double va = 0, vb = 0, cov = 0;
					for (int i = 0; i < 11; i++)
						for (int j = 0; j < 11; j++) {
							double wgt = g[i][j] / total;
							double da = a[(top + i) * w + left + j] - ma, db = b[(top + i) * w + left + j] - mb;
							va += wgt * da * da;
							vb += wgt * db * db;
							cov += wgt * da * db;
						}
					channelSum += (2 * ma * mb + c1) * (2 * cov + c2) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
					windows++;
				}
			sum += channelSum / windows;
		}
		return sum / 3;
	}

	@Test
	public void syntheticPairAgreesWithTheNaiveImplementation() {
		RgbImage a = TestImages.render(2, StainStyle.A).crop(60, 40, 48, 40), b = TestImages.render(2, StainStyle.C).crop(60, 40, 48, 40);
		double expected = naiveSsim(a, b);
		assertEquals(expected, Metrics.byName("SSIM", Convention.STANDARD).compute(a, b), 1e-10);
	}

	@Test
	public void realCrossScannerPairAgreesWithTheNaiveImplementation() {
		RgbImage a = ImageFiles.read(SharedData.he("DeepMicroscopy_MultiScanner_SCC/aperio.png")).crop(100, 90, 64, 56);
		RgbImage b = ImageFiles.read(SharedData.he("DeepMicroscopy_MultiScanner_SCC/nz210.png")).crop(100, 90, 64, 56);
		double expected = naiveSsim(a, b);
		assertEquals(expected, Metrics.byName("SSIM", Convention.STANDARD).compute(a, b), 1e-10);
	}

	@Test
	public void singleWindowByHand() {
		// an 11x11 pair has one window: a flat 100 against a flat 100 with the centre pixel at 200.
		// means 100 and 100 + 100 g, variance of y 100² g (1 - g), covariance 0, with g the centre weight
		int[] px = new int[121], py = new int[121];
		java.util.Arrays.fill(px, RgbImage.pack(100, 100, 100));
		java.util.Arrays.fill(py, RgbImage.pack(100, 100, 100));
		py[60] = RgbImage.pack(200, 200, 200);
		double total = 0;
		for (int i = -5; i <= 5; i++)
			for (int j = -5; j <= 5; j++)
				total += Math.exp(-(i * i + j * j) / 4.5);
		double g = 1 / total, mx = 100, my = 100 + 100 * g, vy = 10000 * g * (1 - g);
		double c1 = 6.5025, c2 = 58.5225;
		double expected = (2 * mx * my + c1) * c2 / ((mx * mx + my * my + c1) * (vy + c2));
		assertEquals(expected, Metrics.byName("SSIM", Convention.STANDARD).compute(RgbImage.wrap(11, 11, px), RgbImage.wrap(11, 11, py)), 1e-12);
	}
}
