package sc.fiji.stainnorm.faults;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.cli.Main;

/** A file that fails is an ERROR line on stderr naming it (not a stdout WARNING), and the summary names the failed files. */
public class FailureReportingTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private Path inputsWithTwoDamaged() throws IOException {
		Path in = Faults.inputs(tmp.getRoot().toPath().resolve("in"), 8, "png");
		for (String bad : new String[] { "img001.png", "img006.png" })
			Files.write(in.resolve(bad), Arrays.copyOf(Files.readAllBytes(in.resolve(bad)), 200));
		return in;
	}

	@Test
	public void normalizeNamesEveryFailedFileOnStderr() throws IOException {
		Path in = inputsWithTwoDamaged();
		Faults.Run r = Faults.cli(Faults.normalize(tmp.getRoot().toPath().resolve("out"), in));
		assertEquals(r.err(), Main.FAILED, r.code());
		for (String bad : new String[] { "img001.png", "img006.png" }) {
			assertTrue(r.err(), r.errLines().stream().anyMatch(l -> l.startsWith("ERROR: " + in.resolve(bad) + ": Cannot decode " + in.resolve(bad))));
			assertFalse("failures are not stdout warnings: " + r.out(), r.out().contains(bad + ": Cannot decode"));
		}
		assertEquals(3, r.errLines().size());
		assertTrue(r.err(), r.errLines().get(2).startsWith("stainnorm: 2 of 8 images failed: img001.png, img006.png ("));
		assertTrue(r.out(), r.out().contains("6 written, 0 skipped (output exists), 2 failed"));
	}

	@Test
	public void deconvolveNamesEveryFailedFileOnStderr() throws IOException {
		Path in = inputsWithTwoDamaged();
		Faults.Run r = Faults.cli("deconvolve", "--output", tmp.getRoot().toPath().resolve("stains").toString(), in.toString());
		assertEquals(r.err(), Main.FAILED, r.code());
		assertEquals(r.err(), 3, r.errLines().size());
		assertTrue(r.err(), r.errLines().get(0).startsWith("ERROR: " + in.resolve("img001.png") + ": Cannot decode"));
		assertTrue(r.err(), r.errLines().get(1).startsWith("ERROR: " + in.resolve("img006.png") + ": Cannot decode"));
		assertTrue(r.err(), r.errLines().get(2).startsWith("stainnorm: 2 of 8 images failed: img001.png, img006.png ("));
	}
}
