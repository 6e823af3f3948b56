package sc.fiji.stainnorm.faults;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static sc.fiji.stainnorm.faults.Faults.assertEveryFileDecodesAndEquals;
import static sc.fiji.stainnorm.faults.Faults.assertNoTemporaryFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.cli.Main;

/**
 * Two jobs write into one output folder at once (the SLURM "resubmitted the array while an old task still runs"
 * case), as two real JVM processes running the normalize CLI: every output decodes and equals the single-writer
 * result, no temporary file is left, and without --overwrite every file is written by exactly one of them.
 */
public class ConcurrentWritersTest {
	private static final int N = 24;

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void twoJobsIntoOneFolderWithoutOverwrite() throws Exception {
		List<String> outs = twoJobs();
		int written = 0;
		for (String o : outs) {
			Matcher m = Pattern.compile("reinhard: (\\d+) written, (\\d+) skipped \\(output exists\\), 0 failed").matcher(o);
			assertTrue(o, m.find());
			written += Integer.parseInt(m.group(1));
			assertEquals(N, Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)));
		}
		assertEquals("each file was published by exactly one job: " + outs, N, written);
	}

	@Test
	public void twoJobsIntoOneFolderWithOverwrite() throws Exception {
		twoJobs("--overwrite");
	}

	/** Runs both jobs, checks the folder, returns each job's stdout. */
	private List<String> twoJobs(String... more) throws Exception {
		Path in = Faults.inputs(tmp.getRoot().toPath().resolve("in"), N, "png");
		Path reference = Faults.referenceRun(in, tmp.getRoot().toPath().resolve("reference"));
		var inputsBefore = Faults.sha256(in);
		Path out = tmp.getRoot().toPath().resolve("out");
		List<Process> jobs = new ArrayList<>();
		List<Path> logs = new ArrayList<>();
		for (int j = 0; j < 2; j++) {
			List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-cp",
				System.getProperty("java.class.path"), Main.class.getName()));
			List<String> options = new ArrayList<>(List.of("--threads", "1"));
			options.addAll(List.of(more));
			command.addAll(List.of(Faults.normalize(out, in, options.toArray(String[]::new))));
			Path log = tmp.getRoot().toPath().resolve("job" + j + ".log");
			logs.add(log);
			jobs.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
		}
		List<String> outs = new ArrayList<>();
		for (int j = 0; j < 2; j++) {
			assertTrue("job " + j + " finished in time", jobs.get(j).waitFor(120, TimeUnit.SECONDS));
			String log = Files.readString(logs.get(j), StandardCharsets.UTF_8);
			assertEquals(log, 0, jobs.get(j).exitValue());
			outs.add(log);
			System.out.println("job " + j + ": " + log.lines().filter(l -> l.startsWith("reinhard:")).findFirst().orElse(log));
		}
		assertEquals(N, Faults.names(out).size());
		assertEveryFileDecodesAndEquals(out, reference);
		assertNoTemporaryFiles(out);
		assertEquals("inputs are byte-identical", inputsBefore, Faults.sha256(in));
		return outs;
	}
}
