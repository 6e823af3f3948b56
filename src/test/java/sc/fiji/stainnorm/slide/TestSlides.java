package sc.fiji.stainnorm.slide;

import static org.junit.Assume.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * Slides for the writer's tests: the project's synthetic tissue as an in-memory {@link RegionSource}, the real
 * command-line tools that check the files (libvips, OpenSlide), and pixel comparisons.
 */
public final class TestSlides {
	/** Odd sizes on purpose: partial edge tiles on every level, odd halves (1500x1001, 750x501). */
	public static final int WIDTH = 2999, HEIGHT = 2001;
	public static final PixelSize PIXEL = new PixelSize(0.25, 0.25, 40);
	private static RgbImage tissue;

	private TestSlides() {}

	/** The synthetic tissue, rendered once per JVM (a few seconds). */
	public static synchronized RgbImage tissue() {
		if (tissue == null) tissue = SyntheticTissue.generate(17, WIDTH, HEIGHT).render(StainStyle.A, 1.0);
		return tissue;
	}

	/** An in-memory source: regions are crops of the image. */
	public static RegionSource source(RgbImage image, PixelSize px) {
		return new ImageRegionSource(image, px);
	}

	public static RegionSource source() {
		return source(tissue(), PIXEL);
	}

	/** The 2×2 mean of an image, each output pixel the rounded mean of the 1, 2 or 4 pixels it covers. */
	public static RgbImage halve(RgbImage in) {
		int w = (in.width() + 1) / 2, h = (in.height() + 1) / 2;
		int[] out = new int[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int[] sum = new int[3];
				int n = 0;
				for (int yy = 2 * y; yy < Math.min(2 * y + 2, in.height()); yy++)
					for (int xx = 2 * x; xx < Math.min(2 * x + 2, in.width()); xx++) {
						int p = in.get(xx, yy);
						sum[0] += RgbImage.red(p);
						sum[1] += RgbImage.green(p);
						sum[2] += RgbImage.blue(p);
						n++;
					}
				out[y * w + x] = RgbImage.pack((sum[0] + n / 2) / n, (sum[1] + n / 2) / n, (sum[2] + n / 2) / n);
			}
		return RgbImage.wrap(w, h, out);
	}

	/** PSNR in dB over the three channels (infinite when equal). */
	public static double psnr(RgbImage a, RgbImage b) {
		if (a.width() != b.width() || a.height() != b.height()) throw new AssertionError(a + " vs " + b);
		double se = 0;
		for (int i = 0; i < a.pixelCount(); i++) {
			int p = a.pixels()[i], q = b.pixels()[i];
			for (int s = 0; s <= 16; s += 8) {
				int d = (p >> s & 0xFF) - (q >> s & 0xFF);
				se += d * d;
			}
		}
		double mse = se / (3.0 * a.pixelCount());
		return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255 * 255 / mse);
	}

	public static RgbImage readPng(Path png) throws IOException {
		BufferedImage bi = ImageIO.read(png.toFile());
		if (bi == null) throw new IOException(png + " does not decode");
		int[] px = bi.getRGB(0, 0, bi.getWidth(), bi.getHeight(), null, 0, bi.getWidth());
		return RgbImage.wrap(bi.getWidth(), bi.getHeight(), px);
	}

	/** Skips the test when the tool is not on the PATH, naming it and its Debian package. */
	public static void assumeTool(String tool, String debianPackage) {
		boolean found = false;
		for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
			found |= new File(dir, tool).canExecute();
		assumeTrue("skipped: " + tool + " is not installed (Debian: apt-get install " + debianPackage + ")", found);
	}

	/** Runs a command; its standard output, or an AssertionError with its exit code and output. */
	public static String run(String... command) throws IOException {
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		try {
			if (!p.waitFor(120, TimeUnit.SECONDS)) {
				p.destroyForcibly();
				throw new AssertionError(String.join(" ", command) + " timed out");
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted");
		}
		if (p.exitValue() != 0) throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
		return out;
	}

	/** One level of a TIFF as libvips decodes it. */
	public static RgbImage vipsPage(Path tif, int page, Path png) throws IOException {
		run("vips", "copy", tif + "[page=" + page + "]", png.toString());
		return readPng(png);
	}

	/** OpenSlide's properties as {@code key: 'value'} lines. */
	public static List<String> openslideProperties(Path slide) throws IOException {
		return new ArrayList<>(List.of(run("openslide-show-properties", slide.toString()).split("\n")));
	}

	/** The value of one OpenSlide property, or null. */
	public static String property(List<String> properties, String key) {
		for (String line : properties)
			if (line.startsWith(key + ": '") && line.endsWith("'")) return line.substring(key.length() + 3, line.length() - 1);
		return null;
	}
}
