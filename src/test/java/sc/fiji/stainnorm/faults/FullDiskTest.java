package sc.fiji.stainnorm.faults;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static sc.fiji.stainnorm.faults.Faults.assertEveryFileDecodesAndEquals;
import static sc.fiji.stainnorm.faults.Faults.assertNoTemporaryFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.cli.Main;

/**
 * The disk fills up during a normalize run (a real 3 MB tmpfs): every image that did not fit is an error naming
 * it and "No space left on device", nothing undecodable or temporary is left, the inputs are untouched, and a
 * rerun after space was freed skips the complete outputs and redoes the rest.
 */
public class FullDiskTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void normalizeIntoAFullDiskWithPngOutput() throws IOException {
		fillTheDisk("png", 40);
	}

	@Test
	public void normalizeIntoAFullDiskWithTiffOutput() throws IOException {
		fillTheDisk("tif", 25);
	}

	private void fillTheDisk(String ext, int n) throws IOException {
		Path in = Faults.inputs(tmp.getRoot().toPath().resolve("in"), n, ext);
		Path reference = Faults.referenceRun(in, tmp.getRoot().toPath().resolve("reference"));
		Map<String, String> inputsBefore = Faults.sha256(in);
		try (TmpfsMount disk = TmpfsMount.mount("full-disk-" + ext, "3m")) {
			Path out = disk.dir().resolve("out");
			Faults.Run first = Faults.cli(Faults.normalize(out, in, "--threads", "2"));
			assertEquals(first.err(), Main.FAILED, first.code());
			List<String> written = Faults.names(out);
			assertTrue("some outputs fit: " + written, written.size() > 0);
			assertTrue("the disk filled up: " + written.size() + " of " + n, written.size() < n);
			assertEveryFileDecodesAndEquals(out, reference);
			assertNoTemporaryFiles(out);
			for (int i = 0; i < n; i++) {
				String name = String.format("img%03d.%s", i, ext);
				if (written.contains(name)) continue;
				String line = "ERROR: " + in.resolve(name) + ": Cannot write " + out.resolve(name) + ": No space left on device";
				assertTrue("stderr has '" + line + "':\n" + first.err(), first.errLines().contains(line));
			}
			String summary = first.errLines().get(first.errLines().size() - 1);
			assertTrue(summary, summary.startsWith("stainnorm: " + (n - written.size()) + " of " + n + " images failed: img0"));
			assertTrue(first.out(), first.out().contains(written.size() + " written, 0 skipped (output exists), " + (n - written.size()) + " failed"));
			assertEquals("inputs are byte-identical", inputsBefore, Faults.sha256(in));

			disk.remount("size=20m");
			Faults.Run rerun = Faults.cli(Faults.normalize(out, in, "--threads", "2"));
			assertEquals(rerun.err(), Main.OK, rerun.code());
			assertTrue(rerun.out(), rerun.out().contains((n - written.size()) + " written, " + written.size() + " skipped (output exists), 0 failed"));
			assertEquals(n, Faults.names(out).size());
			assertEveryFileDecodesAndEquals(out, reference);
			assertNoTemporaryFiles(out);
			assertEquals("inputs are byte-identical", inputsBefore, Faults.sha256(in));
		}
	}
}
