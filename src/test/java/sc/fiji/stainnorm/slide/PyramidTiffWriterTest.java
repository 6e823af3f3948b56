package sc.fiji.stainnorm.slide;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static sc.fiji.stainnorm.slide.TestSlides.HEIGHT;
import static sc.fiji.stainnorm.slide.TestSlides.WIDTH;
import static sc.fiji.stainnorm.slide.TestSlides.assumeTool;
import static sc.fiji.stainnorm.slide.TestSlides.property;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.slide.PyramidTiffOptions.Compression;

/**
 * The pyramid writer's files as the real readers see them (libvips, OpenSlide), and its safety: no overwrite, one job
 * per output, a failed or cancelled run resumed to the same file.
 */
public class PyramidTiffWriterTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	static PyramidTiffOptions jpeg() {
		return PyramidTiffOptions.defaults().withThreads(2);
	}

	static PyramidTiffOptions deflate() {
		return PyramidTiffOptions.defaults().withThreads(2).withCompression(Compression.DEFLATE);
	}

	private Path out(String name) {
		return tmp.getRoot().toPath().resolve(name);
	}

	@Test
	public void levelsHalveDownToUnder1024() {
		List<long[]> s = PyramidTiffWriter.levelSizes(WIDTH, HEIGHT);
		assertEquals(3, s.size());
		assertArrayEquals(new long[] { 1500, 1001 }, s.get(1));
		assertArrayEquals(new long[] { 750, 501 }, s.get(2));
		assertEquals(1, PyramidTiffWriter.levelSizes(1023, 800).size());
		assertEquals(2, PyramidTiffWriter.levelSizes(1024, 10).size());
	}

	@Test
	public void bigTiffIsChosenWhenTheFileCouldExceed4GB() {
		assertFalse(PyramidTiffWriter.needsBigTiff(WIDTH, HEIGHT, jpeg()));
		assertFalse(PyramidTiffWriter.needsBigTiff(20_000, 20_000, jpeg())); // 0.4 GP: bound 3.4 GB (every tile at twice its raw size)
		assertTrue(PyramidTiffWriter.needsBigTiff(30_000, 30_000, jpeg()));
		assertFalse(PyramidTiffWriter.needsBigTiff(30_000, 30_000, deflate()));
		assertTrue(PyramidTiffWriter.needsBigTiff(50_000, 50_000, deflate()));
		// the raw pixels alone (3 bytes each, a third more for the reduced levels) already pass 4 GB
		assertTrue(PyramidTiffWriter.needsBigTiff(40_000, 30_000, deflate()));
	}

	@Test
	public void jpegPyramidAsVipsAndOpenSlideSeeIt() throws IOException {
		assumeTool("vips", "libvips-tools");
		assumeTool("openslide-show-properties", "openslide-tools");
		Path out = out("jpeg.tif");
		PyramidTiffWriter.Result r = PyramidTiffWriter.write(TestSlides.source(), out, jpeg(), Progress.NONE);
		assertEquals(3, r.levels());
		assertFalse("no BigTIFF for a small file", r.bigTiff());
		assertEquals(Files.size(out), r.bytes());
		checkHeaderAndLevels(out);
		checkOpenSlide(out, 512);

		RgbImage level0 = TestSlides.vipsPage(out, 0, out("p0.png"));
		RgbImage level1 = TestSlides.vipsPage(out, 1, out("p1.png"));
		RgbImage level2 = TestSlides.vipsPage(out, 2, out("p2.png"));
		RgbImage expected1 = TestSlides.halve(TestSlides.tissue()), expected2 = TestSlides.halve(expected1);
		double p0 = TestSlides.psnr(TestSlides.tissue(), level0), p1 = TestSlides.psnr(expected1, level1), p2 = TestSlides.psnr(expected2, level2);
		System.out.printf(Locale.ROOT, "JPEG q90 4:4:4 %d bytes; vips decodes levels at PSNR %.1f / %.1f / %.1f dB%n", r.bytes(), p0, p1, p2);
		assertTrue("level 0 within JPEG error: " + p0, p0 > 39);
		assertTrue("level 1 within JPEG error: " + p1, p1 > 36);
		assertTrue("level 2 within JPEG error: " + p2, p2 > 33);

		// OpenSlide decodes the same pixels as libvips (YCbCr JPEG decoded right by both), and regions across tile borders
		Path region = out("region.png");
		TestSlides.run("openslide-write-png", out.toString(), "400", "300", "0", "700", "500", region.toString());
		RgbImage os = TestSlides.readPng(region);
		assertTrue("OpenSlide = libvips on level 0", TestSlides.psnr(level0.crop(400, 300, 700, 500), os) > 45);
		assertTrue(TestSlides.psnr(TestSlides.tissue().crop(400, 300, 700, 500), os) > 36);
		// OpenSlide 3.4 places a level's tiles through its mean downsample (1.9992 here, not 2), so it resamples level 1 a
		// little (the deflate file's level 1, exact in libvips, reads back at 37.8 dB): within JPEG error, not equal
		TestSlides.run("openslide-write-png", out.toString(), "0", "0", "1", "1500", "1001", region.toString());
		double os1 = TestSlides.psnr(expected1, TestSlides.readPng(region));
		assertTrue("OpenSlide's level 1 within JPEG error: " + os1, os1 > 33);
	}

	@Test
	public void subsampledChromaJpegDecodesAlike() throws IOException {
		assumeTool("vips", "libvips-tools");
		assumeTool("openslide-write-png", "openslide-tools");
		Path out = out("420.tif");
		PyramidTiffWriter.write(TestSlides.source(), out, jpeg().withChromaSubsampling(true).withTileSize(256), Progress.NONE);
		RgbImage level0 = TestSlides.vipsPage(out, 0, out("p0.png"));
		double p = TestSlides.psnr(TestSlides.tissue(), level0);
		System.out.printf(Locale.ROOT, "JPEG q90 4:2:0 256-px tiles %d bytes; PSNR %.1f dB%n", Files.size(out), p);
		assertTrue(p > 36);
		Path region = out("region.png");
		TestSlides.run("openslide-write-png", out.toString(), "200", "200", "0", "600", "600", region.toString());
		assertTrue(TestSlides.psnr(level0.crop(200, 200, 600, 600), TestSlides.readPng(region)) > 45);
		checkOpenSlide(out, 256);
	}

	@Test
	public void deflateIsLosslessOnEveryLevel() throws IOException {
		assumeTool("vips", "libvips-tools");
		assumeTool("openslide-show-properties", "openslide-tools");
		Path out = out("deflate.tif");
		PyramidTiffWriter.write(TestSlides.source(), out, deflate(), Progress.NONE);
		checkHeaderAndLevels(out);
		checkOpenSlide(out, 512);
		RgbImage expected1 = TestSlides.halve(TestSlides.tissue());
		assertTrue("level 0 lossless", TestSlides.tissue().sameRgb(TestSlides.vipsPage(out, 0, out("p0.png"))));
		assertTrue("level 1 = the 2x2 mean", expected1.sameRgb(TestSlides.vipsPage(out, 1, out("p1.png"))));
		assertTrue("level 2 = the 2x2 mean of that", TestSlides.halve(expected1).sameRgb(TestSlides.vipsPage(out, 2, out("p2.png"))));
		Path region = out("region.png");
		TestSlides.run("openslide-write-png", out.toString(), "2500", "1700", "0", "499", "301", region.toString());
		assertTrue("OpenSlide reads the edge tiles exactly", TestSlides.tissue().crop(2500, 1700, 499, 301).sameRgb(TestSlides.readPng(region)));
	}

	@Test
	public void bigTiffForcedOnASmallImage() throws IOException {
		assumeTool("vips", "libvips-tools");
		assumeTool("openslide-show-properties", "openslide-tools");
		Path out = out("big.tif");
		PyramidTiffWriter.Result r = PyramidTiffWriter.write(TestSlides.source(), out, deflate().withForceBigTiff(true), Progress.NONE);
		assertTrue(r.bigTiff());
		byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(out), 4);
		assertArrayEquals("BigTIFF magic", new byte[] { 'I', 'I', 43, 0 }, head);
		checkHeaderAndLevels(out);
		checkOpenSlide(out, 512);
		assertTrue(TestSlides.tissue().sameRgb(TestSlides.vipsPage(out, 0, out("p0.png"))));
	}

	private static void checkHeaderAndLevels(Path out) throws IOException {
		assertEquals("3", TestSlides.run("vipsheader", "-f", "n-pages", out.toString()).strip());
		String header = TestSlides.run("vipsheader", "-a", out.toString());
		assertTrue(header, header.contains("width: " + WIDTH) && header.contains("height: " + HEIGHT));
		assertTrue(header, header.contains("resolution-unit: cm") && header.contains("xres: 4000\n"));
		assertTrue(header, header.contains("MPP = 0.25|AppMag = 40"));
	}

	/** Levels, their sizes and tile size, the vendor, the resolution tags and MPP where this OpenSlide reports it. */
	private static void checkOpenSlide(Path out, int tile) throws IOException {
		List<String> p = TestSlides.openslideProperties(out);
		assertEquals(p.toString(), "generic-tiff", property(p, "openslide.vendor"));
		assertEquals("3", property(p, "openslide.level-count"));
		long[][] sizes = { { WIDTH, HEIGHT }, { 1500, 1001 }, { 750, 501 } };
		for (int k = 0; k < 3; k++) {
			assertEquals(Long.toString(sizes[k][0]), property(p, "openslide.level[" + k + "].width"));
			assertEquals(Long.toString(sizes[k][1]), property(p, "openslide.level[" + k + "].height"));
			assertEquals(Integer.toString(tile), property(p, "openslide.level[" + k + "].tile-width"));
			assertEquals(Integer.toString(tile), property(p, "openslide.level[" + k + "].tile-height"));
		}
		assertEquals("centimeter", property(p, "tiff.ResolutionUnit"));
		assertEquals(40000, Double.parseDouble(property(p, "tiff.XResolution")), 1e-6);
		String mpp = property(p, "openslide.mpp-x"); // OpenSlide 4 derives it from the resolution tags; 3.4 does not
		if (mpp != null) assertEquals(0.25, Double.parseDouble(mpp), 1e-6);
		assertFalse("not taken for an Aperio file", property(p, "tiff.ImageDescription").startsWith("Aperio"));
	}

	@Test
	public void anExistingOutputIsKeptUnlessOverwriteIsAsked() throws IOException {
		Path out = out("kept.tif");
		Files.writeString(out, "precious");
		StainNormException e = assertThrows(StainNormException.class,
			() -> PyramidTiffWriter.write(TestSlides.source(), out, jpeg(), Progress.NONE));
		assertTrue(e.getMessage(), e.getMessage().contains(out + " exists"));
		assertEquals("precious", Files.readString(out));
		PyramidTiffWriter.write(TestSlides.source(), out, jpeg().withOverwrite(true), Progress.NONE);
		assertTrue(Files.size(out) > 100_000);
		assertNoLeftovers(out);
	}

	@Test
	public void twoJobsCannotWriteOneOutput() throws IOException {
		Path out = out("locked.tif");
		try (OutputLock held = OutputLock.acquire(PyramidTiffWriter.lockFile(out), out)) {
			StainNormException e = assertThrows(StainNormException.class,
				() -> PyramidTiffWriter.write(TestSlides.source(), out, jpeg(), Progress.NONE));
			assertTrue(e.getMessage(), e.getMessage().contains(out + " is being written by another job"));
		}
		assertFalse(Files.exists(out));
		PyramidTiffWriter.write(TestSlides.source(), out, jpeg(), Progress.NONE);
		assertNoLeftovers(out);
	}

	/** A source that fails on every read at or below level-0 pixel row {@code failFromY}, like a slide with a damaged tile. */
	static RegionSource failingFrom(long failFromY) {
		RegionSource good = TestSlides.source();
		return new RegionSource() {
			@Override
			public long width() {
				return good.width();
			}

			@Override
			public long height() {
				return good.height();
			}

			@Override
			public RgbImage read(long x, long y, int w, int h) throws IOException {
				if (y >= failFromY) throw new IOException("Cannot read slide.svs: damaged tile at " + x + "," + y);
				return good.read(x, y, w, h);
			}

			@Override
			public PixelSize pixelSize() {
				return good.pixelSize();
			}
		};
	}

	@Test
	public void deflateResumesAfterAFailureToTheSameBytes() throws IOException {
		// 256-pixel tiles: 8 level-0 rows; failing in row 3 leaves level 1 and level 2 each with a half-accumulated row
		PyramidTiffOptions o = deflate().withTileSize(256);
		Path reference = out("reference.tif"), out = out("resumed.tif");
		PyramidTiffWriter.write(TestSlides.source(), reference, o, Progress.NONE);

		IOException e = assertThrows(IOException.class, () -> PyramidTiffWriter.write(failingFrom(3 * 256), out, o, Progress.NONE));
		assertTrue(e.getMessage(), e.getMessage().startsWith("Cannot read slide.svs: damaged tile at "));
		assertTrue(e.getMessage(), e.getMessage().contains("writing " + out + " stopped; 3 of 8 tile rows are kept"));
		assertFalse(Files.exists(out));
		assertTrue(Files.exists(PyramidTiffWriter.journalFile(out)));
		assertTrue(Files.exists(PyramidTiffWriter.temporaryFile(out)));

		List<String> messages = new ArrayList<>();
		PyramidTiffWriter.Result r = PyramidTiffWriter.write(TestSlides.source(), out, o, (d, t, m) -> messages.add(m));
		assertEquals(3, r.resumedRows());
		assertTrue(messages.toString(), messages.get(0).startsWith("resuming " + out + " after tile row 3 of 8"));
		assertArrayEquals("bit-identical to the uninterrupted run", Files.readAllBytes(reference), Files.readAllBytes(out));
		assertNoLeftovers(out);
	}

	@Test
	public void jpegResumesAfterCancelWithinJpegError() throws IOException {
		assumeTool("vips", "libvips-tools");
		PyramidTiffOptions o = jpeg().withTileSize(256);
		Path reference = out("reference.tif"), out = out("resumed.tif");
		PyramidTiffWriter.write(TestSlides.source(), reference, o, Progress.NONE);

		Progress cancelAfterFiveRows = new Progress() {
			int rows;

			@Override
			public void update(long done, long total, String message) {
				if (message.contains("tile row")) rows++;
			}

			@Override
			public boolean isCancelled() {
				return rows >= 5;
			}
		};
		PyramidTiffWriter.CancelledException c = assertThrows(PyramidTiffWriter.CancelledException.class,
			() -> PyramidTiffWriter.write(TestSlides.source(), out, o, cancelAfterFiveRows));
		assertTrue(c.getMessage(), c.getMessage().contains("cancelled after 5 of 8 tile rows")
			&& c.getMessage().contains("run the same job again to resume"));
		assertFalse(Files.exists(out));

		PyramidTiffWriter.Result r = PyramidTiffWriter.write(TestSlides.source(), out, o, Progress.NONE);
		assertEquals(5, r.resumedRows());
		assertTrue("level 0 identical", TestSlides.vipsPage(reference, 0, out("a0.png")).sameRgb(TestSlides.vipsPage(out, 0, out("b0.png"))));
		for (int k = 1; k < 3; k++) {
			RgbImage a = TestSlides.vipsPage(reference, k, out("a.png")), b = TestSlides.vipsPage(out, k, out("b.png"));
			double p = TestSlides.psnr(a, b);
			System.out.printf(Locale.ROOT, "resumed JPEG level %d vs uninterrupted: PSNR %.1f dB%n", k, p);
			assertTrue("level " + k + " within JPEG error of the uninterrupted run: " + p, p > 40);
		}
		assertNoLeftovers(out);
	}

	@Test
	public void aFailureInTheFirstRowLeavesNothing() {
		Path out = out("nothing.tif");
		IOException e = assertThrows(IOException.class, () -> PyramidTiffWriter.write(failingFrom(0), out, jpeg(), Progress.NONE));
		assertEquals("Cannot read slide.svs: damaged tile at 0,0 (writing " + out + " stopped)", e.getMessage());
		assertFalse(Files.exists(out));
		assertNoLeftovers(out);
	}

	@Test
	public void aJournalOfAnotherJobIsNotContinued() throws IOException {
		PyramidTiffOptions o = deflate().withTileSize(256);
		Path out = out("other.tif");
		assertThrows(IOException.class, () -> PyramidTiffWriter.write(failingFrom(4 * 256), out, o.withJobTag("reinhard space=cielab"), Progress.NONE));
		List<String> warnings = new ArrayList<>();
		PyramidTiffWriter.Result r = PyramidTiffWriter.write(TestSlides.source(), out, o.withJobTag("reinhard space=ruderman"), new Progress() {
			@Override
			public void update(long done, long total, String message) {}

			@Override
			public void warn(String message) {
				warnings.add(message);
			}
		});
		assertEquals(0, r.resumedRows());
		assertEquals(warnings.toString(), 1, warnings.size());
		assertTrue(warnings.get(0), warnings.get(0).contains("belongs to another job") && warnings.get(0).contains("written from the start"));
		assertNoLeftovers(out);
	}

	static void assertNoLeftovers(Path out) {
		assertFalse(Files.exists(PyramidTiffWriter.journalFile(out)));
		assertFalse(Files.exists(PyramidTiffWriter.temporaryFile(out)));
		assertFalse(Files.exists(PyramidTiffWriter.lockFile(out)));
		assertNotNull(out);
	}
}
