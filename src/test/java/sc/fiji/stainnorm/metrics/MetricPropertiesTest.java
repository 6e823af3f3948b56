package sc.fiji.stainnorm.metrics;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.Test;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.TestImages;

/** Ideal values, closed-form cases, symmetry and bad input, on the synthetic tissue images. */
public class MetricPropertiesTest {
	private static final RgbImage A = TestImages.render(1, StainStyle.A), B = TestImages.render(1, StainStyle.B);
	private static final Set<String> HIGHER_IDEAL_ONE = Set.of("SSIM", "MS-SSIM", "FSIM", "FSIMc", "SCC", "PCC", "UQI");

	/** Each channel value v mapped to f(v). */
	private static RgbImage map(RgbImage img, java.util.function.IntUnaryOperator f) {
		int[] p = img.pixels(), out = new int[p.length];
		for (int i = 0; i < p.length; i++)
			out[i] = RgbImage.pack(f.applyAsInt(RgbImage.red(p[i])), f.applyAsInt(RgbImage.green(p[i])), f.applyAsInt(RgbImage.blue(p[i])));
		return RgbImage.wrap(img.width(), img.height(), out);
	}

	@Test
	public void identityGivesTheIdealValueOfEveryMetric() {
		for (Convention c : Convention.values()) {
			List<String> problems = new ArrayList<>();
			List<Metric> metrics = Metrics.of(c);
			double[] row = Metrics.computeRow(metrics, A, A.copy(), problems);
			assertTrue(problems.toString(), problems.isEmpty());
			for (int i = 0; i < metrics.size(); i++) {
				String name = metrics.get(i).name();
				if (HIGHER_IDEAL_ONE.contains(name)) assertEquals(name + " " + c, 1, row[i], 1e-12);
				else if (name.equals("PSNR")) assertEquals(Double.POSITIVE_INFINITY, row[i], 0);
				else assertEquals(name + " " + c, 0, row[i], 0);
			}
			for (int i = metrics.size(); i < row.length; i++)
				assertEquals("stain separation", 0, row[i], 0);
		}
	}

	@Test
	public void constantOffsetGivesHandComputedErrorsAndPerfectCorrelation() {
		RgbImage base = map(A, v -> Math.min(v, 200)), shifted = map(base, v -> v + 10);
		for (Convention c : Convention.values()) {
			assertEquals(100, Metrics.byName("MSE", c).compute(base, shifted), 1e-12);
			assertEquals(10, Metrics.byName("RMSE", c).compute(base, shifted), 1e-12);
			assertEquals(10 * Math.log10(255.0 * 255 / 100), Metrics.byName("PSNR", c).compute(base, shifted), 1e-12);
			assertEquals(1, Metrics.byName("PCC", c).compute(base, shifted), 1e-12);
		}
		// the Laplacian removes a constant, so the high-pass images are identical
		assertEquals(1, Metrics.byName("SCC", Convention.STANDARD).compute(base, shifted), 1e-12);
		// RASE = 100 * 10 / mean(base) exactly
		double mean = (Planes.mean(Planes.rgb(base)[0]) + Planes.mean(Planes.rgb(base)[1]) + Planes.mean(Planes.rgb(base)[2])) / 3;
		assertEquals(1000 / mean, Metrics.byName("RASE", Convention.STANDARD).compute(base, shifted), 1e-9);
	}

	@Test
	public void halvingGivesHandComputedErgasAndPerfectCorrelation() {
		RgbImage even = map(A, v -> v & ~1), half = map(even, v -> v / 2);
		double[][] g = Planes.rgb(even);
		double sum = 0, mse = 0;
		for (int c = 0; c < 3; c++) {
			double sq = 0;
			for (double v : g[c])
				sq += v * v;
			// error of each value is v/2
			double rmse = Math.sqrt(sq / g[c].length) / 2;
			mse += rmse * rmse / 3;
			sum += Math.pow(rmse / Planes.mean(g[c]), 2);
		}
		assertEquals(100 * Math.sqrt(sum / 3), Metrics.byName("ERGAS", Convention.STANDARD).compute(even, half), 1e-9);
		assertEquals(mse, Metrics.byName("MSE", Convention.STANDARD).compute(even, half), 1e-9);
		assertEquals(1, Metrics.byName("PCC", Convention.STANDARD).compute(even, half), 1e-12);
	}

	@Test
	public void symmetricMetricsAreSymmetric() {
		Set<String> asymmetric = Set.of("ERGAS", "RASE");
		for (Convention c : Convention.values())
			for (Metric m : Metrics.of(c)) {
				if (asymmetric.contains(m.name())) continue;
				double ab = m.compute(A, B), ba = m.compute(B, A);
				assertEquals(m.name() + " " + c, ab, ba, 1e-12 * Math.abs(ab));
			}
	}

	@Test
	public void differentImagesScoreWorseThanIdenticalOnes() {
		for (Convention c : Convention.values())
			for (Metric m : Metrics.of(c)) {
				double same = m.compute(A, A), different = m.compute(A, B);
				assertTrue(m.name() + " " + c + ": " + same + " vs " + different, m.higherIsBetter() ? different < same : different > same);
			}
	}

	@Test
	public void sizeMismatchIsAClearError() {
		RgbImage small = A.crop(0, 0, 200, 256);
		for (Convention c : Convention.values())
			for (Metric m : Metrics.of(c))
				try {
					m.compute(A, small);
					fail(m.name() + " accepted different sizes");
				}
				catch (StainNormException e) {
					assertTrue(e.getMessage(), e.getMessage().contains("256x256") && e.getMessage().contains("200x256"));
				}
	}

	@Test
	public void tinyImagesGetClearErrorsOrValuesButNeverNaN() {
		RgbImage a = A.crop(100, 100, 8, 8), b = B.crop(100, 100, 8, 8);
		for (Convention c : Convention.values())
			for (Metric m : Metrics.of(c))
				try {
					assertFalse(m.name(), Double.isNaN(m.compute(a, b)));
				}
				catch (StainNormException e) {
					assertTrue(e.getMessage(), e.getMessage().startsWith(m.name()) || e.getMessage().startsWith("FSIM"));
					assertTrue(e.getMessage(), e.getMessage().contains("8x8"));
				}
		try {
			Metrics.byName("MS-SSIM", Convention.STANDARD).compute(a, b);
			fail();
		}
		catch (StainNormException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("176x176"));
		}
	}

	@Test
	public void blankPatchesGiveValuesOrWarningsNotExceptions() {
		RgbImage white = map(A, v -> 255), black = map(A, v -> 0), nearlyWhite = map(A, v -> v < 250 ? 250 : v);
		for (Convention c : Convention.values())
			for (RgbImage[] pair : new RgbImage[][] { { white, white }, { white, nearlyWhite }, { black, white }, { white, black } }) {
				List<String> problems = new ArrayList<>();
				double[] row = Metrics.computeRow(Metrics.of(c), pair[0], pair[1], problems);
				int missing = 0;
				for (double v : row)
					if (Double.isNaN(v)) missing++;
				assertTrue("every missing value is explained: " + problems, problems.size() >= missing);
			}
	}

	@Test
	public void aTableRowHoldsExactlyTheValuesOfTheMetricsComputedOneByOne() {
		// the row shares work between metrics (SSIM within MS-SSIM, FSIM with FSIMc): sharing must not change a bit
		for (Convention c : Convention.values()) {
			List<Metric> metrics = Metrics.of(c);
			double[] row = Metrics.computeRow(metrics, A, B, new ArrayList<>());
			for (int i = 0; i < metrics.size(); i++)
				assertEquals(metrics.get(i).name() + " " + c, metrics.get(i).compute(A, B), row[i], 0);
		}
	}

	@Test
	public void conventionParsing() {
		assertEquals(Convention.PAPER, Convention.parse(" Paper"));
		assertEquals(Convention.STANDARD, Convention.parse("standard"));
		try {
			Convention.parse("sewar");
			fail();
		}
		catch (StainNormException e) {
			assertTrue(e.getMessage().contains("standard, paper"));
		}
	}

	@Test
	public void everyConventionHasTheTwelvePaperMetrics() {
		for (Convention c : Convention.values())
			assertEquals(List.of("SSIM", "MS-SSIM", "FSIM", "FSIMc", "SCC", "PCC", "MSE", "RMSE", "PSNR", "ERGAS", "RASE", "UQI"),
				Metrics.of(c).stream().map(Metric::name).toList());
	}
}
