package sc.fiji.stainnorm.evaluate;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * The cross-lab protocol's same-slide cases (issue 12): every image, however small, gets a test region and a reference
 * region of the same slide that share no pixel, so that the unshifted test is the right answer and the reference is not
 * the answer itself. And a run's files, read back with today's defaults, give the same files.
 */
public class CrossLabRegionsTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();
	/** Each pixel holds its own coordinates: x in red and green, y in blue (images below 256 rows). */
	private static RgbImage coordinates(int w, int h) {
		int[] p = new int[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				p[y * w + x] = RgbImage.pack(x & 255, x >> 8, y);
		return RgbImage.wrap(w, h, p);
	}

	private static int x(RgbImage img, int i) {
		int p = img.pixels()[i];
		return RgbImage.red(p) | RgbImage.green(p) << 8;
	}

	private static int y(RgbImage img, int i) {
		return RgbImage.blue(img.pixels()[i]);
	}

	@Test
	public void aSmallImageIsSplitIntoTwoHalves() {
		CrossLab.Source s = CrossLab.regions("g", "a.png", coordinates(256, 200), 384);
		assertEquals(256, s.test().image().width()); // the folder and other-group test: the whole (uncropped) image
		RgbImage test = s.slideTest().image(), ref = s.otherRegion().image();
		assertEquals(128, test.width());
		assertEquals(128, ref.width());
		assertEquals(200, ref.height());
		assertEquals(127, x(test, test.width() - 1)); // the left half ends where the right half begins
		assertEquals(128, x(ref, 0));
		assertTrue(s.otherRegion().name().endsWith("@right-half"));
	}

	@Test
	public void aTallSmallImageIsSplitIntoUpperAndLowerHalves() {
		CrossLab.Source s = CrossLab.regions("g", "a.png", coordinates(120, 250), 384);
		RgbImage test = s.slideTest().image(), ref = s.otherRegion().image();
		assertEquals(125, test.height());
		assertEquals(125, ref.height());
		assertEquals(124, y(test, test.pixelCount() - 1));
		assertEquals(125, y(ref, 0));
	}

	@Test
	public void aLargeImageKeepsItsCentreCropAndTheRegionBesideIt() {
		CrossLab.Source s = CrossLab.regions("g", "a.png", coordinates(800, 200), 384);
		assertSame(s.test(), s.slideTest());
		RgbImage test = s.test().image(), ref = s.otherRegion().image();
		assertEquals(384, test.width());
		assertNotNull(ref);
		assertEquals(16, x(test, 0));
		assertEquals(400, x(ref, 0));
		assertEquals(399, x(test, test.width() - 1));
	}

	@Test
	public void aRunReadBackWritesTheSameFiles() throws Exception {
		Path data = tmp.newFolder("he").toPath();
		for (String lab : List.of("labA", "labB")) {
			Files.createDirectories(data.resolve(lab));
			StainStyle style = lab.equals("labA") ? StainStyle.A : StainStyle.B;
			ImageFiles.write(SyntheticTissue.generate(lab.length() + lab.charAt(3), 160, 96).render(style, 1.0), data.resolve(lab).resolve("t.png"));
		}
		CrossLab.Settings s = new CrossLab.Settings(data, 64, 1, 1, 1, 1, 1, 1);
		CrossLab.Result first = CrossLab.run(s, Progress.NONE);
		assertTrue(first.rows().stream().anyMatch(r -> r.sameSlide() && r.shiftSet().equals(CrossLab.STRONG)));
		Path a = tmp.newFolder("a").toPath(), b = tmp.newFolder("b").toPath();
		CrossLab.write(first, a, null);
		for (String f : List.of("rows.csv", "cross-lab.md"))
			Files.copy(a.resolve(f), b.resolve(f));
		CrossLab.write(CrossLab.reread(s, b), b, null);
		for (String f : List.of("rows.csv", "groups.csv", "leave-one-group-out.csv"))
			assertEquals(f, Files.readString(a.resolve(f)), Files.readString(b.resolve(f)));
		assertEquals(Files.readString(a.resolve("cross-lab.md")).replace(a.toString(), "DIR"), Files.readString(b.resolve("cross-lab.md")).replace(b.toString(), "DIR"));
	}
}
