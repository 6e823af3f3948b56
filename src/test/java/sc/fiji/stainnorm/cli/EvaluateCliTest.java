package sc.fiji.stainnorm.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class EvaluateCliTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

	private int run(String... args) {
		out.reset();
		err.reset();
		return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private String err() {
		return err.toString(StandardCharsets.UTF_8);
	}

	@Test
	public void syntheticRunWritesEveryPartOfTheReportAndRefusesToOverwriteIt() throws Exception {
		Path dir = tmp.getRoot().toPath().resolve("eval");
		String[] args = { "evaluate", "--synthetic", "--patch-size", "96", "--patches", "2", "--references", "2", "--timing-patches", "3",
			"--methods", "reinhard", "--threads", "2", "--output", dir.toString() };
		assertEquals(err(), 0, run(args));
		for (String f : new String[] { "results.md", "scores.csv", "summary.csv", "sensitivity.csv", "shifts.csv", "timing.csv",
			"figures/box_matched_standard.png", "figures/box_matched_paper.png", "figures/box_unmatched_separation.png",
			"figures/montage_matched.png", "figures/timing.png" })
			assertTrue(f, Files.size(dir.resolve(f)) > 0);
		String md = Files.readString(dir.resolve("results.md"));
		for (String section : new String[] { "Matched ground truth (Table IV analog)", "Unmatched ground truth (Table I analog)",
			"Stain separation (Table II analog)", "Speed (Table III analog)", "Reference sensitivity", "./stainnorm evaluate --synthetic" })
			assertTrue(section, md.contains(section));
		String summary = Files.readString(dir.resolve("summary.csv"));
		assertTrue(summary, summary.contains("matched,standard,SSIM,true,reinhard,") && summary.contains("unmatched,separation,SH,false,unnormalized,"));

		assertEquals(1, run(args));
		assertTrue(err(), err().contains("not empty") && err().contains("--overwrite"));
	}

	/** The Fiji command through Fiji's headless --run syntax: same keys as a macro, honest exit codes. */
	@Test
	public void fijiCommandRunsHeadless() throws Exception {
		String label = sc.fiji.stainnorm.fiji.EvaluateCommand.LABEL;
		assertEquals(2, run("--headless", "--run", label, "synthetic=true"));
		assertTrue(err(), err().contains("Missing parameter output_folder"));
		Path dir = tmp.getRoot().toPath().resolve("fiji");
		assertEquals(err(), 0, run("--headless", "--run", label, "synthetic=true,patch_size=64,patches=1,references=1,timing_patches=0,"
			+ "methods=reinhard,threads=1,output_folder='" + dir + "'"));
		assertTrue(Files.readString(dir.resolve("results.md")).contains("Fiji: " + label));
		assertEquals(2, run("--headless", "--run", label, "synthetic=true,no_such_key=1,output_folder='" + dir + "'"));
	}

	@Test
	public void wrongCommandLinesGetOneLineErrors() {
		assertEquals(2, run("evaluate", "--synthetic", "--data", "x"));
		assertEquals(2, run("evaluate", "--no-such-option"));
		assertEquals(2, run("evaluate", "--synthetic", "--methods", "nosuch", "--output", tmp.getRoot().toPath().resolve("a").toString()));
		assertTrue(err(), err().contains("Unknown method 'nosuch'"));
		assertEquals(1, run("evaluate", "--data", tmp.getRoot().toString(), "--methods", "reinhard", "--output",
			tmp.getRoot().toPath().resolve("b").toString()));
		assertTrue(err(), err().contains("pengyzhang_cell_seg_matlab"));
		assertEquals(2, run("evaluate", "--synthetic", "--patch-size", "8", "--output", tmp.getRoot().toPath().resolve("c").toString()));
		assertTrue(err(), err().contains("at least 32"));
		assertEquals(err().trim(), 1, err().trim().lines().count());
	}
}
