package sc.fiji.stainnorm.faults;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static sc.fiji.stainnorm.faults.Faults.assertEveryFileDecodesAndEquals;
import static sc.fiji.stainnorm.faults.Faults.assertNoTemporaryFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.cli.Main;

/** "Skip existing" trusts only complete files: a zero-byte or truncated output (an old full disk) is redone, with a warning naming it. */
public class SkipExistingTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void zeroByteAndTruncatedOutputsAreRedoneWithAWarning() throws IOException {
		Path in = Faults.inputs(tmp.getRoot().toPath().resolve("in"), 4, "png");
		Path reference = Faults.referenceRun(in, tmp.getRoot().toPath().resolve("reference"));
		Path out = tmp.getRoot().toPath().resolve("out");
		Files.createDirectories(out);
		Files.copy(reference.resolve("img000.png"), out.resolve("img000.png"));
		Files.write(out.resolve("img001.png"), new byte[0]);
		byte[] full = Files.readAllBytes(reference.resolve("img002.png"));
		Files.write(out.resolve("img002.png"), Arrays.copyOf(full, full.length / 3));
		// a leftover of a killed run: hidden, so never taken for an input or an output
		Files.write(out.resolve(".img003.png.1234-abc.part.png"), new byte[10]);

		Faults.Run r = Faults.cli(Faults.normalize(out, in));
		assertEquals(r.err(), Main.OK, r.code());
		assertTrue(r.out(), r.out().contains("3 written, 1 skipped (output exists), 0 failed"));
		assertTrue(r.err(), r.err().contains("WARNING: img001.png: the existing output " + out.resolve("img001.png") + " is empty; normalizing it again"));
		assertTrue(r.err(), r.err().contains("WARNING: img002.png: the existing output " + out.resolve("img002.png") + " does not decode"));
		Files.delete(out.resolve(".img003.png.1234-abc.part.png"));
		assertEquals(4, Faults.names(out).size());
		assertEveryFileDecodesAndEquals(out, reference);
		assertNoTemporaryFiles(out);
	}

	@Test
	public void leftoverPartFilesOfAKilledRunAreNotTakenForInputs() throws IOException {
		Path in = Faults.inputs(tmp.getRoot().toPath().resolve("in"), 2, "png");
		Files.write(in.resolve(".img002.png.4321-beef.part.png"), Arrays.copyOf(Files.readAllBytes(in.resolve("img000.png")), 100));
		Path out = tmp.getRoot().toPath().resolve("out");
		Faults.Run r = Faults.cli(Faults.normalize(out, in));
		assertEquals(r.err(), Main.OK, r.code());
		assertTrue(r.out(), r.out().contains("2 written, 0 skipped (output exists), 0 failed"));
		assertEquals(java.util.List.of("img000.png", "img001.png"), Faults.names(out));
	}
}
