package sc.fiji.stainnorm.slide;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sc.fiji.stainnorm.SharedData;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.normalize.Macenko;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.normalize.Vahadane;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.TestImages;

/**
 * How close the source model learned from a {@link SourceSampling} sample is to the one learned from the whole image, and how
 * much it varies with the seed: the measurement behind {@link SourceSampling#DEFAULT_TILES} and
 * {@link SourceSampling#DEFAULT_TILE_SIZE}. Not a test (minutes of CPU); run after {@code mvn test-compile}:
 * {@code java -cp target/test-classes:target/classes:$(cat target/classpath.txt) sc.fiji.stainnorm.slide.SourceSamplingStability}
 * in a checkout next to {@code ../shared/data/he}. Images: InstanSeg's Hamamatsu TMA core (1380x1484, 30% glass) and the
 * 40 glioblastoma tiles of pengyzhang_cell_seg_matlab laid out as one 4096x2560 "slide".
 */
public final class SourceSamplingStability {
	private static final int SEEDS = 8;

	public static void main(String[] args) throws Exception {
		List<String> names = new ArrayList<>();
		List<RgbImage> images = new ArrayList<>();
		Path he = SharedData.HE;
		images.add(ImageFiles.read(he.resolve("instanseg_instanseg/HE_example.tif")));
		names.add("HE_example (1380x1484)");
		RgbImage mosaic = RgbImage.create(8 * 512, 5 * 512);
		for (int k = 0; k < 40; k++) {
			RgbImage t = ImageFiles.read(he.resolve(String.format("pengyzhang_cell_seg_matlab/%02d.tif", k + 1)));
			for (int y = 0; y < 512; y++)
				System.arraycopy(t.pixels(), y * 512, mosaic.pixels(), (k / 8 * 512 + y) * mosaic.width() + k % 8 * 512, 512);
		}
		images.add(mosaic);
		names.add("GBM40 mosaic (4096x2560)");
		if (!Files.isDirectory(he)) throw new IllegalStateException(he + " not found");
		System.out.println("image | method | tiles x size | H angle to whole: mean / max (deg) | E angle: mean / max | maxC rel. diff: mean / max | H, E seed spread (max pairwise deg)");
		for (int i = 0; i < images.size(); i++) {
			RgbImage image = images.get(i);
			for (String method : new String[] { "macenko", "vahadane" }) {
				StainNormalizer n = Methods.create(method, MethodOptions.none());
				n.fit(List.of(TestImages.render(2, StainStyle.B)));
				double[][] whole = model(n, List.of(image));
				double[][] down = model(n, List.of(downsampled(image, 4)));
				System.out.printf(Locale.ROOT, "%s | %s | level 4x down, whole | H %.2f | E %.2f | maxC %.3f / %.3f%n", names.get(i), method,
					angle(down[0], whole[0]), angle(down[1], whole[1]), down[2][0] / whole[2][0] - 1, down[2][1] / whole[2][1] - 1);
				for (int size : new int[] { 128, 256, 512 })
					for (int tiles : new int[] { 8, 16, 32, 64 }) {
						SourceSampling.Settings s0 = new SourceSampling.Settings(tiles, size, 1);
						if (s0.pixels() >= image.pixelCount()) continue;
						double[] h = new double[SEEDS], e = new double[SEEDS], c = new double[SEEDS];
						List<double[][]> models = new ArrayList<>();
						for (int seed = 1; seed <= SEEDS; seed++) {
							SourceSampling.Sample sample = SourceSampling.sample(new ImageRegionSource(image), new SourceSampling.Settings(tiles, size, seed));
							double[][] m = model(n, sample.tiles());
							models.add(m);
							h[seed - 1] = angle(m[0], whole[0]);
							e[seed - 1] = angle(m[1], whole[1]);
							c[seed - 1] = Math.max(Math.abs(m[2][0] / whole[2][0] - 1), Math.abs(m[2][1] / whole[2][1] - 1));
						}
						double spreadH = 0, spreadE = 0;
						for (double[][] a : models)
							for (double[][] b : models) {
								spreadH = Math.max(spreadH, angle(a[0], b[0]));
								spreadE = Math.max(spreadE, angle(a[1], b[1]));
							}
						System.out.printf(Locale.ROOT, "%s | %s | %d x %d | %.2f / %.2f | %.2f / %.2f | %.3f / %.3f | %.2f, %.2f%n", names.get(i), method, tiles, size,
							mean(h), max(h), mean(e), max(e), mean(c), max(c), spreadH, spreadE);
					}
			}
		}
	}

	/** H, E, maxC of the method's source model. */
	private static double[][] model(StainNormalizer n, List<RgbImage> samples) {
		Object m = n.learnSource(samples);
		if (m instanceof Macenko.Source s) return new double[][] { s.stains().vectors()[0], s.stains().vectors()[1], s.stains().maxConcentrations() };
		Vahadane.Source s = (Vahadane.Source) m;
		return new double[][] { s.stains()[0], s.stains()[1], s.maxConcentrations() };
	}

	static RgbImage downsampled(RgbImage image, int f) {
		int w = image.width() / f, h = image.height() / f;
		int[] out = new int[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int r = 0, g = 0, b = 0;
				for (int dy = 0; dy < f; dy++)
					for (int dx = 0; dx < f; dx++) {
						int p = image.get(x * f + dx, y * f + dy);
						r += RgbImage.red(p);
						g += RgbImage.green(p);
						b += RgbImage.blue(p);
					}
				int n = f * f;
				out[y * w + x] = RgbImage.pack((r + n / 2) / n, (g + n / 2) / n, (b + n / 2) / n);
			}
		return RgbImage.wrap(w, h, out);
	}

	static double angle(double[] a, double[] b) {
		double dot = 0, na = 0, nb = 0;
		for (int i = 0; i < 3; i++) {
			dot += a[i] * b[i];
			na += a[i] * a[i];
			nb += b[i] * b[i];
		}
		return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)))));
	}

	private static double mean(double[] v) {
		double s = 0;
		for (double x : v)
			s += x;
		return s / v.length;
	}

	private static double max(double[] v) {
		double m = 0;
		for (double x : v)
			m = Math.max(m, x);
		return m;
	}
}
