package sc.fiji.stainnorm.faults;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import sc.fiji.stainnorm.cli.Main;
import sc.fiji.stainnorm.core.ImageFiles;

/**
 * What the input and output-path fault tests share: running {@code ./stainnorm} in this JVM, fingerprints of
 * folders, and hostile inputs made by the test itself (FIFOs, CMYK JPEGs), never third-party files.
 */
final class PathFaultSupport {
	private PathFaultSupport() {}

	record Run(int code, String out, String err) {
		String all() {
			return out + err;
		}

		List<String> errLines() {
			return err.strip().isEmpty() ? List.of() : err.strip().lines().toList();
		}

		/** No Java stack trace, no exception class name: the user sees one-line messages only. */
		void assertNoStackTrace() {
			assertFalse(all(), all().contains("\tat ") || all().matches("(?s).*\\b[a-z]+(\\.[a-z]+)+\\.[A-Z]\\w*(Exception|Error)\\b.*"));
		}
	}

	static Run cli(String... args) {
		ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
		int code = Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
		return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
	}

	/** {@code ./stainnorm --headless --run LABEL PARAMETERS}. */
	static Run headless(String label, String parameters) {
		return cli("--headless", "--run", label, parameters);
	}

	/** Reinhard towards a committed test image: fast and deterministic. */
	static String[] normalize(Path output, String... more) {
		List<String> a = new java.util.ArrayList<>(List.of("normalize", "--method", "reinhard", "--reference",
			Path.of("test-images", "tissue1_B.png").toString(), "--output", output.toString()));
		a.addAll(List.of(more));
		return a.toArray(String[]::new);
	}

	/** Copies committed test images into {@code dir} under the given names (PNG bytes whatever the name). */
	static Path images(Path dir, String... names) throws IOException {
		Files.createDirectories(dir);
		String[] sources = { "tissue1_A.png", "tissue2_C.png", "tissue1_C.png", "tissue2_A.png" };
		for (int i = 0; i < names.length; i++) {
			Path source = Path.of("test-images", sources[i % sources.length]);
			if (names[i].endsWith(".png")) Files.copy(source, dir.resolve(names[i]));
			else ImageFiles.write(ImageFiles.read(source), dir.resolve(names[i]));
		}
		return dir;
	}

	/** Every entry of a folder (hidden ones and links included, links not followed) with the sha256 of its bytes. */
	static Map<String, String> fingerprint(Path dir) throws IOException {
		Map<String, String> m = new TreeMap<>();
		try (Stream<Path> s = Files.list(dir)) {
			for (Path p : s.toList()) {
				String what;
				if (Files.isSymbolicLink(p)) what = "link -> " + Files.readSymbolicLink(p);
				else if (Files.isRegularFile(p)) what = sha256(Files.readAllBytes(p));
				else what = Files.isDirectory(p) ? "folder" : "special";
				m.put(p.getFileName().toString(), what);
			}
		}
		return m;
	}

	static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	static List<String> names(Path dir) {
		if (!Files.isDirectory(dir)) return List.of();
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).sorted().toList();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** Every regular file in {@code dir} decodes in full with the JDK's own readers, and nothing temporary is left. */
	static void assertEveryFileDecodes(Path dir) throws IOException {
		for (String n : names(dir)) {
			Path p = dir.resolve(n);
			assertFalse("temporary file left behind: " + p, n.startsWith("."));
			if (!Files.isRegularFile(p) || !ImageFiles.isImageFile(p)) continue;
			assertNotNull(p + " decodes", ImageIO.read(p.toFile()));
		}
	}

	/** Makes a named pipe with mkfifo(1); the test is skipped, saying why, where there is none. */
	static Path fifo(Path p) throws IOException, InterruptedException {
		Process proc;
		try {
			proc = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
		}
		catch (IOException e) {
			assumeTrue("mkfifo is not available (" + e.getMessage() + "): skipped", false);
			return null;
		}
		assertTrue(proc.waitFor(30, TimeUnit.SECONDS));
		assumeTrue("mkfifo failed: " + new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8), proc.exitValue() == 0);
		return p;
	}

	/** A 4-component (CMYK) JPEG written by the JDK's own encoder from a raster: no third-party file. */
	static Path cmykJpeg(Path p) throws IOException {
		int w = 48, h = 40;
		WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				r.setSample(x, y, 0, 4 * x);
				r.setSample(x, y, 1, 160);
				r.setSample(x, y, 2, 5 * y);
				r.setSample(x, y, 3, 20);
			}
		ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
		Files.deleteIfExists(p);
		try (ImageOutputStream out = ImageIO.createImageOutputStream(p.toFile())) {
			writer.setOutput(out);
			writer.write(null, new IIOImage(r, null, null), writer.getDefaultWriteParam());
		}
		finally {
			writer.dispose();
		}
		assertEquals("the file really has 4 components", 4, jpegComponents(p));
		return p;
	}

	/** The component count of a JPEG's frame header (an independent little parser, for the test's own check). */
	static int jpegComponents(Path p) throws IOException {
		byte[] b = Files.readAllBytes(p);
		for (int i = 2; i + 9 < b.length;) {
			if ((b[i] & 0xFF) != 0xFF) return -1;
			int marker = b[i + 1] & 0xFF, length = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
			if (marker >= 0xC0 && marker <= 0xC3) return b[i + 9] & 0xFF;
			i += 2 + length;
		}
		return -1;
	}

	/** Writes a BufferedImage with the JDK's writer for {@code format} ("png" or "tiff"). */
	static Path write(BufferedImage bi, String format, Path p) throws IOException {
		File f = p.toFile();
		assertTrue("the JDK has a " + format + " writer for this image", ImageIO.write(bi, format, f));
		return p;
	}
}
