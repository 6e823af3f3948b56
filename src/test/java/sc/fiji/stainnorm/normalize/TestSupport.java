package sc.fiji.stainnorm.normalize;

import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.TestImages;

/** Small independent helpers for the normalizer tests. */
final class TestSupport {
	private TestSupport() {}

	/** Mean squared error over all pixels and channels, in gray levels². */
	static double mse(RgbImage a, RgbImage b) {
		int[] p = a.pixels(), q = b.pixels();
		double sum = 0;
		for (int i = 0; i < p.length; i++)
			for (int shift = 0; shift <= 16; shift += 8) {
				double d = ((p[i] >> shift) & 0xFF) - ((q[i] >> shift) & 0xFF);
				sum += d * d;
			}
		return sum / (3.0 * p.length);
	}

	static double angleDegrees(double[] a, double[] b) {
		double dot = 0, na = 0, nb = 0;
		for (int i = 0; i < 3; i++) {
			dot += a[i] * b[i];
			na += a[i] * a[i];
			nb += b[i] * b[i];
		}
		return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)))));
	}

	static RgbImage uniform(int w, int h, int r, int g, int b) {
		int[] p = new int[w * h];
		Arrays.fill(p, RgbImage.pack(r, g, b));
		return RgbImage.wrap(w, h, p);
	}

	/** The image with R = G = B = its ITU-601 luma. */
	static RgbImage gray(RgbImage img) {
		return sc.fiji.stainnorm.core.ColorSpaces.grayscale(img);
	}

	/** A copy with thick strokes of a green marker pen. */
	static RgbImage withPenMarks(RgbImage img) {
		RgbImage out = img.copy();
		for (int y = 0; y < out.height(); y++)
			for (int x = 0; x < out.width(); x++)
				if (Math.abs(x - y) < 6 || Math.abs(x + y - out.width()) < 4) out.set(x, y, 30, 140, 60);
		return out;
	}

	/** White with a handful of dark tissue-like pixels. */
	static RgbImage nearlyEmpty(RgbImage tissue) {
		RgbImage out = uniform(tissue.width(), tissue.height(), 250, 250, 250);
		for (int i = 0; i < 20; i++) {
			int x = (i * 37) % tissue.width(), y = (i * 53) % tissue.height();
			out.pixels()[y * out.width() + x] = RgbImage.pack(150, 90, 160);
		}
		return out;
	}

	/** An image of the given size tiled from a patch (cheap stand-in for a whole-slide region). */
	static RgbImage tiled(RgbImage patch, int w, int h) {
		int[] p = new int[Math.multiplyExact(w, h)];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				p[y * w + x] = patch.get(x % patch.width(), y % patch.height());
		return RgbImage.wrap(w, h, p);
	}

	/** One parameter per registered method, for the tests that run on every method. */
	static Collection<Object[]> everyMethod() {
		List<Object[]> m = new ArrayList<>();
		for (String name : Methods.names())
			m.add(new Object[] { name });
		return m;
	}

	/** The method with its default options; the test is skipped when it needs resources that are missing. */
	static StainNormalizer createOrSkip(String method) {
		try {
			return Methods.create(method);
		}
		catch (StainNormException e) {
			assumeTrue("skipped: " + method + " cannot be created: " + e.getMessage(), false);
			return null;
		}
	}

	/**
	 * Tissue 1 of styles A and C normalized towards a reference of tissue 2 in style B (a different tissue: the
	 * method must not copy the answer) comes out without warnings and with less than half the MSE to tissue 1 in B.
	 */
	static void assertMapsStylesAAndCTowardsB(String name, Function<RgbImage, StainNormalizer> fittedTo) {
		for (StainStyle from : new StainStyle[] { StainStyle.A, StainStyle.C }) {
			RgbImage src = TestImages.render(1, from), truth = TestImages.render(1, StainStyle.B);
			Normalized out = fittedTo.apply(TestImages.render(2, StainStyle.B)).normalize(src);
			double before = mse(src, truth), after = mse(out.image(), truth);
			System.out.printf("%s %s->B (tissue 1, reference tissue 2): MSE %.1f -> %.1f%n", name, from.name(), before, after);
			assertTrue(out.warnings().toString(), out.warnings().isEmpty());
			assertTrue(from.name() + ": " + before + " -> " + after, after < 0.5 * before);
		}
	}

	/**
	 * A 3000x2000 image tiled from tissue 1 in style A has the statistics of its tile, so its first tile comes out
	 * as the tile normalized alone, up to the methods' pixel subsampling: compared loosely.
	 */
	static void assertLargeImageMatchesItsTile(StainNormalizer fitted) {
		RgbImage patch = TestImages.render(1, StainStyle.A);
		RgbImage out = fitted.normalize(tiled(patch, 3000, 2000)).image();
		assertTrue(mse(out.crop(0, 0, 256, 256), fitted.normalize(patch).image()) < 4);
	}
}
