package sc.fiji.stainnorm.fiji;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The recipe the macro headers give for plain ImageJ 1.x: {@code java -jar ij.jar -ijpath DIR -batch MACRO ARGS}
 * needs a display, so headless machines run it under {@code xvfb-run -a}. Both halves are checked against a real
 * ImageJ 1.x installation folder made here (our jar in {@code plugins/}, its dependencies in {@code plugins/jars/}):
 * without a display ImageJ dies with a HeadlessException and still exits 0 (why the headers do not call it
 * headless), under xvfb-run the batch macro normalizes the folder.
 */
public class PlainImageJBatchTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private static Path ijJar;

	@BeforeClass
	public static void findImageJ() {
		ijJar = classPath().stream().filter(p -> p.getFileName().toString().matches("ij-[0-9.]+[a-z]?\\.jar")).findFirst()
			.orElseThrow(() -> new AssertionError("no ij-*.jar on the test class path"));
	}

	private static List<Path> classPath() {
		List<Path> entries = new ArrayList<>();
		for (String e : System.getProperty("java.class.path").split(File.pathSeparator))
			if (!e.isBlank()) entries.add(Path.of(e).toAbsolutePath());
		return entries;
	}

	/** An ImageJ 1.x folder as the README's install note describes it, with this build's classes as the plugin jar. */
	private Path imageJFolder() throws IOException, URISyntaxException {
		Path dir = tmp.newFolder("ImageJ").toPath(), jars = Files.createDirectories(dir.resolve("plugins/jars"));
		Path classes = Path.of(CommandRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		assertTrue("plugins.config is in " + classes, Files.isRegularFile(classes.resolve("plugins.config")));
		try (OutputStream o = Files.newOutputStream(dir.resolve("plugins/Stain_Normalization-test.jar")); ZipOutputStream zip = new ZipOutputStream(o);
			Stream<Path> files = Files.walk(classes)) {
			for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
				zip.putNextEntry(new ZipEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
				Files.copy(f, zip);
				zip.closeEntry();
			}
		}
		for (Path jar : classPath())
			if (jar.toString().endsWith(".jar") && !jar.equals(ijJar) && !jar.getFileName().toString().startsWith("surefire"))
				Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
		return dir;
	}

	private record Run(int code, String output) {}

	private static Run run(List<String> command, boolean display) throws IOException, InterruptedException {
		ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
		if (!display) pb.environment().remove("DISPLAY");
		Process p = pb.start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!p.waitFor(3, TimeUnit.MINUTES)) {
			p.destroyForcibly();
			throw new AssertionError("ImageJ did not finish in 3 minutes: " + out);
		}
		return new Run(p.exitValue(), out);
	}

	private List<String> batch(Path imagej, String argument) {
		return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-jar", ijJar.toString(), "-ijpath",
			imagej.toString(), "-batch", Path.of("macros", "Batch_Normalize_Folder.ijm").toAbsolutePath().toString(), argument);
	}

	private String argument(Path in, Path out) {
		return "input=[" + in + "] output=[" + out + "] method=reinhard reference=[" + Path.of("test-images", "tissue2_B.png").toAbsolutePath() + "]";
	}

	private Path inputs() throws IOException {
		Path in = tmp.newFolder("in").toPath();
		Files.copy(Path.of("test-images", "tissue1_C.png"), in.resolve("a.png"));
		Files.copy(Path.of("test-images", "tissue2_A.png"), in.resolve("b.png"));
		return in;
	}

	@Test
	public void withoutADisplayPlainImageJDiesAndStillExitsZero() throws Exception {
		Path imagej = imageJFolder(), in = inputs(), out = tmp.getRoot().toPath().resolve("out");
		Run r = run(batch(imagej, argument(in, out)), false);
		assertTrue(r.output, r.output.contains("HeadlessException"));
		assertEquals("ImageJ 1.x reports success anyway: " + r.output, 0, r.code);
		assertFalse("nothing was normalized", Files.exists(out));
	}

	@Test
	public void underXvfbRunTheBatchMacroNormalizesTheFolder() throws Exception {
		boolean xvfb = Stream.of(System.getenv("PATH").split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, "xvfb-run")));
		assumeTrue("skipped: xvfb-run is not installed (Debian: apt-get install xvfb xauth), so plain ImageJ's -batch cannot be run here", xvfb);
		Path imagej = imageJFolder(), in = inputs(), out = tmp.getRoot().toPath().resolve("out");
		List<String> command = new ArrayList<>(List.of("xvfb-run", "-a"));
		command.addAll(batch(imagej, argument(in, out)));
		Run r = run(command, false);
		assertEquals(r.output, 0, r.code);
		assertEquals(r.output, List.of("a.png", "b.png"), FijiCommandsTest.names(out));
		assertTrue(r.output, r.output.contains("Batch_Normalize_Folder: " + in + " -> " + out + " done"));
		assertFalse(r.output, r.output.contains("Exception"));
	}
}
