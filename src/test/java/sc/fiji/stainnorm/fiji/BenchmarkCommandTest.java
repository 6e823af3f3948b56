package sc.fiji.stainnorm.fiji;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;
import static sc.fiji.stainnorm.fiji.FijiCommandsTest.assertFailure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.measure.ResultsTable;
import sc.fiji.stainnorm.normalize.Methods;

/** The benchmark command on a few small patches (timings are measured, never asserted). */
public class BenchmarkCommandTest {
	@ClassRule
	public static final CommandContext COMMANDS = new CommandContext();

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private static CommandRunner.Result run(String label, Map<String, ?> inputs) {
		return COMMANDS.run(label, inputs);
	}

	@Test
	public void oneRowPerMethodInTheTableAndTheCsv() throws IOException {
		assumeTrue("skipped: reinhard and macenko not registered", Methods.names().containsAll(List.of("reinhard", "macenko")));
		Path csv = tmp.getRoot().toPath().resolve("bench.csv");
		Map<String, String> inputs = Map.of("patches", "6", "size", "64", "methods", "reinhard,macenko", "threads", "2", "csv_file", csv.toString());
		CommandRunner.Result r = run(BenchmarkCommand.LABEL, inputs);
		assertTrue(r.failure(), r.ok());
		ResultsTable rt = ((BenchmarkCommand) r.module()).results();
		assertEquals(2, rt.size());
		assertEquals("reinhard", rt.getStringValue("Method", 0));
		assertEquals("macenko", rt.getStringValue("Method", 1));
		assertEquals(6, rt.getValue("Patches", 0), 0);
		assertEquals(2, rt.getValue("Threads", 1), 0);
		assertEquals("6 patches of 64x64", 6 * 64 * 64 / 1e6 / rt.getValue("Normalize s", 0), rt.getValue("MP/s", 0), 1e-3 * rt.getValue("MP/s", 0));
		assertEquals(rt.getValue("Fit s", 1) + rt.getValue("Normalize s", 1), rt.getValue("Total s", 1), 1e-9);
		List<String> lines = Files.readAllLines(csv);
		assertEquals(3, lines.size());
		assertTrue(lines.get(0), lines.get(0).startsWith("Method,Patches,Size,Threads,Fit s,Normalize s"));
		assertTrue(lines.get(1), lines.get(1).startsWith("reinhard,6,64,2,"));
		assertFailure(run(BenchmarkCommand.LABEL, inputs), "exists; set overwrite");
	}

	@Test
	public void badInputs() throws IOException {
		Path folder = tmp.newFolder("f").toPath();
		assertFailure(run(BenchmarkCommand.LABEL, Map.of("patches", "0")), "patches");
		assertFailure(run(BenchmarkCommand.LABEL, Map.of("patches", "2", "size", "4")), "patch size");
		assertFailure(run(BenchmarkCommand.LABEL, Map.of("patches", "2", "methods", "fast")), "Unknown method 'fast'");
		assertFailure(run(BenchmarkCommand.LABEL, Map.of("patches", "2", "threads", "-3")), "threads=-3");
		assertFailure(run(BenchmarkCommand.LABEL, Map.of("patches", "2", "images_folder", folder.resolve("x").toString())),
			"not a folder");
		assertFailure(run(BenchmarkCommand.LABEL, Map.of("patches", "2", "csv_file", folder.toString())), "is a folder");
		assertFailure(run(BenchmarkCommand.LABEL, Map.of("patches", "many")), "not a whole number");
		assertFalse(Files.list(folder).findAny().isPresent());
	}
}
