package sc.fiji.stainnorm.slide;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.slide.PyramidTiffOptions.Compression;

/**
 * A real {@code kill -9} of a JVM writing a pyramid (SIGKILL: no shutdown hook, no finally block runs), then the same
 * job again in this JVM: it resumes from the journal and the file is byte for byte the one an uninterrupted run writes.
 */
public class PyramidTiffKillTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	/** Deflate, so that the resumed file can be compared byte for byte; 256-pixel tiles: 8 level-0 rows. */
	static PyramidTiffOptions options() {
		return PyramidTiffOptions.defaults().withCompression(Compression.DEFLATE).withTileSize(256).withThreads(2).withJobTag("kill test");
	}

	@Test
	public void killedMidRunThenResumedGivesTheUninterruptedFile() throws IOException, InterruptedException {
		Path out = tmp.getRoot().toPath().resolve("killed.tif"), reference = tmp.getRoot().toPath().resolve("reference.tif");
		Path journal = PyramidTiffWriter.journalFile(out);
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SlowPyramidWrite.class.getName(), out.toString())
			.redirectErrorStream(true).redirectOutput(tmp.getRoot().toPath().resolve("child.log").toFile()).start();
		int rows = 0;
		try {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
			while (rows < 3 && child.isAlive() && System.nanoTime() < deadline) {
				Thread.sleep(50);
				rows = finishedRows(journal);
			}
		}
		finally {
			child.destroyForcibly(); // SIGKILL
			child.waitFor(30, TimeUnit.SECONDS);
		}
		String log = Files.readString(tmp.getRoot().toPath().resolve("child.log"));
		assertTrue("the child was killed mid-run, after " + rows + " rows:\n" + log, rows >= 3 && !log.contains("finished"));
		assertFalse("no output after the kill", Files.exists(out));

		PyramidTiffWriter.write(TestSlides.source(), reference, options(), Progress.NONE);
		PyramidTiffWriter.Result r = PyramidTiffWriter.write(TestSlides.source(), out, options(), Progress.NONE);
		assertTrue("resumed after row " + rows + ": " + r.resumedRows(), r.resumedRows() >= rows && r.resumedRows() < 8);
		assertArrayEquals("the resumed file is the uninterrupted one", Files.readAllBytes(reference), Files.readAllBytes(out));
		PyramidTiffWriterTest.assertNoLeftovers(out);
		assertEquals(List.of("killed.tif", "reference.tif", "child.log").stream().sorted().toList(),
			Files.list(tmp.getRoot().toPath()).map(p -> p.getFileName().toString()).sorted().toList());
	}

	/** Complete row lines in the journal (a line is complete once its newline is there). */
	private static int finishedRows(Path journal) {
		try {
			String text = new String(Files.readAllBytes(journal), StandardCharsets.UTF_8);
			return (int) text.lines().filter(l -> l.startsWith("row ")).count() - (text.endsWith("\n") ? 0 : 1);
		}
		catch (IOException e) {
			return 0;
		}
	}
}
