package sc.fiji.stainnorm.faults;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;

import java.io.ByteArrayOutputStream;
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
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import sc.fiji.stainnorm.cli.Main;
import sc.fiji.stainnorm.core.ImageFiles;

/** What the fault-injection tests share: running the CLI, fingerprints of folders, and the checks every case makes. */
final class Faults {
	private Faults() {}

	record Run(int code, String out, String err) {
		/** The stderr lines. */
		List<String> errLines() {
			return err.strip().isEmpty() ? List.of() : err.strip().lines().toList();
		}
	}

	/** {@code ./stainnorm ARGS} in this JVM, with stdout and stderr captured. */
	static Run cli(String... args) {
		ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
		int code = Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
		return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
	}

	/** {@code n} inputs named img000.EXT, ... made from the committed test images (so every one is different from its neighbours). */
	static Path inputs(Path dir, int n, String ext) throws IOException {
		Files.createDirectories(dir);
		List<Path> sources;
		try (Stream<Path> s = Files.list(Path.of("test-images"))) {
			sources = s.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().toList();
		}
		for (int i = 0; i < n; i++) {
			Path target = dir.resolve(String.format("img%03d.%s", i, ext));
			if (ext.equals("png")) Files.copy(sources.get(i % sources.size()), target);
			else ImageFiles.write(ImageFiles.read(sources.get(i % sources.size())), target);
		}
		return dir;
	}

	/** File name → sha256 of every file in the folder (hidden ones included). */
	static Map<String, String> sha256(Path dir) throws IOException {
		Map<String, String> m = new TreeMap<>();
		try (Stream<Path> s = Files.list(dir)) {
			for (Path p : s.toList())
				m.put(p.getFileName().toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
		return m;
	}

	static List<String> names(Path dir) {
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).sorted().toList();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** No temporary (or other hidden) file is left in the folder. */
	static void assertNoTemporaryFiles(Path dir) {
		for (String n : names(dir))
			assertFalse("temporary file left behind: " + n, n.startsWith(".") || n.contains(".part"));
	}

	/** Every file in {@code dir} decodes in full (javax.imageio, independent of the writer) and equals the reference run's file. */
	static void assertEveryFileDecodesAndEquals(Path dir, Path reference) throws IOException {
		for (String n : names(dir)) {
			Path p = dir.resolve(n);
			assertNotNull(n + " decodes", ImageIO.read(p.toFile()));
			assertArrayEquals(n + " equals the single-writer result", Files.readAllBytes(reference.resolve(n)), Files.readAllBytes(p));
		}
	}

	/** The normalize command line of these tests (Reinhard: fast, deterministic). */
	static String[] normalize(Path output, Path input, String... more) {
		List<String> a = new java.util.ArrayList<>(List.of("normalize", "--method", "reinhard", "--reference", "test-images/tissue1_B.png",
			"--output", output.toString()));
		a.addAll(List.of(more));
		a.add(input.toString());
		return a.toArray(String[]::new);
	}

	/** The reference result: the same job into an ordinary folder, one writer. */
	static Path referenceRun(Path input, Path output) {
		Run r = cli(normalize(output, input));
		assertEquals(r.err(), Main.OK, r.code());
		return output;
	}
}
