package sc.fiji.stainnorm.slide;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.SharedData;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * The slide reader on real files written by libvips ({@code vips tiffsave}: tiled and strip TIFF and BigTIFF, JPEG,
 * deflate, LZW, PackBits, SubIFD and IFD pyramids), on an SVS-like file and on a real scanner's OME-TIFF. Every
 * region read is checked against libvips' decode of the same level ({@code vips copy} to PNG, read by the project's PNG decoder): exact for
 * lossless compression, and for JPEG within {@link #JPEG_TOLERANCE} levels (libvips' libjpeg and the JDK's are both
 * libjpeg with the integer IDCT; on this machine they agree to the bit, other builds may round differently).
 */
public class SlideTest {
	/** Largest per-channel difference accepted between our JPEG decode and libvips'. */
	static final int JPEG_TOLERANCE = 2;

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();
	private static Path dir, source;

	@BeforeClass
	public static void makeSource() throws Exception {
		assumeTrue("skipped: vips not found (Debian: apt-get install libvips-tools)", hasVips());
		dir = tmp.getRoot().toPath();
		Path tissue = dir.resolve("tissue.png");
		ImageFiles.write(SyntheticTissue.generate(3, 1000, 700).render(StainStyle.A, 1.0), tissue);
		source = dir.resolve("source.v");
		// 3000 x 2100: nine copies of the tissue (1000 is no multiple of the tile sizes, so no tile repeats another)
		vips("replicate", tissue.toString(), source.toString(), "3", "3");
	}

	@Test
	public void jpegBigTiffPyramidOf256Tiles() throws Exception {
		Path f = save("jpeg.tif", "--tile", "--pyramid", "--compression", "jpeg", "--Q", "90", "--bigtiff", "--tile-width", "256",
			"--tile-height", "256");
		try (Slide s = Slide.open(f)) {
			assertEquals("BigTIFF", s.format());
			assertEquals(256, s.level(0).tileWidth());
			assertTrue(s.level(0).compression(), s.level(0).compression().startsWith("JPEG"));
			checkPyramid(s, f, "page", JPEG_TOLERANCE);
		}
	}

	@Test
	public void jpegYcbcrOf512TilesInClassicTiff() throws Exception {
		// below Q 90 libvips writes YCbCr with chroma subsampling (at 90 and above: RGB components)
		Path f = save("ycbcr.tif", "--tile", "--pyramid", "--compression", "jpeg", "--Q", "75", "--tile-width", "512",
			"--tile-height", "512");
		try (Slide s = Slide.open(f)) {
			assertEquals("TIFF", s.format());
			assertEquals("JPEG (YCbCr)", s.level(0).compression());
			assertEquals(512, s.level(0).tileHeight());
			checkPyramid(s, f, "page", JPEG_TOLERANCE);
		}
	}

	@Test
	public void jpegColourSpaceIsTheStreamsAsLibjpegReadsItNotThePhotometricTag() throws Exception {
		// as in Aperio SVS: Photometric says RGB, the tiles are YCbCr (component ids 1, 2, 3, no JFIF/Adobe marker)
		Path ycbcr = save("stream-ycbcr.tif", "--tile", "--pyramid", "--compression", "jpeg", "--Q", "75");
		Path saysRgb = dir.resolve("says-rgb.tif");
		Files.copy(ycbcr, saysRgb);
		setShortTag(saysRgb, 262, 2);
		try (Slide s = Slide.open(saysRgb)) {
			assertEquals("JPEG", s.level(0).compression());
			checkPyramid(s, ycbcr, "page", JPEG_TOLERANCE);
		}
		assertTrue(JpegTiles.ycbcr(jpegHeader(new byte[0], 1, 2, 3)));
		assertFalse(JpegTiles.ycbcr(jpegHeader(new byte[0], 'R', 'G', 'B')));
		assertTrue(JpegTiles.ycbcr(jpegHeader(app(0xE0, "JFIF\0\1\1\0\0\1\0\1\0\0"), 'R', 'G', 'B')));
		assertFalse(JpegTiles.ycbcr(jpegHeader(app(0xEE, "Adobe\0\144\0\0\0\0\0"), 1, 2, 3)));
		assertTrue(JpegTiles.ycbcr(jpegHeader(app(0xEE, "Adobe\0\144\0\0\0\0\1"), 'R', 'G', 'B')));
	}

	private static byte[] app(int marker, String payload) {
		byte[] p = payload.getBytes(StandardCharsets.ISO_8859_1);
		byte[] out = new byte[4 + p.length];
		out[0] = (byte) 0xFF;
		out[1] = (byte) marker;
		out[2] = (byte) ((p.length + 2) >> 8);
		out[3] = (byte) (p.length + 2);
		System.arraycopy(p, 0, out, 4, p.length);
		return out;
	}

	/** SOI, the given segments, and a baseline frame header of 3 components with these ids. */
	private static byte[] jpegHeader(byte[] segments, int... ids) {
		ByteBuffer b = ByteBuffer.allocate(2 + segments.length + 19);
		b.put((byte) 0xFF).put((byte) 0xD8).put(segments);
		b.put((byte) 0xFF).put((byte) 0xC0).putShort((short) 17).put((byte) 8).putShort((short) 16).putShort((short) 16).put((byte) 3);
		for (int id : ids) b.put((byte) id).put((byte) 0x11).put((byte) 0);
		return b.array();
	}

	@Test
	public void jpegPyramidInSubIfds() throws Exception {
		Path f = save("subifd.tif", "--tile", "--pyramid", "--subifd", "--compression", "jpeg", "--tile-width", "256",
			"--tile-height", "256");
		try (Slide s = Slide.open(f)) {
			checkPyramid(s, f, "subifd", JPEG_TOLERANCE);
		}
	}

	@Test
	public void losslessCompressionsAreExact() throws Exception {
		String[][] variants = { { "deflate", "horizontal" }, { "lzw", "horizontal" }, { "lzw", "none" },
			{ "none", "none" }, { "packbits", "none" } };
		for (String[] v : variants) {
			Path f = saveSmall("tiled-" + v[0] + "-" + v[1] + ".tif", "--tile", "--pyramid", "--compression", v[0], "--predictor", v[1]);
			try (Slide s = Slide.open(f)) {
				String expected = Map.of("deflate", "deflate", "lzw", "LZW", "none", "none", "packbits", "PackBits").get(v[0])
					+ (v[1].equals("horizontal") ? " (horizontal predictor)" : "");
				assertEquals(f.toString(), expected, s.level(0).compression());
				checkPyramid(s, f, "page", 0);
			}
		}
	}

	@Test
	public void stripsAreReadStripByStrip() throws Exception {
		for (String compression : new String[] { "lzw", "deflate", "jpeg", "none" }) {
			Path f = saveSmall("strips-" + compression + ".tif", "--compression", compression);
			try (Slide s = Slide.open(f)) {
				SlideLevel l = s.level(0);
				assertEquals(1, s.levelCount());
				assertEquals(l.width(), l.tileWidth());
				assertTrue(l.tileHeight() < l.height());
				checkPyramid(s, f, "page", compression.equals("jpeg") ? JPEG_TOLERANCE : 0);
			}
		}
	}

	@Test
	public void svsLikeFileGivesPixelSizeMagnificationAndSkipsItsAssociatedImages() throws Exception {
		// libvips reads a file with an Aperio description through OpenSlide: compare with the file before the changes
		Path plain = save("aperio.tif", "--tile", "--pyramid", "--compression", "jpeg", "--Q", "90", "--tile-width", "256",
			"--tile-height", "256", "--properties");
		Path f = dir.resolve("aperio.svs");
		Files.copy(plain, f);
		int levels;
		try (Slide s = Slide.open(f)) {
			levels = s.levelCount();
		}
		String description = "Aperio Image Library v12.0.15 \n3000x2100 [0,0 3000x2100] (256x256) JPEG/RGB Q=90|AppMag = 40"
			+ "|StripeWidth = 2040|ScanScope ID = SS1234|MPP = 0.2520|Left = 25.1|Top = 18.4";
		replaceFirstDescription(f, description);
		RgbImage small = SyntheticTissue.generate(4, 300, 210).render(StainStyle.B, 1.0);
		appendStripImage(f, small, 0, "Aperio Image Library v12.0.15 \n3000x2100 -> 300x210 - ");
		appendStripImage(f, SyntheticTissue.generate(5, 120, 100).render(StainStyle.C, 1.0), 1, "Aperio Image Library v12.0.15\nlabel 120x100");
		appendStripImage(f, SyntheticTissue.generate(6, 160, 60).render(StainStyle.C, 1.0), 9, "Aperio Image Library v12.0.15\nmacro 160x60");
		try (Slide s = Slide.open(f)) {
			assertEquals("Aperio SVS", s.format());
			assertEquals(description, s.description());
			assertEquals(0.2520, s.pixelSize().micronsX(), 1e-12);
			assertEquals(0.2520, s.pixelSize().micronsY(), 1e-12);
			assertEquals(40, s.magnification(), 0);
			assertEquals("thumbnail, label and macro are no levels", levels, s.levelCount());
			assertEquals(0.504, s.level(1).pixelSize().micronsX(), 1e-12);
			assertEquals(20, s.level(1).pixelSize().magnification(), 1e-12);
			assertEquals(s.level(2), s.levelFor(4));
			assertEquals(s.level(2), s.levelFor(7.9));
			assertEquals(s.level(0), s.levelFor(0.5));
			assertEquals(s.level(s.levelCount() - 1), s.levelFor(1e6));
			SlideLevel third = s.level(3);
			assertEquals("each axis by its own ratio", 0.2520 * 2100 / third.height(), third.pixelSize().micronsY(), 1e-12);
			checkPyramid(s, plain, "page", JPEG_TOLERANCE);
		}
	}

	@Test
	public void realScannerFileRegionByRegion() throws Exception {
		Path f = SharedData.he("instanseg_instanseg/HE_example.tif");
		Path whole = dir.resolve("he-example.png");
		vips("copy", f.toString(), whole.toString());
		RgbImage expected = ImageFiles.read(whole);
		try (Slide s = Slide.open(f)) {
			assertEquals("OME-TIFF", s.format());
			assertEquals(1, s.levelCount());
			SlideLevel l = s.level(0);
			assertEquals(expected.width(), l.width());
			assertEquals(expected.height(), l.height());
			assertEquals("JPEG (YCbCr)", l.compression());
			assertEquals(0.50008, s.pixelSize().micronsX(), 1e-5);
			assertEquals(0.50008, s.pixelSize().micronsY(), 1e-5);
			int tw = l.tileWidth(), th = l.tileHeight();
			for (long y = 0; y < l.height(); y += th)
				for (long x = 0; x < l.width(); x += tw) {
					int w = (int) Math.min(tw, l.width() - x), h = (int) Math.min(th, l.height() - y);
					assertClose(f + " cell " + x + "," + y, expected.crop((int) x, (int) y, w, h), l.read(x, y, w, h), JPEG_TOLERANCE);
				}
		}
	}

	@Test
	public void plainImageIsOneLevelInMemory() throws Exception {
		Path png = dir.resolve("tissue.png");
		RgbImage image = ImageFiles.read(png);
		try (Slide s = Slide.open(png)) {
			assertEquals("PNG", s.format());
			assertEquals(1, s.levelCount());
			assertFalse(s.pixelSize().known());
			assertTrue(image.crop(990, 600, 10, 100).sameRgb(s.level(0).read(990, 600, 10, 100)));
		}
	}

	@Test
	public void concurrentReadsThroughASmallCacheGiveTheSamePixels() throws Exception {
		Path f = save("concurrent.tif", "--tile", "--pyramid", "--compression", "deflate", "--tile-width", "256", "--tile-height", "256");
		RgbImage whole;
		try (Slide s = Slide.open(f, 0)) {
			whole = s.level(0).read(0, 0, 3000, 2100);
		}
		long cacheBytes = 6 * 256 * 256 * 4;
		try (Slide s = Slide.open(f, cacheBytes)) {
			ExecutorService pool = Executors.newFixedThreadPool(4);
			try {
				List<Future<?>> jobs = new ArrayList<>();
				for (int t = 0; t < 4; t++) {
					int seed = t;
					jobs.add(pool.submit(() -> {
						java.util.Random rnd = new java.util.Random(seed);
						for (int i = 0; i < 40; i++) {
							int w = 1 + rnd.nextInt(400), h = 1 + rnd.nextInt(400);
							int x = rnd.nextInt(3000 - w + 1), y = rnd.nextInt(2100 - h + 1);
							assertTrue("region " + x + "," + y + " " + w + "x" + h, whole.crop(x, y, w, h).sameRgb(s.level(0).read(x, y, w, h)));
						}
						return null;
					}));
				}
				for (Future<?> j : jobs) j.get();
			}
			finally {
				pool.shutdownNow();
			}
			TileCache cache = s.cache();
			assertTrue("cache holds " + cache.bytes() + " bytes, bound " + cacheBytes, cache.bytes() <= cacheBytes);
			assertTrue("cache holds tiles", cache.bytes() > 0);
		}
	}

	@Test
	public void truncatedFileIsAnIOExceptionNamingIt() throws Exception {
		Path f = save("whole.tif", "--tile", "--compression", "deflate", "--tile-width", "256", "--tile-height", "256");
		byte[] bytes = Files.readAllBytes(f);
		// libtiff writes the directory after the tiles: a cut file has lost it
		Path cut = dir.resolve("cut.tif");
		Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
		IOException e = expectIOException(() -> Slide.open(cut).close());
		assertTrue(e.getMessage(), e.getMessage().contains(cut.toString()) && e.getMessage().contains("past the end"));
		// the directory intact, the last tile's offset past the end of the file
		Path past = dir.resolve("past.tif");
		try (Slide s = Slide.open(f)) {
			TiffLevel l = (TiffLevel) s.level(0);
			int c = 11, r = 8;
			long at = l.tileOffset(c, r), before = l.tileOffset(c - 1, r);
			int where = indexOf(bytes, le32(before, at));
			assertTrue("tile offsets found", where > 0);
			System.arraycopy(le32(bytes.length + 1000L), 0, bytes, where + 4, 4);
			Files.write(past, bytes);
		}
		try (Slide s = Slide.open(past)) {
			assertTrue(s.level(0).read(0, 0, 256, 256).sameRgb(s.level(0).read(0, 0, 256, 256)));
			e = expectIOException(() -> s.level(0).read(2900, 2050, 100, 50));
			assertTrue(e.getMessage(), e.getMessage().contains(past.toString()) && e.getMessage().contains("tile 11,8")
				&& e.getMessage().contains("past the end"));
		}
	}

	@Test
	public void damagedTilesAreIOExceptionsNamingTheTileNotGrayTiles() throws Exception {
		for (String compression : new String[] { "jpeg", "deflate", "lzw" }) {
			Path f = save("damaged-" + compression + ".tif", "--tile", "--compression", compression, "--tile-width", "256",
				"--tile-height", "256");
			byte[] bytes = Files.readAllBytes(f);
			try (Slide s = Slide.open(f)) {
				TiffLevel l = (TiffLevel) s.level(0);
				long at = l.tileOffset(3, 2), end = at + l.tileByteCount(3, 2);
				// the second half of the tile's coded data lost (libjpeg only warns about that, filling the rest with gray)
				for (long i = at + (end - at) / 2; i < end; i++) bytes[(int) i] = 0;
				Files.write(f, bytes);
				IOException e = expectIOException(() -> l.read(3 * 256 + 10, 2 * 256 + 10, 20, 20));
				assertTrue(e.getMessage(), e.getMessage().contains(f.toString()) && e.getMessage().contains("tile 3,2"));
			}
		}
	}

	@Test
	public void jpeg2000And16BitAndStacksAreRefusedNamingTheFileAndWhat() throws Exception {
		Path jp2k = save("jp2k.tif", "--tile", "--compression", "jp2k");
		assertRefused(jp2k, "JPEG 2000");
		Path wide = dir.resolve("wide.v");
		vips("cast", source.toString(), wide.toString(), "ushort");
		Path sixteen = dir.resolve("16bit.tif");
		vips("tiffsave", wide.toString(), sixteen.toString(), "--tile");
		assertRefused(sixteen, "16 bits per sample");
		Path stack = dir.resolve("stack.tif");
		vips("tiffsave", dir.resolve("tissue.png").toString(), stack.toString());
		appendStripImage(stack, SyntheticTissue.generate(7, 1000, 700).render(StainStyle.B, 1.0), 0, "");
		assertRefused(stack, "several images of 1000x700");
	}

	@Test
	public void opaqueAlphaIsReadAndTranslucentAlphaRefused() throws Exception {
		Path rgba = dir.resolve("rgba.v");
		vips("bandjoin_const", dir.resolve("tissue.png").toString(), rgba.toString(), "255");
		Path opaque = save(rgba, "opaque.tif", "--tile", "--compression", "deflate");
		try (Slide s = Slide.open(opaque)) {
			checkPyramid(s, opaque, "page", 0);
		}
		Path half = dir.resolve("half.v");
		vips("bandjoin_const", dir.resolve("tissue.png").toString(), half.toString(), "128");
		Path translucent = save(half, "translucent.tif", "--tile", "--compression", "deflate");
		try (Slide s = Slide.open(translucent)) {
			s.level(0).read(0, 0, 10, 10);
			fail("translucent pixels were read");
		}
		catch (StainNormException e) {
			assertTrue(e.getMessage(), e.getMessage().contains(translucent.toString()) && e.getMessage().contains("translucent"));
		}
	}

	@Test
	public void separatePlanesOldJpegAndRotatedImagesAreRefused() throws Exception {
		Object[][] cases = { { 284, 2, "separate colour planes" }, { 259, 6, "old-style JPEG" }, { 274, 6, "orientation 6" },
			{ 262, 5, "CMYK" } };
		for (Object[] c : cases) {
			Path f = saveSmall("patched-" + c[0] + ".tif", "--compression", "lzw");
			setShortTag(f, (int) c[0], (int) c[1]);
			assertRefused(f, (String) c[2]);
		}
	}

	/** Sets a one-value SHORT tag of the first image of a little-endian classic TIFF, adding none. */
	private static void setShortTag(Path f, int tag, int value) throws IOException {
		try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			long ifd = read(ch, 0, 8).getInt(4) & 0xFFFFFFFFL;
			int n = read(ch, ifd, 2).getShort(0) & 0xFFFF;
			ByteBuffer e = read(ch, ifd + 2, 12 * n);
			for (int i = 0; i < n; i++)
				if ((e.getShort(12 * i) & 0xFFFF) == tag) {
					assertEquals("a SHORT", 3, e.getShort(12 * i + 2));
					ch.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) value).flip(), ifd + 2 + 12 * i + 8);
					return;
				}
			fail(f + " has no tag " + tag);
		}
	}

	private static void assertRefused(Path f, String what) throws IOException {
		try (Slide s = Slide.open(f)) {
			fail(f + " was opened: " + s);
		}
		catch (StainNormException e) {
			assertTrue(e.getMessage(), e.getMessage().contains(f.toString()) && e.getMessage().contains(what));
		}
	}

	interface IORun {
		void run() throws IOException;
	}

	private static IOException expectIOException(IORun r) {
		try {
			r.run();
		}
		catch (IOException e) {
			return e;
		}
		throw new AssertionError("no IOException");
	}

	/**
	 * The levels are libvips' pages (or SubIFDs): the same sizes, and regions across tile corners, at the bottom right
	 * edge and of one pixel have its pixels, on the first two levels and the last.
	 */
	private static void checkPyramid(Slide s, Path f, String levelOption, int tolerance) throws Exception {
		if (levelOption.equals("page")) {
			int pages = Integer.parseInt(vipsOut("vipsheader", "-f", "n-pages", f.toString()).trim());
			assertEquals(f + ": levels", pages, s.levelCount());
		}
		else assertTrue(f + ": levels " + s.levelCount(), s.levelCount() > 2);
		for (SlideLevel l : s.levels()) {
			assertEquals(f + " level " + l.index(), Math.pow(2, l.index()), l.downsample(), Math.pow(2, l.index()) * 0.05);
			if (l.index() > 1 && l.index() < s.levelCount() - 1) continue;
			String in = f + (l.index() == 0 ? "" : levelOption.equals("page") ? "[page=" + l.index() + "]" : "[subifd=" + (l.index() - 1) + "]");
			long w = l.width(), h = l.height();
			long x0 = Math.min(Math.max(0, l.tileWidth() - 37), w - 1), y0 = Math.min(Math.max(0, l.tileHeight() - 23), h - 1);
			List<long[]> regions = new ArrayList<>();
			regions.add(new long[] { x0, y0, Math.min(w - x0, l.tileWidth() + 80), Math.min(h - y0, l.tileHeight() + 50) });
			regions.add(new long[] { w - Math.min(w, 150), h - Math.min(h, 90), Math.min(w, 150), Math.min(h, 90) });
			if (l.index() == 0) regions.add(new long[] { Math.min(w, l.tileWidth()) - 1, 0, 1, 1 });
			// one vips decode of the level (a process per region would cost more than the reads)
			Path png = dir.resolve("level.png");
			vips("copy", in, png.toString());
			RgbImage expected = ImageFiles.read(png);
			assertEquals(in, expected.width(), w);
			assertEquals(in, expected.height(), h);
			for (long[] r : regions)
				assertClose(in + " region " + java.util.Arrays.toString(r), expected.crop((int) r[0], (int) r[1], (int) r[2], (int) r[3]),
					l.read(r[0], r[1], (int) r[2], (int) r[3]), tolerance);
		}
	}

	private static void assertClose(String what, RgbImage expected, RgbImage actual, int tolerance) {
		assertEquals(what, expected.width(), actual.width());
		assertEquals(what, expected.height(), actual.height());
		int max = 0;
		for (int i = 0; i < expected.pixelCount(); i++)
			for (int shift = 0; shift < 24; shift += 8)
				max = Math.max(max, Math.abs((expected.pixels()[i] >> shift & 0xFF) - (actual.pixels()[i] >> shift & 0xFF)));
		assertTrue(what + ": differs by up to " + max + " levels (tolerance " + tolerance + ")", max <= tolerance);
	}

	private static Path save(String name, String... options) throws Exception {
		return save(source, name, options);
	}

	/** From the 1000 x 700 tissue, for the many variants of one feature. */
	private static Path saveSmall(String name, String... options) throws Exception {
		return save(dir.resolve("tissue.png"), name, options);
	}

	private static Path save(Path from, String name, String... options) throws Exception {
		Path out = dir.resolve(name);
		List<String> args = new ArrayList<>(List.of("tiffsave", from.toString(), out.toString()));
		args.addAll(List.of(options));
		vips(args.toArray(String[]::new));
		return out;
	}

	private static boolean hasVips() {
		try {
			return new ProcessBuilder("vips", "--version").redirectErrorStream(true).start().waitFor() == 0;
		}
		catch (IOException | InterruptedException e) {
			return false;
		}
	}

	private static void vips(String... args) throws Exception {
		List<String> c = new ArrayList<>(List.of("vips"));
		c.addAll(List.of(args));
		vipsOut(c.toArray(String[]::new));
	}

	private static String vipsOut(String... command) throws Exception {
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertEquals(String.join(" ", command) + ": " + out, 0, p.waitFor());
		return out;
	}

	private static byte[] le32(long... values) {
		ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
		for (long v : values) b.putInt((int) v);
		return b.array();
	}

	private static int indexOf(byte[] in, byte[] what) {
		outer: for (int i = 0; i + what.length <= in.length; i++) {
			for (int j = 0; j < what.length; j++)
				if (in[i + j] != what[j]) continue outer;
			return i;
		}
		return -1;
	}

	/** Overwrites the first image's ImageDescription in place (the new text may not be longer than the old). */
	private static void replaceFirstDescription(Path f, String description) throws IOException {
		try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			ByteBuffer h = read(ch, 0, 8);
			assertEquals("a little-endian classic TIFF", 42, h.getShort(2));
			long ifd = h.getInt(4) & 0xFFFFFFFFL;
			int n = read(ch, ifd, 2).getShort(0) & 0xFFFF;
			ByteBuffer e = read(ch, ifd + 2, 12 * n);
			for (int i = 0; i < n; i++)
				if ((e.getShort(12 * i) & 0xFFFF) == 270) {
					int count = e.getInt(12 * i + 4);
					long at = e.getInt(12 * i + 8) & 0xFFFFFFFFL;
					byte[] text = description.getBytes(StandardCharsets.US_ASCII);
					assertTrue("old description long enough", text.length < count);
					ch.write(ByteBuffer.wrap(java.util.Arrays.copyOf(text, count)), at);
					return;
				}
			fail(f + " has no ImageDescription");
		}
	}

	/** Appends an uncompressed RGB strip image at the end of the main chain of a little-endian classic TIFF. */
	static void appendStripImage(Path f, RgbImage image, int newSubfileType, String description) throws IOException {
		try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			ByteBuffer h = read(ch, 0, 8);
			assertEquals("a little-endian classic TIFF", 42, h.getShort(2));
			long nextField = 4;
			for (long ifd = h.getInt(4) & 0xFFFFFFFFL; ifd != 0;) {
				int n = read(ch, ifd, 2).getShort(0) & 0xFFFF;
				nextField = ifd + 2 + 12L * n;
				ifd = read(ch, nextField, 4).getInt(0) & 0xFFFFFFFFL;
			}
			int w = image.width(), hgt = image.height();
			byte[] pixels = new byte[3 * w * hgt];
			for (int i = 0; i < w * hgt; i++) {
				int p = image.pixels()[i];
				pixels[3 * i] = (byte) (p >> 16);
				pixels[3 * i + 1] = (byte) (p >> 8);
				pixels[3 * i + 2] = (byte) p;
			}
			byte[] text = (description + "\0").getBytes(StandardCharsets.US_ASCII);
			long pixelsAt = even(ch.size()), textAt = even(pixelsAt + pixels.length), bitsAt = even(textAt + text.length),
				ifdAt = even(bitsAt + 6);
			int[][] entries = { { 254, 4, 1, newSubfileType }, { 256, 4, 1, w }, { 257, 4, 1, hgt }, { 258, 3, 3, (int) bitsAt },
				{ 259, 3, 1, 1 }, { 262, 3, 1, 2 }, { 270, 2, text.length, (int) textAt }, { 273, 4, 1, (int) pixelsAt },
				{ 277, 3, 1, 3 }, { 278, 4, 1, hgt }, { 279, 4, 1, pixels.length }, { 284, 3, 1, 1 } };
			ByteBuffer ifd = ByteBuffer.allocate(2 + 12 * entries.length + 4).order(ByteOrder.LITTLE_ENDIAN);
			ifd.putShort((short) entries.length);
			for (int[] e : entries) {
				ifd.putShort((short) e[0]).putShort((short) e[1]).putInt(e[2]);
				if (e[1] == 3 && e[2] == 1) ifd.putShort((short) e[3]).putShort((short) 0);
				else ifd.putInt(e[3]);
			}
			ifd.putInt(0);
			ch.write(ByteBuffer.wrap(pixels), pixelsAt);
			ch.write(ByteBuffer.wrap(text), textAt);
			ch.write(ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 8).putShort((short) 8).putShort((short) 8).flip(), bitsAt);
			ch.write(ifd.flip(), ifdAt);
			ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) ifdAt).flip(), nextField);
		}
	}

	private static long even(long v) {
		return (v + 1) & ~1L;
	}

	private static ByteBuffer read(FileChannel ch, long at, int n) throws IOException {
		ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
		while (b.hasRemaining())
			if (ch.read(b, at + b.position()) < 0) throw new IOException("short read");
		return b.flip();
	}
}
