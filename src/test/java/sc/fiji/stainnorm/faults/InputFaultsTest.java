package sc.fiji.stainnorm.faults;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static sc.fiji.stainnorm.faults.PathFaultSupport.assertEveryFileDecodes;
import static sc.fiji.stainnorm.faults.PathFaultSupport.cli;
import static sc.fiji.stainnorm.faults.PathFaultSupport.fifo;
import static sc.fiji.stainnorm.faults.PathFaultSupport.fingerprint;
import static sc.fiji.stainnorm.faults.PathFaultSupport.headless;
import static sc.fiji.stainnorm.faults.PathFaultSupport.images;
import static sc.fiji.stainnorm.faults.PathFaultSupport.names;
import static sc.fiji.stainnorm.faults.PathFaultSupport.normalize;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.IJ;
import sc.fiji.stainnorm.cli.Main;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.faults.PathFaultSupport.Run;
import sc.fiji.stainnorm.fiji.NormalizeFolderCommand;

/**
 * Hostile inputs: named pipes, symbolic link loops and dangling links in input folders, CMYK JPEG, translucent
 * TIFF, palette PNG/TIFF. Each is read, or refused in one line naming the file; none hangs, raises an ImageJ
 * dialog, prints a stack trace, vanishes without a word, or changes an input.
 */
public class InputFaultsTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private Path dir() {
		return tmp.getRoot().toPath();
	}

	@Test(timeout = 60_000)
	public void fifoInput() throws Exception {
		Path in = images(dir().resolve("in"), "a.png");
		Path pipe = fifo(in.resolve("pipe.png"));
		Map<String, String> before = fingerprint(in);
		Path out = dir().resolve("out");
		Run r = cli(normalize(out, pipe.toString()));
		assertEquals(r.all(), Main.FAILED, r.code());
		assertTrue(r.all(), r.all().contains("pipe.png") && r.all().contains("named pipe"));
		r.assertNoStackTrace();
		assertFalse(r.err(), r.errLines().isEmpty());
		assertEquals(List.of(), names(out));

		Run ref = cli(normalize(dir().resolve("out2"), "--reference", pipe.toString(), in.resolve("a.png").toString()));
		assertEquals("a pipe as reference is refused too, not read forever", Main.FAILED, ref.code());
		assertTrue(ref.err(), ref.err().contains("pipe.png") && ref.errLines().size() == 1);

		Run model = cli("normalize", "--method", "stst", "--model", pipe.toString(), "--output", dir().resolve("out3").toString(), in.resolve("a.png").toString());
		assertEquals("a pipe as model is refused, not read forever", Main.FAILED, model.code());
		assertTrue(model.all(), model.all().contains("pipe.png") && model.all().contains("named pipe"));
		assertEquals(before, fingerprint(in));

		Run rerun = cli(normalize(out, in.resolve("a.png").toString()));
		assertEquals(rerun.all(), Main.OK, rerun.code());
		assertEquals(List.of("a.png"), names(out));
		assertEveryFileDecodes(out);
	}

	@Test(timeout = 60_000)
	public void symlinkLoopInFolder() throws Exception {
		Path in = images(dir().resolve("in"), "a.png", "b.png");
		Files.createSymbolicLink(in.resolve("loop.png"), in.resolve("loop.png"));
		Files.createSymbolicLink(in.resolve("dangling.png"), in.resolve("missing.png"));
		fifo(in.resolve("pipe.tif"));
		Files.writeString(in.resolve("notes.txt"), "not an image: ignored");
		Files.writeString(in.resolve(".hidden.png"), "hidden: ignored");
		Files.writeString(in.resolve(".a.png.part.png"), "our temporary file: ignored");
		Map<String, String> before = fingerprint(in);
		Path out = dir().resolve("out");

		Run r = cli(normalize(out, in.toString()));
		assertEquals(r.all(), Main.FAILED, r.code());
		for (String[] entry : new String[][] { { "loop.png", "symbolic link loop" }, { "dangling.png", "dangling symbolic link" },
			{ "pipe.tif", "named pipe" } })
			assertTrue(r.all(), r.all().lines().anyMatch(l -> l.contains(entry[0]) && l.contains(entry[1])));
		assertTrue(r.all(), r.all().contains("2 written") && r.all().contains("3 failed"));
		assertFalse("hidden files stay silently ignored", r.all().contains("hidden") || r.all().contains(".part"));
		assertFalse(r.all(), r.all().contains("notes.txt"));
		assertTrue(r.err(), r.err().contains("3 of 5"));
		r.assertNoStackTrace();
		assertEquals(List.of("a.png", "b.png"), names(out));
		assertEveryFileDecodes(out);
		assertEquals(before, fingerprint(in));

		// the same through the Fiji folder command
		Run fiji = headless(NormalizeFolderCommand.LABEL, "input_folder='" + in + "',output_folder='" + dir().resolve("fiji") + "',method=reinhard,"
			+ "reference_images='" + Path.of("test-images", "tissue1_B.png").toAbsolutePath() + "'");
		assertEquals(fiji.all(), Main.FAILED, fiji.code());
		assertTrue(fiji.all(), fiji.all().contains("3 of 5 images failed"));

		for (String bad : List.of("loop.png", "dangling.png", "pipe.tif"))
			Files.delete(in.resolve(bad));
		Run rerun = cli(normalize(out, in.toString()));
		assertEquals(rerun.all(), Main.OK, rerun.code());
		assertTrue(rerun.all(), rerun.all().contains("0 written, 2 skipped"));
	}

	@Test(timeout = 120_000)
	public void cmykJpeg() throws Exception {
		Path in = images(dir().resolve("in"), "a.png");
		Path cmyk = PathFaultSupport.cmykJpeg(in.resolve("print.jpg"));
		Map<String, String> before = fingerprint(in);

		IJ.redirectErrorMessages(false); // clears ImageJ's last error message: IJ.error would set it again
		String msg = error(() -> ImageFiles.read(cmyk));
		assertTrue(msg, msg.startsWith("print.jpg is a CMYK JPEG, convert to RGB"));
		assertNull("no ImageJ error (a modal dialog in a batch macro) was raised", IJ.getErrorMessage());

		Path out = dir().resolve("out");
		Run r = cli(normalize(out, in.toString()));
		assertEquals(r.all(), Main.FAILED, r.code());
		assertTrue(r.all(), r.all().contains("print.jpg is a CMYK JPEG, convert to RGB"));
		assertFalse(r.all(), r.all().toLowerCase().contains("damaged") || r.all().contains("ImageJ cannot open"));
		r.assertNoStackTrace();
		assertEquals(List.of("a.png"), names(out));
		assertEveryFileDecodes(out);

		Run deconvolve = cli("deconvolve", "--output", dir().resolve("stains").toString(), cmyk.toString());
		assertEquals(deconvolve.all(), Main.FAILED, deconvolve.code());
		assertTrue(deconvolve.all(), deconvolve.all().contains("CMYK JPEG, convert to RGB"));
		deconvolve.assertNoStackTrace();

		Run metrics = cli("metrics", cmyk.toString(), in.resolve("a.png").toString());
		assertEquals(metrics.all(), Main.FAILED, metrics.code());
		assertTrue(metrics.err(), metrics.err().contains("CMYK JPEG, convert to RGB") && metrics.errLines().size() == 1);

		Path trainImages = images(dir().resolve("train"), "t1.png", "t2.png");
		PathFaultSupport.cmykJpeg(trainImages.resolve("t3.jpg"));
		Run train = cli("train", "--images", trainImages.toString(), "--output", dir().resolve("m.zip").toString(), "--steps", "2", "--width", "2",
			"--patch", "64", "--threads", "1");
		assertEquals(train.all(), Main.FAILED, train.code());
		assertTrue(train.err(), train.err().contains("t3.jpg is a CMYK JPEG, convert to RGB") && train.errLines().size() == 1);
		train.assertNoStackTrace();
		assertFalse(Files.exists(dir().resolve("m.zip")));

		Run fiji = headless(NormalizeFolderCommand.LABEL, "input_folder='" + in + "',output_folder='" + dir().resolve("fiji") + "',method=reinhard,"
			+ "reference_images='" + Path.of("test-images", "tissue1_B.png").toAbsolutePath() + "'");
		assertEquals(fiji.all(), Main.FAILED, fiji.code());
		assertTrue(fiji.all(), fiji.all().contains("CMYK JPEG, convert to RGB"));
		assertEquals(before, fingerprint(in));

		Files.delete(cmyk);
		Run rerun = cli(normalize(out, in.toString()));
		assertEquals(rerun.all(), Main.OK, rerun.code());
	}

	/** An Adobe CMYK JPEG as a prepress tool writes it (ImageMagick, when installed): refused the same way. */
	@Test(timeout = 60_000)
	public void cmykJpegFromImageMagick() throws Exception {
		Path jpg = dir().resolve("magick.jpg");
		Process p;
		try {
			p = new ProcessBuilder("convert", Path.of("test-images", "tissue1_A.png").toString(), "-colorspace", "CMYK", jpg.toString())
				.redirectErrorStream(true).start();
		}
		catch (IOException e) {
			org.junit.Assume.assumeTrue("ImageMagick's convert is not installed: skipped", false);
			return;
		}
		p.getInputStream().readAllBytes();
		org.junit.Assume.assumeTrue("ImageMagick could not write a CMYK JPEG: skipped", p.waitFor() == 0 && Files.isRegularFile(jpg));
		assertEquals(4, PathFaultSupport.jpegComponents(jpg));
		String msg = error(() -> ImageFiles.read(jpg));
		assertTrue(msg, msg.startsWith("magick.jpg is a CMYK JPEG, convert to RGB"));
	}

	@Test
	public void translucentTiff() throws Exception {
		Path in = dir().resolve("in");
		Files.createDirectories(in);
		BufferedImage bi = new BufferedImage(20, 10, BufferedImage.TYPE_INT_ARGB);
		for (int y = 0; y < 10; y++)
			for (int x = 0; x < 20; x++)
				bi.setRGB(x, y, 0xFF000000 | (10 * x) << 16 | (20 * y) << 8 | 99);
		Path opaque = PathFaultSupport.write(bi, "tiff", in.resolve("opaque.tif"));
		assertEquals("opaque RGBA TIFF is read as its RGB", RgbImage.pack(50, 60, 99), ImageFiles.read(opaque).get(5, 3));
		bi.setRGB(2, 2, 0x40FFFFFF);
		bi.setRGB(3, 2, 0x00000000);
		Path translucent = PathFaultSupport.write(bi, "tiff", in.resolve("glass.tif"));
		Map<String, String> before = fingerprint(in);

		String msg = error(() -> ImageFiles.read(translucent));
		assertTrue(msg, msg.startsWith("glass.tif is RGBA with 2 non-opaque pixels"));
		Path out = dir().resolve("out");
		Run r = cli(normalize(out, in.toString()));
		assertEquals(r.all(), Main.FAILED, r.code());
		assertTrue(r.all(), r.all().contains("glass.tif is RGBA with 2 non-opaque pixels"));
		r.assertNoStackTrace();
		assertEquals("the opaque one is written", List.of("opaque.tif"), names(out));
		assertEveryFileDecodes(out);
		assertEquals(before, fingerprint(in));
	}

	@Test
	public void palettePng() throws Exception {
		byte[] r = { 0, (byte) 200, (byte) 120, (byte) 255 }, g = { 0, 80, (byte) 160, (byte) 255 }, b = { 0, (byte) 150, (byte) 200, (byte) 255 };
		BufferedImage bi = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 4, r, g, b));
		for (int y = 0; y < 16; y++)
			for (int x = 0; x < 16; x++)
				bi.getRaster().setSample(x, y, 0, (x + y) % 4);
		Path in = dir().resolve("in");
		Files.createDirectories(in);
		for (String format : List.of("png", "tiff")) {
			Path p = PathFaultSupport.write(bi, format, in.resolve("palette." + format));
			RgbImage rgb = ImageFiles.read(p);
			for (int y = 0; y < 16; y++)
				for (int x = 0; x < 16; x++) {
					int k = (x + y) % 4;
					assertEquals(format + " palette entry " + k + " is its exact RGB", RgbImage.pack(r[k] & 0xFF, g[k] & 0xFF, b[k] & 0xFF), rgb.get(x, y));
				}
		}
		Map<String, String> before = fingerprint(in);
		Path out = dir().resolve("out");
		Run run = cli(normalize(out, in.toString()));
		assertEquals(run.all(), Main.OK, run.code());
		assertEquals(List.of("palette.png", "palette.tiff"), names(out));
		assertEveryFileDecodes(out);
		assertEquals(before, fingerprint(in));

		// a palette with a transparent entry in use is translucent, like RGBA
		byte[] a = { (byte) 255, (byte) 255, 0, (byte) 255 };
		BufferedImage seeThrough = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 4, r, g, b, a));
		seeThrough.setData(bi.getRaster());
		Path t = PathFaultSupport.write(seeThrough, "png", dir().resolve("see-through.png"));
		String msg = error(() -> ImageFiles.read(t));
		assertTrue(msg, msg.startsWith("see-through.png is a palette image with 64 non-opaque pixels"));

		// a palette of gray levels only is grayscale, with a true hint
		BufferedImage grayPalette = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 2, new byte[] { 10, 20 },
			new byte[] { 10, 20 }, new byte[] { 10, 20 }));
		Path gp = PathFaultSupport.write(grayPalette, "png", dir().resolve("gray-palette.png"));
		String grayMsg = error(() -> ImageFiles.read(gp));
		assertTrue(grayMsg, grayMsg.contains("grayscale") && grayMsg.contains("only STST can take grayscale"));
		assertEquals(RgbImage.pack(10, 10, 10), ImageFiles.readAcceptingGray(gp).get(1, 1));
	}

	/** Damaged files of every format fail with "Cannot decode", through no ImageJ error (no dialog, no macro abort). */
	@Test
	public void damagedFilesRaiseNoImageJError() throws Exception {
		Path good = images(dir().resolve("in"), "x.tif").resolve("x.tif");
		byte[] tiff = Files.readAllBytes(good);
		Path truncated = dir().resolve("truncated.tif");
		Files.write(truncated, java.util.Arrays.copyOf(tiff, tiff.length / 2));
		Path png = dir().resolve("garbage.png"), jpg = dir().resolve("garbage.jpg");
		Files.writeString(png, "\u0089PNG not really");
		Files.write(jpg, new byte[] { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3 });
		for (Path p : List.of(truncated, png, jpg)) {
			IJ.redirectErrorMessages(false);
			String msg = error(() -> ImageFiles.read(p));
			assertTrue(msg, msg.startsWith("Cannot decode " + p));
			assertNull(p + ": no ImageJ error was raised", IJ.getErrorMessage());
		}
	}

	private static String error(Runnable r) {
		try {
			r.run();
		}
		catch (StainNormException e) {
			return e.getMessage();
		}
		throw new AssertionError("expected a refusal");
	}
}
