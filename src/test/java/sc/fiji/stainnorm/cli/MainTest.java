package sc.fiji.stainnorm.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class MainTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private String out, err;

	private int run(String... args) {
		ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
		int code = Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
		out = o.toString(StandardCharsets.UTF_8);
		err = e.toString(StandardCharsets.UTF_8);
		return code;
	}

	@Test
	public void everySubcommandHasHelp() {
		assertEquals(Main.OK, run("--help"));
		for (Subcommand s : Main.subcommands()) {
			assertTrue(out.contains(s.name()));
			ByteArrayOutputStream o = new ByteArrayOutputStream();
			assertEquals(Main.OK, Main.run(new String[] { s.name(), "--help" }, new PrintStream(o), System.err));
			assertTrue(s.name() + " help starts with a usage line", o.toString().startsWith("Usage: ./stainnorm " + s.name()));
		}
	}

	@Test
	public void mistakesAreOneLineWithExitCodes() {
		assertEquals(Main.USAGE, run("frobnicate"));
		assertTrue(err.contains("unknown subcommand 'frobnicate'"));
		assertEquals(Main.USAGE, run("normalize", "--bogus"));
		assertTrue(err, err.startsWith("stainnorm: Unknown option --bogus"));
		assertEquals(Main.USAGE, run("normalize", "--method", "nonexistent", "--output", tmp.getRoot().toString(), "x.png"));
		assertTrue(err, err.contains("Unknown method 'nonexistent'"));
		assertEquals("one line, no stack trace", 1, err.strip().lines().count());
	}

	@Test
	public void demoWritesOutputsAndRefusesToOverwrite() throws Exception {
		Path dir = tmp.getRoot().toPath().resolve("demo");
		assertEquals(err, Main.OK, run("demo", "--output", dir.toString()));
		assertTrue(Files.size(dir.resolve("montage.png")) > 1000);
		assertTrue(Files.exists(dir.resolve("input/tissue1_A.png")));
		long before = Files.getLastModifiedTime(dir.resolve("montage.png")).toMillis();
		assertEquals(Main.FAILED, run("demo", "--output", dir.toString()));
		assertTrue(err, err.contains("not empty"));
		assertEquals(before, Files.getLastModifiedTime(dir.resolve("montage.png")).toMillis());
		assertEquals(Main.OK, run("demo", "--output", dir.toString(), "--overwrite"));
	}

	@Test
	public void headlessRunRunsASciJavaCommandWithHonestExitCodes() {
		Path dir = tmp.getRoot().toPath().resolve("headless-demo");
		assertEquals(err, Main.OK, run("--headless", "--run", "Stain Normalization Demo", "output_folder=" + dir));
		assertTrue(Files.exists(dir.resolve("montage.png")));
		assertEquals("second run refuses to overwrite", Main.FAILED, run("--headless", "--run", "Stain Normalization Demo", "output_folder=" + dir));
		assertTrue(err, err.contains("not empty"));
		assertFalse("no stack trace without --debug", err.contains("\tat "));
		assertEquals("missing parameter is not a silent success", Main.USAGE, run("--headless", "--run", "Stain Normalization Demo", ""));
		assertTrue(err, err.contains("output_folder"));
		assertEquals(Main.USAGE, run("--headless", "--run", "No Such Command", ""));
		assertEquals(Main.USAGE, run("--headless", "--run", "Stain Normalization Demo", "output_foldr=/tmp/x"));
		assertTrue(err, err.contains("no parameter 'output_foldr'"));
	}

	@Test
	public void parameterStringsFollowFijisSyntax() {
		assertEquals(Map.of("a", "1", "b", "x y", "c", "p, q", "d", "[z]".substring(1, 2)),
			HeadlessRunner.parseParameters("a=1, b='x y',c=[p, q] ,d=\"z\""));
		assertEquals(Map.of(), HeadlessRunner.parseParameters(""));
	}
}
