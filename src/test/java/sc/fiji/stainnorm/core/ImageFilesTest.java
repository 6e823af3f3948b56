package sc.fiji.stainnorm.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import sc.fiji.stainnorm.SharedData;

public class ImageFilesTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	static RgbImage randomImage(int w, int h, long seed) {
		Random rnd = new Random(seed);
		int[] p = new int[w * h];
		for (int i = 0; i < p.length; i++)
			p[i] = RgbImage.pack(rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256));
		return RgbImage.wrap(w, h, p);
	}

	private static String errorOf(Runnable r) {
		try {
			r.run();
		}
		catch (StainNormException e) {
			return e.getMessage();
		}
		fail("expected a StainNormException");
		return null;
	}

	@Test
	public void pngAndTiffRoundTripExactly() throws IOException {
		RgbImage img = randomImage(37, 23, 1);
		for (String ext : new String[] { "png", "tif", "tiff" }) {
			Path p = tmp.getRoot().toPath().resolve("x." + ext);
			ImageFiles.write(img, p);
			assertTrue(ext, img.sameRgb(ImageFiles.read(p)));
		}
		try (Stream<Path> files = Files.list(tmp.getRoot().toPath())) {
			assertTrue("no temporary files left behind", files.noneMatch(f -> f.getFileName().toString().contains(".part")));
		}
	}

	@Test
	public void jpegRoundTripsApproximately() {
		RgbImage img = RgbImage.create(32, 32);
		for (int i = 0; i < img.pixelCount(); i++)
			img.pixels()[i] = RgbImage.pack(200, 120, 180);
		Path p = tmp.getRoot().toPath().resolve("x.jpg");
		ImageFiles.write(img, p);
		RgbImage back = ImageFiles.read(p);
		assertEquals(200, RgbImage.red(back.get(5, 5)), 3);
		assertEquals(120, RgbImage.green(back.get(5, 5)), 3);
	}

	@Test
	public void grayIsRefusedWithWhatWasFoundAndWhatIsAccepted() {
		Path p = tmp.getRoot().toPath().resolve("gray.tif");
		ByteProcessor bp = new ByteProcessor(8, 8);
		bp.set(3, 3, 77);
		IJ.saveAsTiff(new ImagePlus("gray", bp), p.toString());
		String msg = errorOf(() -> ImageFiles.read(p));
		assertTrue(msg, msg.contains("8-bit grayscale") && msg.contains("accepted: 8-bit RGB"));
		RgbImage asRgb = ImageFiles.readAcceptingGray(p);
		assertEquals(RgbImage.pack(77, 77, 77), asRgb.get(3, 3));
	}

	@Test
	public void sixteenAndThirtyTwoBitAreRefused() {
		Path p16 = tmp.getRoot().toPath().resolve("s.tif"), p32 = tmp.getRoot().toPath().resolve("f.tif");
		IJ.saveAsTiff(new ImagePlus("s", new ShortProcessor(8, 8)), p16.toString());
		IJ.saveAsTiff(new ImagePlus("f", new FloatProcessor(8, 8)), p32.toString());
		assertTrue(errorOf(() -> ImageFiles.read(p16)).contains("16-bit"));
		assertTrue(errorOf(() -> ImageFiles.readAcceptingGray(p16)).contains("16-bit"));
		assertTrue(errorOf(() -> ImageFiles.read(p32)).contains("32-bit"));
	}

	@Test
	public void stacksAreRefusedButThreeChannelCompositesAreRgb() {
		ImageStack rgbStack = new ImageStack(4, 4);
		for (int i = 0; i < 2; i++)
			rgbStack.addSlice(new ij.process.ColorProcessor(4, 4));
		Path stack = tmp.getRoot().toPath().resolve("stack.tif");
		IJ.saveAsTiff(new ImagePlus("stack", rgbStack), stack.toString());
		String msg = errorOf(() -> ImageFiles.read(stack));
		assertTrue(msg, msg.contains("stack of 2"));

		ImageStack planes = new ImageStack(4, 4);
		for (int c = 0; c < 3; c++) {
			ByteProcessor bp = new ByteProcessor(4, 4);
			bp.setValue(50 * (c + 1));
			bp.fill();
			planes.addSlice(bp);
		}
		ImagePlus composite = new ImagePlus("c", planes);
		composite.setDimensions(3, 1, 1);
		RgbImage rgb = ImageFiles.fromImagePlus(composite);
		assertEquals(RgbImage.pack(50, 100, 150), rgb.get(2, 2));
	}

	@Test
	public void translucentPngIsRefusedOpaqueRgbaAccepted() throws IOException {
		BufferedImage bi = new BufferedImage(5, 5, BufferedImage.TYPE_INT_ARGB);
		for (int y = 0; y < 5; y++)
			for (int x = 0; x < 5; x++)
				bi.setRGB(x, y, 0xFF000000 | (10 * x) << 16 | (20 * y) << 8 | 30);
		Path opaque = tmp.getRoot().toPath().resolve("opaque.png");
		ImageIO.write(bi, "png", opaque.toFile());
		RgbImage read = ImageFiles.read(opaque);
		assertEquals(RgbImage.pack(40, 60, 30), read.get(4, 3));

		bi.setRGB(1, 1, 0x80FFFFFF);
		Path translucent = tmp.getRoot().toPath().resolve("translucent.png");
		ImageIO.write(bi, "png", translucent.toFile());
		String msg = errorOf(() -> ImageFiles.read(translucent));
		assertTrue(msg, msg.contains("RGBA with 1 non-opaque pixels"));
	}

	@Test
	public void missingCorruptAndUnsupportedFilesGetClearErrors() throws IOException {
		Path dir = tmp.getRoot().toPath();
		assertTrue(errorOf(() -> ImageFiles.read(dir.resolve("nope.png"))).startsWith("File not found"));
		assertTrue(errorOf(() -> ImageFiles.read(dir)).contains("found a folder"));
		Path corrupt = dir.resolve("corrupt.tif");
		Files.write(corrupt, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 });
		assertTrue(errorOf(() -> ImageFiles.read(corrupt)).startsWith("Cannot decode"));
		Path corruptPng = dir.resolve("corrupt.png");
		Files.write(corruptPng, "not a png".getBytes());
		assertTrue(errorOf(() -> ImageFiles.read(corruptPng)).startsWith("Cannot decode"));
		Path text = dir.resolve("notes.txt");
		Files.writeString(text, "hello");
		assertTrue(errorOf(() -> ImageFiles.read(text)).startsWith("Not a supported image file"));
		assertTrue(errorOf(() -> ImageFiles.write(RgbImage.create(2, 2), dir.resolve("x.bmp"))).contains("unknown image format"));
	}

	@Test
	public void writeReplacesAtomicallyAndNeverLeavesPartialFiles() throws IOException {
		Path p = tmp.getRoot().toPath().resolve("out.png");
		ImageFiles.write(randomImage(16, 16, 1), p);
		RgbImage second = randomImage(16, 16, 2);
		ImageFiles.write(second, p);
		assertTrue(second.sameRgb(ImageFiles.read(p)));
		try (Stream<Path> files = Files.list(tmp.getRoot().toPath())) {
			assertEquals(1, files.count());
		}
	}

	@Test
	public void realRgbaPngWithOpaqueAlphaIsRead() {
		Path source = SharedData.he("EIDOSLAB_torchstain/source.png");
		RgbImage img = ImageFiles.read(source);
		assertEquals(584, img.width());
		assertEquals(438, img.height());
		assertFalse("not blank", img.sameRgb(RgbImage.create(584, 438)));
	}

	@Test
	public void realTiffAndJpegAreRead() {
		RgbImage tif = ImageFiles.read(SharedData.he("pegahs1993_Stain-to-Stain-Translation/7.tiff"));
		assertEquals(256, tif.width());
		RgbImage jpg = ImageFiles.read(SharedData.he("stardist_stardist/histo.jpg"));
		assertEquals(500, jpg.width());
		assertEquals(300, jpg.height());
	}

	@Test
	public void imageJCompositeTiffIsRgbAndSixteenBitRgbIsRefused() {
		ImageStack planes = new ImageStack(4, 3);
		for (int c = 0; c < 3; c++) {
			ByteProcessor bp = new ByteProcessor(4, 3);
			bp.setValue(40 * (c + 1));
			bp.fill();
			planes.addSlice(bp);
		}
		ImagePlus composite = new ImagePlus("c", planes);
		composite.setDimensions(3, 1, 1);
		Path p = tmp.getRoot().toPath().resolve("composite.tif");
		IJ.saveAsTiff(new ij.CompositeImage(composite, ij.CompositeImage.COMPOSITE), p.toString());
		assertEquals(RgbImage.pack(40, 80, 120), ImageFiles.read(p).get(3, 2));

		ImageStack wide = new ImageStack(4, 3);
		for (int c = 0; c < 3; c++)
			wide.addSlice(new ShortProcessor(4, 3));
		ImagePlus rgb48 = new ImagePlus("w", wide);
		rgb48.setDimensions(3, 1, 1);
		Path p16 = tmp.getRoot().toPath().resolve("rgb48.tif");
		IJ.saveAsTiff(rgb48, p16.toString());
		String msg = errorOf(() -> ImageFiles.read(p16));
		assertTrue(msg, msg.contains("stack of 3 planes (3 channels") || msg.contains("16-bit"));
	}
}
