package sc.fiji.stainnorm.cli;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.fiji.CommandRunner;
import sc.fiji.stainnorm.fiji.NormalizeFolderCommand;

/**
 * File names holding {@code ,}, {@code ]}, {@code '} and spaces through {@code --headless --run} and the SLURM
 * script, in the quoting the README documents: a value in '...' or "..." stays whole; several reference images
 * are a repeated key (or a comma-separated list whose odd names are quoted).
 */
public class QuotedValuesTest {
	/** Characters that broke values before: comma, bracket, quote, space, equals. */
	private static final String ODD = "a, [b]=c it's";

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private String err;

	private int run(String... args) {
		ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
		int code = Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
		err = e.toString(StandardCharsets.UTF_8);
		return code;
	}

	private Path folderWithTwoImages(String name) throws IOException {
		Path in = Files.createDirectories(tmp.getRoot().toPath().resolve(name));
		Files.copy(Path.of("test-images", "tissue1_C.png"), in.resolve("x.png"));
		Files.copy(Path.of("test-images", "tissue2_A.png"), in.resolve("y.png"));
		return in;
	}

	private Path reference(String name) throws IOException {
		return Files.copy(Path.of("test-images", "tissue2_B.png"), tmp.getRoot().toPath().resolve(name));
	}

	@Test
	public void quotedValuesStayWholeAndRepeatedReferencesAddUp() throws IOException {
		Path in = folderWithTwoImages("in " + ODD), out = tmp.getRoot().toPath().resolve("out " + ODD);
		Path comma = reference("ref,1].png"), quote = reference("ref 'two'.png");
		String params = "input_folder=\"" + in + "\",output_folder=\"" + out + "\",method=reinhard,reference_images='" + comma
			+ "',reference_images=\"" + quote + "\"";
		assertEquals(err, Main.OK, run("--headless", "--run", NormalizeFolderCommand.LABEL, params));
		assertEquals(List.of("x.png", "y.png"), names(out));
		// the same two references as one list in brackets, the odd name quoted inside it
		Path out2 = tmp.getRoot().toPath().resolve("out2");
		Path plainComma = reference("ref,3.png");
		assertEquals(err, Main.OK, run("--headless", "--run", NormalizeFolderCommand.LABEL, "input_folder=\"" + in + "\",output_folder=" + out2
			+ ",method=reinhard,reference_images=['" + plainComma + "'," + quote + "]"));
		assertEquals(List.of("x.png", "y.png"), names(out2));
	}

	@Test
	public void unquotedListsSplitAtCommasAndMistakesAreUsageErrors() throws IOException {
		Path in = folderWithTwoImages("in"), out = tmp.getRoot().toPath().resolve("out");
		Path comma = reference("com,ma.png");
		// the reported case: in brackets, a comma still separates files, and the message names the half that is missing
		assertEquals(Main.FAILED, run("--headless", "--run", NormalizeFolderCommand.LABEL, "input_folder=" + in + ",output_folder=" + out
			+ ",method=reinhard,reference_images=[" + comma + "]"));
		assertTrue(err, err.contains(comma.toString().substring(0, comma.toString().indexOf(','))) && err.strip().lines().count() == 1);
		assertEquals(Main.USAGE, run("--headless", "--run", NormalizeFolderCommand.LABEL, "input_folder=" + in + ",output_folder=" + out
			+ ",output_folder=" + out + "2,method=reinhard"));
		assertTrue(err, err.contains("output_folder given twice"));
		assertEquals(Main.USAGE, run("--headless", "--run", NormalizeFolderCommand.LABEL, "input_folder='" + in + "/it's'"));
		assertTrue(err, err.contains("goes on after its closing '") && err.contains("\"...\""));
		assertTrue("nothing written", !Files.exists(out));
	}

	@Test
	public void parsedValuesKnowWhetherTheyWereQuoted() {
		assertEquals(List.of(new HeadlessRunner.Parameter("a", "x, y]", true), new HeadlessRunner.Parameter("b", "it's", true),
			new HeadlessRunner.Parameter("c", "p, q", false), new HeadlessRunner.Parameter("d", "z", false)),
			HeadlessRunner.parse("a='x, y]', b=\"it's\" ,c=[p, q],d=z"));
		assertEquals(Map.of("a", "1"), HeadlessRunner.parseParameters("a=1"));
	}

	@Test
	public void theDialogsFileListTextReadsBackAsTheSameFiles() {
		List<String> names = List.of("/x/plain.png", "/x/b, c].png", "/x/it's.png", "/x/\"q\", 'r'.png".replace("'r'", "r"), " /x/lead.png");
		String text = CommandRunner.fileListText(names);
		assertArrayEquals(names.stream().map(File::new).toArray(File[]::new), CommandRunner.fileList("reference_images", text));
		assertEquals("/x/a.png,/x/b.png", CommandRunner.fileListText(List.of("/x/a.png", "/x/b.png")));
	}

	@Test
	public void fileListsTakeQuotedNamesLiterally() {
		assertArrayEquals(new File[] { new File("a.png"), new File("/x/b, c].png"), new File("/x/it's.png") },
			CommandRunner.fileList("reference_images", " a.png , '/x/b, c].png',\"/x/it's.png\""));
		assertArrayEquals(new File[0], CommandRunner.fileList("reference_images", " , "));
		for (String bad : new String[] { "'a.png", "'a.png' b.png" })
			try {
				CommandRunner.fileList("reference_images", bad);
				throw new AssertionError("accepted " + bad);
			}
			catch (InvalidSettingException e) {
				assertTrue(e.getMessage(), e.getMessage().startsWith("reference_images: "));
			}
	}

	/**
	 * The SLURM script run by bash as a job array of two tasks would run it, on paths with every odd character,
	 * against this build (a {@code stainnorm} launcher that runs this class path, as the real one does after its build).
	 */
	@Test
	public void slurmScriptQuotesEveryPath() throws IOException, InterruptedException {
		assumeTrue("skipped: no bash", new File("/bin/bash").canExecute());
		Path in = folderWithTwoImages("slides " + ODD), out = tmp.getRoot().toPath().resolve("normalized " + ODD);
		Path ref1 = reference("target, 1 [it's].png"), ref2 = reference("target2.png");
		Path home = tmp.newFolder("home").toPath(), launcher = home.resolve("stainnorm");
		Files.writeString(launcher, "#!/bin/bash\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
			+ System.getProperty("java.class.path") + "' sc.fiji.stainnorm.cli.Main \"$@\"\n");
		assertTrue(launcher.toFile().setExecutable(true));
		for (int task = 1; task <= 2; task++) {
			Result r = slurm(home, task, in.toString(), out.toString(), "reinhard", ref1.toString(), ref2.toString());
			assertEquals(r.output, 0, r.code);
			assertTrue(r.output, r.output.contains("shard " + task + "/2 of " + in));
			assertEquals(r.output, task == 1 ? List.of("x.png") : List.of("x.png", "y.png"), names(out));
		}
		Result both = slurm(home, 1, in + "/it's \"both\"", out.toString(), "reinhard");
		assertEquals(both.output, 2, both.code);
		assertTrue(both.output, both.output.contains("holds both ' and \""));
		Result none = slurm(home, 1, in.toString());
		assertEquals(none.output, 2, none.code);
		assertTrue(none.output, none.output.contains("usage: slurm_normalize_array.sh"));
	}

	private record Result(int code, String output) {}

	private static Result slurm(Path home, int task, String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("/bin/bash", Path.of("macros", "slurm_normalize_array.sh").toString()));
		command.addAll(List.of(args));
		ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
		pb.environment().put("SLURM_ARRAY_TASK_ID", String.valueOf(task));
		pb.environment().put("SLURM_ARRAY_TASK_COUNT", "2");
		pb.environment().put("STAINNORM_HOME", home.toString());
		pb.environment().put("STAINNORM_JAVA_OPTS", "-Xmx1g");
		Process p = pb.start();
		String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!p.waitFor(2, TimeUnit.MINUTES)) {
			p.destroyForcibly();
			throw new StainNormException("the SLURM script did not finish in 2 minutes: " + output);
		}
		return new Result(p.exitValue(), output);
	}

	private static List<String> names(Path dir) throws IOException {
		if (!Files.isDirectory(dir)) return List.of();
		try (var s = Files.list(dir)) {
			return s.map(f -> f.getFileName().toString()).sorted().toList();
		}
	}
}
