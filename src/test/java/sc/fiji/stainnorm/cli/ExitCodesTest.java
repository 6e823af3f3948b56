package sc.fiji.stainnorm.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

/**
 * The exit-code contract of every subcommand and of {@code --headless --run}: a command line that cannot be
 * used as given (bad number, unknown method, malformed or out-of-range method option, bad shard, bad
 * convention, a reference for STST, ...) exits 2; a failure of the work (missing file, nothing to resume, an
 * unusable image folder) exits 1. Each case also checks the one line on stderr and that nothing was written.
 */
@RunWith(Parameterized.class)
public class ExitCodesTest {
	private static Path root, in, out, ref, empty;

	/** Placeholders in the table, replaced by real paths of a fresh folder. */
	private static final String IN = "<in>", OUT = "<out>", REF = "<ref>", EMPTY = "<empty>", MISSING = "<missing>";

	@Parameters(name = "{0}")
	public static List<Object[]> cases() {
		List<Object[]> c = new ArrayList<>();
		String[] normalize = { "normalize", "--method", "reinhard", "--reference", REF, "--output", OUT, IN };
		// normalize: usage errors
		c.add(usage("normalize --threads abc", "whole number", with(normalize, "--threads", "abc")));
		c.add(usage("normalize --threads 0", "at least 1", with(normalize, "--threads", "0")));
		c.add(usage("normalize --pattern [", "not a valid glob", with(normalize, "--pattern", "[")));
		c.add(usage("normalize --method foo", "Unknown method 'foo'", "normalize", "--method", "foo", "--reference", REF, "--output", OUT, IN));
		c.add(usage("normalize --options garbage", "not of the form key=value", with(normalize, "--options", "garbage")));
		c.add(usage("normalize --options unknown key", "has no option bogus", with(normalize, "--options", "bogus=1")));
		c.add(usage("normalize vahadane lambda=-1", "lambda=-1.0 must be 0 or more", "normalize", "--method", "vahadane", "--options",
			"lambda=-1", "--reference", REF, "--output", OUT, IN));
		c.add(usage("normalize macenko io=abc", "io=abc is not a finite number", "normalize", "--method", "macenko", "--options", "io=abc",
			"--reference", REF, "--output", OUT, IN));
		c.add(usage("normalize reinhard space=x", "space=x", with(normalize, "--options", "space=x")));
		c.add(usage("normalize stst tile=-1", "tile=-1", "normalize", "--method", "stst", "--options", "tile=-1", "--output", OUT, IN));
		c.add(usage("normalize --shard x", "not of the form i/n", with(normalize, "--shard", "x")));
		c.add(usage("normalize --shard 3/2", "Shard 3/2 is invalid", with(normalize, "--shard", "3/2")));
		c.add(usage("normalize stst --reference", "STST takes no reference", "normalize", "--method", "stst", "--reference", REF, "--output",
			OUT, IN));
		c.add(usage("normalize reinhard without reference", "needs at least one --reference", "normalize", "--method", "reinhard",
			"--output", OUT, IN));
		c.add(usage("normalize --output twice", "given 2 times", with(normalize, "--output", OUT + "2")));
		c.add(usage("normalize --bogus", "Unknown option --bogus", with(normalize, "--bogus")));
		// normalize: failures of the work
		c.add(failed("normalize missing reference", MISSING, "normalize", "--method", "reinhard", "--reference", MISSING, "--output", OUT, IN));

		String[] train = { "train", "--images", IN, "--output", OUT + "/m.zip" };
		c.add(usage("train --steps abc", "whole number", with(train, "--steps", "abc")));
		c.add(usage("train --lr -1", "Learning rate must be positive", with(train, "--lr", "-1")));
		c.add(usage("train --lr NaN", "finite number", with(train, "--lr", "NaN")));
		c.add(usage("train --patch 100", "power of two", with(train, "--patch", "100")));
		c.add(usage("train --width 0", "Network width must be 1..512", with(train, "--width", "0")));
		c.add(usage("train --threads -1", "Threads must be 0", with(train, "--threads", "-1")));
		c.add(usage("train --validation 1", "Validation fraction", with(train, "--validation", "1")));
		c.add(usage("train --resume without --checkpoints", "Resuming needs a checkpoint folder", with(train, "--resume")));
		c.add(usage("train --steps and --epochs", "not both", with(train, "--steps", "5", "--epochs", "2")));
		c.add(failed("train --resume from an empty folder", "Nothing to resume", with(train, "--resume", "--checkpoints", EMPTY)));
		c.add(failed("train --resume from a missing folder", "no such folder", with(train, "--resume", "--checkpoints", MISSING)));
		c.add(failed("train missing images", "does not exist", "train", "--images", MISSING, "--output", OUT + "/m.zip"));

		String[] deconvolve = { "deconvolve", "--output", OUT, IN };
		c.add(usage("deconvolve --io abc", "must be a finite number", with(deconvolve, "--io", "abc")));
		c.add(usage("deconvolve --io 0", "from 1 to 255", with(deconvolve, "--io", "0")));
		c.add(usage("deconvolve --vectors x", "--vectors 'x'", with(deconvolve, "--vectors", "x")));
		c.add(failed("deconvolve missing input", MISSING, "deconvolve", "--output", OUT, MISSING));

		c.add(usage("metrics --convention x", "Unknown metric convention 'x'", "metrics", "--convention", "x", REF, REF));
		c.add(usage("metrics --threads abc", "whole number", "metrics", "--threads", "abc", REF, REF));
		c.add(usage("metrics one path", "exactly two paths", "metrics", REF));
		c.add(failed("metrics missing prediction", "Not found", "metrics", REF, MISSING));

		c.add(usage("benchmark --patches abc", "whole number", "benchmark", "--patches", "abc"));
		c.add(usage("benchmark --patches 0", "at least 1", "benchmark", "--patches", "0"));
		c.add(usage("benchmark --size 4", "from 8 to 4096", "benchmark", "--size", "4", "--patches", "2", "--methods", "reinhard", "--images", IN));
		c.add(usage("benchmark --methods foo", "Unknown method 'foo'", "benchmark", "--methods", "foo"));
		c.add(usage("benchmark positional", "no positional", "benchmark", "extra"));
		c.add(failed("benchmark --images without a large enough image", "No image of at least 512x512", "benchmark", "--patches", "2",
			"--size", "512", "--methods", "reinhard", "--images", IN));
		c.add(failed("benchmark --images empty folder", "No image of at least", "benchmark", "--patches", "2", "--methods", "reinhard",
			"--images", EMPTY));
		c.add(failed("benchmark --images missing", "no folder", "benchmark", "--patches", "2", "--images", MISSING));
		c.add(failed("benchmark --csv exists", "exists; give --overwrite", "benchmark", "--patches", "2", "--methods", "reinhard", "--csv", REF));

		c.add(usage("demo positional", "no positional", "demo", OUT));

		String[] evaluate = { "evaluate", "--synthetic", "--output", OUT };
		c.add(usage("evaluate --seed abc", "whole number", with(evaluate, "--seed", "abc")));
		c.add(usage("evaluate --patch-size 8", "at least 32", with(evaluate, "--patch-size", "8")));
		c.add(usage("evaluate --methods foo", "Unknown method 'foo'", with(evaluate, "--methods", "foo")));
		c.add(usage("evaluate --data and --synthetic", "not both", with(evaluate, "--data", IN)));
		c.add(failed("evaluate missing model", "does not exist", with(evaluate, "--model", MISSING)));

		String folder = "input_folder=" + IN + ",output_folder=" + OUT;
		c.add(usage("--run method=foo", "Unknown method 'foo'", run(folder + ",method=foo")));
		c.add(usage("--run threads=abc", "threads=abc is not a whole number", run(folder + ",method=reinhard,threads=abc")));
		c.add(usage("--run shard=x", "not of the form i/n", run(folder + ",method=reinhard,reference_images=" + REF + ",shard=x")));
		c.add(usage("--run options=garbage", "not of the form key=value", run(folder + ",method=reinhard,options=garbage,reference_images=" + REF)));
		c.add(usage("--run stst with reference_images", "STST takes no reference", run(folder + ",method=stst,reference_images=" + REF)));
		c.add(usage("--run unknown parameter", "has no parameter 'shards'", run(folder + ",shards=1/2")));
		c.add(usage("--run without the folders", "needs input_folder, output_folder", run("method=reinhard")));
		c.add(usage("--run with an empty folder", "needs output_folder", run("input_folder=" + IN + ",output_folder=,method=reinhard")));
		c.add(usage("--run output_folder twice", "output_folder given twice", run(folder + ",output_folder=" + OUT + ",method=reinhard")));
		c.add(usage("--run no such command", "No command labelled", new String[] { "--headless", "--run", "Normalize Everything", "" }));
		c.add(usage("--run reinhard without reference_images", "needs a reference image", run(folder + ",method=reinhard")));
		c.add(usage("--run threads=-1", "threads=-1 must be 0", run(folder + ",method=reinhard,reference_images=" + REF + ",threads=-1")));
		c.add(usage("--run deconvolution vectors=x", "vectors=x is not one of", new String[] { "--headless", "--run",
			"Colour Deconvolution (Stain Normalization)", "input_file=" + REF + ",vectors=x" }));
		c.add(usage("--run compare threads=-1", "threads=-1 must be 0", new String[] { "--headless", "--run",
			"Compare Stain Normalization (Metrics)", "ground_truth=" + REF + ",prediction=" + REF + ",threads=-1" }));
		c.add(failed("--run missing input folder", "not found", run("input_folder=" + MISSING + ",output_folder=" + OUT + ",method=reinhard")));
		return c;
	}

	private static String[] run(String parameters) {
		return new String[] { "--headless", "--run", "Normalize Stain (Folder)", parameters };
	}

	private static String[] with(String[] base, String... more) {
		String[] all = Arrays.copyOf(base, base.length + more.length);
		System.arraycopy(more, 0, all, base.length, more.length);
		return all;
	}

	private static Object[] usage(String name, String fragment, String... args) {
		return new Object[] { name, Main.USAGE, fragment, args };
	}

	private static Object[] failed(String name, String fragment, String... args) {
		return new Object[] { name, Main.FAILED, fragment, args };
	}

	private final int expected;
	private final String fragment;
	private final String[] args;

	public ExitCodesTest(String name, int expected, String fragment, String[] args) {
		this.expected = expected;
		this.fragment = fragment;
		this.args = args;
	}

	@BeforeClass
	public static void folders() throws IOException {
		root = Files.createTempDirectory("exit-codes-");
		in = Files.createDirectories(root.resolve("in"));
		Files.copy(Path.of("test-images", "tissue1_C.png"), in.resolve("a.png"));
		ref = Files.copy(Path.of("test-images", "tissue2_B.png"), root.resolve("ref.png"));
		empty = Files.createDirectories(root.resolve("empty"));
		out = root.resolve("out");
	}

	@AfterClass
	public static void cleanUp() throws IOException {
		try (var walk = Files.walk(root)) {
			for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList())
				Files.delete(p);
		}
	}

	@Test
	public void exitCodeAndOneLine() {
		String[] real = new String[args.length];
		String missing = root.resolve("missing").toString();
		for (int i = 0; i < args.length; i++)
			real[i] = args[i].replace(IN, in.toString()).replace(OUT, out.toString()).replace(REF, ref.toString())
				.replace(EMPTY, empty.toString()).replace(MISSING, missing);
		String wanted = fragment.replace(MISSING, missing);
		ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
		int code = Main.run(real, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
		String err = e.toString(StandardCharsets.UTF_8);
		assertEquals(String.join(" ", real) + "\n" + err, expected, code);
		assertTrue("stderr names the problem (" + wanted + "): " + err, err.contains(wanted));
		assertEquals("one line on stderr: " + err, 1, err.strip().lines().count());
		assertFalse("nothing written on a refusal", Files.exists(out));
	}
}
