package sc.fiji.stainnorm.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;

/** The verified writer gives the bytes ImageJ's FileSaver gave (so no output changes), and never replaces by accident. */
public class ImageOutputTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();


	private Path file(String name) {
		return tmp.getRoot().toPath().resolve(name);
	}

	private static int[] decodedPixels(Path p) {
		ImagePlus imp = IJ.openImage(p.toString());
		assertNotNull(p + " decodes", imp);
		return (int[]) imp.getProcessor().convertToColorProcessor().getPixels();
	}

	@Test
	public void pngAndTiffAreThePixelsImageJsFileSaverWroteAndTiffTheBytes() throws IOException {
		RgbImage img = ImageFilesTest.randomImage(41, 29, 3);
		for (String ext : new String[] { "png", "tif" }) {
			Path ours = file("ours." + ext), imagej = file("imagej." + ext);
			ImageFiles.write(img, ours);
			FileSaver saver = new FileSaver(ImageFiles.toImagePlus(img, ours.getFileName().toString()));
			assertTrue(ext.equals("png") ? saver.saveAsPng(imagej.toString()) : saver.saveAsTiff(imagej.toString()));
			assertArrayEquals(ext + " pixels", decodedPixels(imagej), decodedPixels(ours));
			// RGB PNGs come from PngEncoder (filtered, faster, smaller): same pixels, other bytes
			if (ext.equals("tif")) assertArrayEquals(ext + " bytes", Files.readAllBytes(imagej), Files.readAllBytes(ours));
		}
	}

	@Test
	public void everyPngFilterAndLevelDecodesToTheSamePixelsInImageJImageIOAndOurReader() throws IOException {
		// odd sizes, extreme values and smooth gradients exercise each filter's wrap-around and border rules
		for (int[] size : new int[][] { { 1, 1 }, { 1, 7 }, { 9, 1 }, { 37, 23 }, { 300, 3 } }) {
			int w = size[0], h = size[1];
			RgbImage noise = ImageFilesTest.randomImage(w, h, w * 31 + h);
			int[] p = new int[w * h];
			for (int i = 0; i < p.length; i++)
				p[i] = RgbImage.pack((i * 7) % 256, (i / Math.max(1, w)) * 255 / Math.max(1, h - 1), i % 2 == 0 ? 255 : 0);
			for (RgbImage img : new RgbImage[] { noise, RgbImage.wrap(w, h, p) })
				for (PngEncoder.Filter filter : PngEncoder.Filter.values())
					for (int level : new int[] { 0, 1, 6 })
						for (int strategy : new int[] { java.util.zip.Deflater.DEFAULT_STRATEGY, java.util.zip.Deflater.HUFFMAN_ONLY }) {
							String what = w + "x" + h + " " + filter + " level " + level + " strategy " + strategy;
							Path f = file("enc.png");
							Files.write(f, PngEncoder.encode(img, filter, level, strategy));
							assertArrayEquals(what + " (ImageJ)", img.pixels(), decodedPixels(f));
							java.awt.image.BufferedImage bi = javax.imageio.ImageIO.read(f.toFile());
							assertArrayEquals(what + " (ImageIO)", img.pixels(), bi.getRGB(0, 0, w, h, null, 0, w));
							assertArrayEquals(what + " (ImageFiles.read)", img.pixels(), ImageFiles.read(f).pixels());
						}
		}
	}

	@Test
	public void theFastPngIsSmallerThanImageIOsUnfilteredOneOnTissue() throws IOException {
		RgbImage tissue = sc.fiji.stainnorm.synth.SyntheticTissue.generate(1, 256, 256).render(sc.fiji.stainnorm.synth.StainStyle.A, 1);
		byte[] viaImageJ = ImageOutput.encode(ImageFiles.toImagePlus(tissue, "t"), "png");
		byte[] fast = ImageOutput.encode(tissue, file("t.png")).bytes();
		assertTrue(fast.length + " vs " + viaImageJ.length, fast.length <= 1.15 * viaImageJ.length);
	}

	@Test
	public void jpegHasTheSamePixelsAsImageJsJpegAtQuality95() {
		RgbImage img = ImageFilesTest.randomImage(40, 24, 5);
		Path ours = file("ours.jpg"), imagej = file("imagej.jpg");
		ImageFiles.write(img, ours);
		FileSaver.setJpegQuality(95);
		assertTrue(new FileSaver(ImageFiles.toImagePlus(img, "x")).saveAsJpeg(imagej.toString()));
		assertArrayEquals(decodedPixels(imagej), decodedPixels(ours));
	}

	@Test
	public void floatTiffAndPalettePngAreTheBytesImageJWrote() throws IOException {
		float[] v = new float[30 * 20];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) Math.sin(i * 0.1) * 2;
		Path ours = file("c.tif"), imagej = file("c-ij.tif");
		FloatTiff.write(v, 30, 20, ours);
		assertTrue(new FileSaver(new ImagePlus("c.tif", new FloatProcessor(30, 20, v.clone()))).saveAsTiff(imagej.toString()));
		assertArrayEquals(Files.readAllBytes(imagej), Files.readAllBytes(ours));
		assertNull("a float TIFF counts as complete", ImageOutput.whyIncomplete(ours));

		var indexed = new ij.process.MedianCut(new ColorProcessor(30, 20, ImageFilesTest.randomImage(30, 20, 9).pixels())).convertToByte(256);
		Path png = file("p.png"), pngIj = file("p-ij.png");
		ImageOutput.write(new ImagePlus("p.png", indexed), png, true);
		assertTrue(new FileSaver(new ImagePlus("p.png", indexed)).saveAsPng(pngIj.toString()));
		assertArrayEquals(Files.readAllBytes(pngIj), Files.readAllBytes(png));
	}

	@Test
	public void theSameImageGivesTheSameBytesEveryTime() throws IOException {
		RgbImage img = ImageFilesTest.randomImage(33, 17, 7);
		for (String ext : new String[] { "png", "tif", "jpg" }) {
			ImageFiles.write(img, file("a." + ext));
			ImageFiles.write(img, file("b." + ext));
			assertArrayEquals(ext, Files.readAllBytes(file("a." + ext)), Files.readAllBytes(file("b." + ext)));
		}
	}

	@Test
	public void notReplacingKeepsTheFileAnotherWriterFinished() throws IOException {
		Path p = file("x.png");
		ImageFiles.write(ImageFilesTest.randomImage(8, 8, 1), p);
		byte[] first = Files.readAllBytes(p);
		try {
			ImageFiles.write(ImageFilesTest.randomImage(8, 8, 2), p, false);
			fail("expected TargetExistsException");
		}
		catch (AtomicFile.TargetExistsException e) {
			assertTrue(e.getMessage(), e.getMessage().contains(p.toString()));
		}
		assertArrayEquals(first, Files.readAllBytes(p));
		ImageFiles.write(ImageFilesTest.randomImage(8, 8, 2), p, true);
		assertFalse(Arrays.equals(first, Files.readAllBytes(p)));
		try (Stream<Path> s = Files.list(tmp.getRoot().toPath())) {
			assertEquals("no temporary file left", 1, s.count());
		}
	}

	@Test
	public void twoWritersRacingForOneNameWithoutReplacingLeaveExactlyOneCompleteFile() throws Exception {
		RgbImage[] images = { ImageFilesTest.randomImage(48, 48, 11), ImageFilesTest.randomImage(48, 48, 12) };
		for (int round = 0; round < 20; round++) {
			Path p = file("race" + round + ".png");
			java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
			java.util.concurrent.atomic.AtomicIntegerArray won = new java.util.concurrent.atomic.AtomicIntegerArray(2);
			Thread[] writers = new Thread[2];
			for (int t = 0; t < 2; t++) {
				int me = t;
				writers[t] = new Thread(() -> {
					try {
						start.await();
						ImageFiles.write(images[me], p, false);
						won.set(me, 1);
					}
					catch (AtomicFile.TargetExistsException e) {
						// the other one was first
					}
					catch (Exception e) {
						throw new IllegalStateException(e);
					}
				});
				writers[t].start();
			}
			for (Thread w : writers)
				w.join();
			assertEquals("exactly one writer published " + p, 1, won.get(0) + won.get(1));
			assertTrue(images[won.get(0) == 1 ? 0 : 1].sameRgb(ImageFiles.read(p)));
		}
		try (Stream<Path> s = Files.list(tmp.getRoot().toPath())) {
			assertEquals("no temporary file left", 20, s.count());
		}
	}

	@Test
	public void temporaryNamesAreHiddenUniquePerWriterAndKeepTheEnding() {
		Path target = file("slide 1.tif");
		Set<String> names = new HashSet<>();
		for (int i = 0; i < 100; i++) {
			String n = AtomicFile.temporaryFor(target).getFileName().toString();
			assertTrue(n, n.matches("\\.slide 1\\.tif\\." + ProcessHandle.current().pid() + "-[0-9a-f]+\\.part\\.tif"));
			names.add(n);
		}
		assertEquals(100, names.size());
	}

	@Test
	public void truncatedEmptyAndForeignFilesAreNotComplete() throws IOException {
		Path good = file("good.png");
		ImageFiles.write(ImageFilesTest.randomImage(64, 64, 4), good);
		assertNull(ImageOutput.whyIncomplete(good));
		byte[] bytes = Files.readAllBytes(good);
		for (String ext : new String[] { "png", "tif" }) {
			Path full = file("full." + ext);
			ImageFiles.write(ImageFilesTest.randomImage(64, 64, 4), full);
			byte[] b = Files.readAllBytes(full);
			Path cut = file("cut." + ext);
			Files.write(cut, Arrays.copyOf(b, b.length / 2));
			assertNotNull(ext + " cut in half", ImageOutput.whyIncomplete(cut));
		}
		Files.write(file("empty.png"), new byte[0]);
		assertEquals("is empty", ImageOutput.whyIncomplete(file("empty.png")));
		Files.write(file("zeros.png"), new byte[bytes.length]);
		assertNotNull(ImageOutput.whyIncomplete(file("zeros.png")));
		assertNotEquals(null, ImageOutput.whyIncomplete(file("missing.png")));
	}
}
