package sc.fiji.stainnorm.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.SharedData;

/**
 * The fast PNG path gives exactly what Image I/O's path gives (the same pixels, or the same refusal), on every
 * shared image and on PNG variants; what it does not handle falls back to Image I/O.
 */
public class PngDecoderTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	/** What ImageDecoding gives through Image I/O alone: the pixels, or the refusal's message. */
	private static Object viaImageIO(Path f, boolean acceptGray) {
		try {
			BufferedImage bi = ImageIO.read(f.toFile());
			if (bi == null) return "no reader";
			return ImageDecoding.convert(bi, f.getFileName().toString(), acceptGray, "PNG").pixels();
		}
		catch (IOException | RuntimeException e) {
			return e.getMessage();
		}
	}

	private static Object viaImageFiles(Path f, boolean acceptGray) {
		try {
			return (acceptGray ? ImageFiles.readAcceptingGray(f) : ImageFiles.read(f)).pixels();
		}
		catch (RuntimeException e) {
			return e.getMessage();
		}
	}

	private static void assertSame(String what, Path f) {
		for (boolean gray : new boolean[] { false, true }) {
			Object expected = viaImageIO(f, gray), actual = viaImageFiles(f, gray);
			if (expected instanceof int[] e) assertArrayEquals(what + " (accept gray " + gray + ")", e, (int[]) actual);
			else assertTrue(what + ": Image I/O refused (" + expected + "), the reader gave " + actual, actual instanceof String);
		}
	}

	private Path write(String name, BufferedImage bi, boolean interlaced) throws IOException {
		Path f = tmp.getRoot().toPath().resolve(name);
		ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
			writer.setOutput(out);
			ImageWriteParam param = writer.getDefaultWriteParam();
			param.setProgressiveMode(interlaced ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
			writer.write(null, new IIOImage(bi, null, null), param);
		}
		finally {
			writer.dispose();
		}
		Files.write(f, bytes.toByteArray());
		return f;
	}

	private static BufferedImage copy(RgbImage img, int type, int alpha) {
		BufferedImage bi = new BufferedImage(img.width(), img.height(), type);
		for (int y = 0; y < img.height(); y++)
			for (int x = 0; x < img.width(); x++)
				bi.setRGB(x, y, (alpha << 24) | (img.pixels()[y * img.width() + x] & 0xFFFFFF));
		return bi;
	}

	/** Every variant of one image: as our encoder and Image I/O write it, RGBA, interlaced, palette, gray, 16-bit. */
	private void variants(String name, RgbImage img) throws IOException {
		Path dir = tmp.getRoot().toPath();
		for (PngEncoder.Filter filter : PngEncoder.Filter.values()) {
			Path f = dir.resolve("ours.png");
			Files.write(f, PngEncoder.encode(img, filter, 1, java.util.zip.Deflater.DEFAULT_STRATEGY));
			assertSame(name + " " + filter, f);
			assertNotNull(name + " " + filter + " takes the fast path", PngDecoder.decode(Files.readAllBytes(f)));
		}
		assertSame(name + " Image I/O RGB", write("rgb.png", copy(img, BufferedImage.TYPE_INT_RGB, 0), false));
		Path opaque = write("rgba.png", copy(img, BufferedImage.TYPE_INT_ARGB, 255), false);
		assertSame(name + " opaque RGBA", opaque);
		assertNotNull(name + " opaque RGBA takes the fast path", PngDecoder.decode(Files.readAllBytes(opaque)));
		BufferedImage translucent = copy(img, BufferedImage.TYPE_INT_ARGB, 255);
		translucent.setRGB(0, 0, 0x80FFFFFF & translucent.getRGB(0, 0));
		Path t = write("translucent.png", translucent, false);
		assertSame(name + " translucent RGBA", t);
		assertTrue(name + " translucent RGBA is refused", viaImageFiles(t, false) instanceof String);
		Path interlaced = write("interlaced.png", copy(img, BufferedImage.TYPE_INT_RGB, 0), true);
		assertNull(name + " interlaced is left to Image I/O", PngDecoder.decode(Files.readAllBytes(interlaced)));
		assertSame(name + " interlaced", interlaced);
		assertSame(name + " palette", write("palette.png", copy(img, BufferedImage.TYPE_BYTE_INDEXED, 0), false));
		assertSame(name + " gray", write("gray.png", copy(img, BufferedImage.TYPE_BYTE_GRAY, 0), false));
		Path sixteen = write("gray16.png", copy(img, BufferedImage.TYPE_USHORT_GRAY, 0), false);
		assertSame(name + " 16-bit", sixteen);
		assertTrue(name + " 16-bit is refused", viaImageFiles(sixteen, true) instanceof String);
	}

	@Test
	public void givesImageIOsPixelsOnPngVariantsOfSyntheticTissue() throws IOException {
		variants("synthetic", sc.fiji.stainnorm.synth.SyntheticTissue.generate(2, 61, 37).render(sc.fiji.stainnorm.synth.StainStyle.A, 1));
		Random r = new Random(1);
		int[] p = new int[13 * 5];
		for (int i = 0; i < p.length; i++) p[i] = RgbImage.pack(r.nextInt(256), r.nextInt(256), r.nextInt(256));
		variants("noise", RgbImage.wrap(13, 5, p));
	}

	@Test
	public void givesImageIOsPixelsOnEverySharedImageAndItsPngVariants() throws IOException {
		Path root = SharedData.he(".");
		List<Path> files = new ArrayList<>();
		try (Stream<Path> s = Files.walk(root)) {
			s.filter(Files::isRegularFile).filter(ImageFiles::isImageFile).sorted().forEach(files::add);
		}
		int pngs = 0;
		java.util.Set<Path> folders = new java.util.HashSet<>();
		for (Path f : files) {
			if (ImageFiles.extension(f).equals("png")) {
				assertSame(root.relativize(f).toString(), f);
				pngs++;
			}
			if (!folders.add(f.getParent())) continue; // the variants of one image per folder keep the test fast
			RgbImage img;
			try {
				img = ImageFiles.read(f);
			}
			catch (StainNormException e) {
				continue; // not RGB (gray, stacks, ...): its own PNG variants are covered above
			}
			// variants of a corner of each, to keep the test fast
			variants(root.relativize(f).toString(), img.crop(0, 0, Math.min(img.width(), 40), Math.min(img.height(), 24)));
		}
		assertTrue("shared PNGs found: " + pngs, pngs > 0);
	}

	@Test
	public void damagedFilesAreLeftToImageIOAndStillRefused() throws IOException {
		RgbImage img = sc.fiji.stainnorm.synth.SyntheticTissue.generate(3, 40, 30).render(sc.fiji.stainnorm.synth.StainStyle.B, 1);
		byte[] good = PngEncoder.encode(img);
		Path f = tmp.getRoot().toPath().resolve("damaged.png");
		// the fast path takes none of them, so Image I/O's path decides as before
		for (int cut : new int[] { 20, good.length / 2, good.length - 12, good.length - 1 }) {
			byte[] truncated = java.util.Arrays.copyOf(good, cut);
			assertNull("truncated at " + cut, PngDecoder.decode(truncated));
		}
		Files.write(f, java.util.Arrays.copyOf(good, good.length / 2));
		assertTrue("half a file is refused", viaImageFiles(f, false) instanceof String);
		byte[] flipped = good.clone();
		flipped[good.length / 2] ^= 0x10;
		assertNull("a flipped bit fails the CRC", PngDecoder.decode(flipped));
		assertArrayEquals(img.pixels(), PngDecoder.decode(good).pixels());
		assertEquals(img.width(), PngDecoder.decode(good).width());
	}
}
