package sc.fiji.stainnorm.faults;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.cli.Main;
import sc.fiji.stainnorm.fiji.CompareMethodsCommand;
import sc.fiji.stainnorm.fiji.NormalizeFolderCommand;

/**
 * Every writing entry point aimed at a read-only file system (a real tmpfs remounted read-only; as root,
 * permission bits would not stop anything) fails up front with one line naming the location and saying
 * "read-only", not "permission denied", and writes nothing. (train checks its outputs itself; see its tests.)
 */
public class ReadOnlyOutputsTest {
	@ClassRule
	public static final TemporaryFolder TMP = new TemporaryFolder();

	private static TmpfsMount readOnly;
	private static Path ro;

	@BeforeClass
	public static void mount() throws IOException {
		readOnly = TmpfsMount.readOnly("read-only");
		ro = readOnly.dir();
	}

	@AfterClass
	public static void unmount() throws IOException {
		if (readOnly != null) readOnly.close();
	}

	/** Exit 1, one stderr line naming {@code location} and "read-only", nothing written on the mount. */
	private static void assertRefused(Path location, Faults.Run r) {
		assertEquals(r.err() + r.out(), Main.FAILED, r.code());
		assertEquals("one line on stderr: " + r.err(), 1, r.errLines().size());
		String line = r.errLines().get(0);
		assertTrue(line, line.contains(location.toString()));
		assertTrue(line, line.toLowerCase(Locale.ROOT).contains("read-only file system"));
		assertFalse(line, line.contains("permission denied"));
		assertEquals("nothing written", 0, Faults.names(ro).size());
	}

	@Test
	public void normalizeIntoAReadOnlyFolder() {
		assertRefused(ro, Faults.cli(Faults.normalize(ro, Path.of("test-images", "tissue2_A.png"))));
		Path sub = ro.resolve("out");
		assertRefused(sub, Faults.cli(Faults.normalize(sub, Path.of("test-images", "tissue2_A.png"))));
	}

	@Test
	public void deconvolveIntoAReadOnlyFolder() {
		Path out = ro.resolve("stains");
		assertRefused(out, Faults.cli("deconvolve", "--output", out.toString(), "test-images/tissue1_A.png"));
	}

	@Test
	public void metricsCsvOnAReadOnlyFileSystem() {
		Path csv = ro.resolve("scores.csv");
		assertRefused(ro, Faults.cli("metrics", "--csv", csv.toString(), "test-images/tissue1_A.png", "test-images/tissue1_B.png"));
	}

	@Test
	public void demoIntoAReadOnlyFolder() {
		Path out = ro.resolve("demo");
		assertRefused(out, Faults.cli("demo", "--output", out.toString()));
	}

	@Test
	public void evaluateIntoAReadOnlyFolder() {
		Path out = ro.resolve("evaluation");
		assertRefused(out, Faults.cli("evaluate", "--synthetic", "--patches", "1", "--references", "1", "--timing-patches", "0",
			"--methods", "reinhard", "--output", out.toString()));
		Path md = ro.resolve("results.md");
		assertRefused(ro, Faults.cli("evaluate", "--synthetic", "--patches", "1", "--references", "1", "--timing-patches", "0",
			"--methods", "reinhard", "--output", TMP.getRoot().toPath().resolve("evaluation").toString(), "--markdown", md.toString()));
	}

	@Test
	public void compareMethodsIntoAReadOnlyFolder() throws IOException {
		Path source = Files.createDirectories(TMP.getRoot().toPath().resolve("source")), truth = Files.createDirectories(TMP.getRoot().toPath().resolve("truth"));
		Files.copy(Path.of("test-images", "tissue1_A.png"), source.resolve("a.png"));
		Files.copy(Path.of("test-images", "tissue1_B.png"), truth.resolve("a.png"));
		Path out = ro.resolve("comparison");
		assertRefused(out, Faults.cli("--headless", "--run", CompareMethodsCommand.LABEL, "source_folder=" + source + ",ground_truth_folder=" + truth
			+ ",reference_images=test-images/tissue2_B.png,methods=reinhard,output_folder=" + out));
	}

	@Test
	public void normalizeFolderCommandIntoAReadOnlyFolder() throws IOException {
		Path in = Files.createDirectories(TMP.getRoot().toPath().resolve("folder-in"));
		Files.copy(Path.of("test-images", "tissue1_A.png"), in.resolve("a.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		Path out = ro.resolve("normalized");
		assertRefused(out, Faults.cli("--headless", "--run", NormalizeFolderCommand.LABEL, "input_folder=" + in + ",output_folder=" + out
			+ ",method=reinhard,reference_images=test-images/tissue2_B.png"));
	}
}
