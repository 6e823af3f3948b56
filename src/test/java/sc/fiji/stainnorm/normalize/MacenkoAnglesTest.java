package sc.fiji.stainnorm.normalize;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.Test;

import sc.fiji.stainnorm.SharedData;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.Percentile;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.TestImages;

/**
 * Macenko's angle percentiles found through pseudo-angles ({@link Macenko#anglePercentiles}) are those of the arctangent
 * of every tissue pixel, to the bit: on real and synthetic tissue, on random colours, on a few colours repeated many
 * times, on planes that put angles at ±π and ±π/2, and on one or two tissue pixels.
 */
public class MacenkoAnglesTest {
	private static final double[] PERCENTILES = { 1, 99, 0, 100, 50, 37.3 };

	@Test
	public void syntheticTissueRandomColoursAndRepeatedColours() {
		Random rnd = new Random(11);
		List<int[]> images = new ArrayList<>();
		for (TestImages.Entry e : TestImages.all()) images.add(e.image().pixels());
		images.add(TestImages.render(3, StainStyle.C).pixels());
		int[] random = new int[20_000], few = new int[20_000];
		int[] palette = { 0xFF8040A0, 0xFF602080, 0xFFE0B0D0, 0xFF302040, 0xFFC08090 };
		for (int i = 0; i < random.length; i++) {
			random[i] = 0xFF000000 | rnd.nextInt(1 << 24);
			few[i] = palette[rnd.nextInt(palette.length)];
		}
		images.add(random);
		images.add(few);
		images.add(new int[] { 0xFF803060 });
		images.add(new int[] { 0xFF803060, 0xFF402070 });
		int compared = 0;
		for (int[] px : images) compared += compareOnPlanes(px, rnd, 4);
		assertTrue("compared " + compared, compared > 100);
	}

	@Test
	public void everySharedImage() throws Exception {
		Path root = SharedData.he("");
		List<Path> files;
		try (Stream<Path> s = Files.walk(root)) {
			files = s.filter(p -> p.toString().matches("(?i).*\\.(png|tif|tiff|jpg)$") && !p.toString().contains("_reference_outputs")).sorted().toList();
		}
		Random rnd = new Random(12);
		int images = 0;
		for (Path f : files) {
			RgbImage image;
			try {
				image = ImageFiles.read(f);
			}
			catch (RuntimeException e) {
				continue; // not an RGB image the project reads (e.g. a mask); other tests cover those
			}
			compareOnPlanes(centre(image, 384).pixels(), rnd, 1);
			images++;
		}
		assertTrue("images " + images, images >= 10);
	}

	/** At most a side x side crop from the centre (the comparisons compute an arctangent per pixel per plane). */
	private static RgbImage centre(RgbImage image, int side) {
		int w = Math.min(side, image.width()), h = Math.min(side, image.height());
		return image.crop((image.width() - w) / 2, (image.height() - h) / 2, w, h);
	}

	/** On axis-aligned planes and {@code random} random ones; returns the comparisons made. */
	private static int compareOnPlanes(int[] px, Random rnd, int random) {
		int compared = 0;
		for (Macenko.TissueRule rule : new Macenko.TissueRule[] { Macenko.TissueRule.CHANNELS, Macenko.TissueRule.NORM }) {
			Macenko m = new Macenko(240, 1, 0.15, rule);
			List<double[][]> planes = new ArrayList<>();
			planes.add(new double[][] { { 1, 0, 0 }, { 0, 1, 0 } });
			planes.add(new double[][] { { -1, 0, 0 }, { 0, 0, 1 } }); // tissue OD > 0: angles near ±π/2 and π
			planes.add(new double[][] { { -0.6, -0.8, 0 }, { 0, 0, -1 } });
			for (int k = 0; k < random; k++) planes.add(randomPlane(rnd));
			for (double[][] plane : planes) {
				double[] expected = byArctangentOfEveryPixel(m, rule, px, plane[0], plane[1]);
				if (expected == null) continue;
				double[] got = m.anglePercentiles(px, m.odTable(), rule, plane[0], plane[1], new float[px.length], PERCENTILES);
				for (int q = 0; q < PERCENTILES.length; q++)
					assertEquals("percentile " + PERCENTILES[q] + ", rule " + rule, Double.doubleToLongBits(expected[q]), Double.doubleToLongBits(got[q]));
				compared++;
			}
		}
		return compared;
	}

	/** What Macenko did before: the float arctangent of every tissue pixel, then {@link Percentile#of}. */
	private static double[] byArctangentOfEveryPixel(Macenko m, Macenko.TissueRule rule, int[] px, double[] across, double[] along) {
		double[] od = m.odTable();
		float[] angles = new float[px.length];
		int k = 0;
		for (int rgb : px) {
			double r = od[(rgb >> 16) & 0xFF], g = od[(rgb >> 8) & 0xFF], b = od[rgb & 0xFF];
			if (!m.isTissue(rule, r, g, b)) continue;
			angles[k++] = (float) Math.atan2(along[0] * r + along[1] * g + along[2] * b, across[0] * r + across[1] * g + across[2] * b);
		}
		if (k == 0) return null;
		double[] p = new double[PERCENTILES.length];
		for (int q = 0; q < p.length; q++) p[q] = Percentile.of(angles, k, PERCENTILES[q]);
		return p;
	}

	private static double[][] randomPlane(Random rnd) {
		double[] a = unit(new double[] { rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian() });
		double[] b = { rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian() };
		double d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
		for (int c = 0; c < 3; c++) b[c] -= d * a[c];
		return new double[][] { a, unit(b) };
	}

	private static double[] unit(double[] v) {
		double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
		return new double[] { v[0] / n, v[1] / n, v[2] / n };
	}

	@Test
	public void pseudoAngleIncreasesWithTheAngleAndTakesSignedZerosAsAtan2() {
		double[][] points = { { 0.0, 1 }, { 1, 1 }, { 1, 0.0 }, { 1, -0.0 }, { 1, -1 }, { 0.0, -1 }, { -0.0, -1 }, { -1, -1 }, { -1, 0.0 }, { -1, 1 },
			{ 0.0, 0.0 }, { -0.0, 0.0 }, { 0.0, -0.0 }, { -0.0, -0.0 }, { 1e-300, -1 }, { -1e-300, -1 } };
		for (double[] a : points)
			for (double[] b : points) {
				int byAngle = Double.compare(Math.atan2(a[0], a[1]), Math.atan2(b[0], b[1]));
				int byPseudo = Double.compare(Macenko.pseudoAngle(a[0], a[1]), Macenko.pseudoAngle(b[0], b[1]));
				// Double.compare tells -0.0 from 0.0 as atan2's results do; the keys go through float comparisons, where they tie
				if (byAngle != 0 && Math.atan2(a[0], a[1]) != Math.atan2(b[0], b[1]))
					assertEquals("(" + a[0] + ", " + a[1] + ") vs (" + b[0] + ", " + b[1] + ")", byAngle, byPseudo);
			}
	}
}
