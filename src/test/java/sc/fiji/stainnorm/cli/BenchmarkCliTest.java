package sc.fiji.stainnorm.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.bench.Benchmark;

public class BenchmarkCliTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void syntheticWorkloadWithoutAFolder() {
		Benchmark.Workload w = Benchmark.workload(5, 64, null, 1);
		assertEquals(5, w.patches().size());
		assertEquals(64, w.reference().width());
		assertTrue(w.description(), w.description().startsWith("synthetic"));
		assertEquals(5 * 64 * 64 / 1e6, w.megapixels(), 1e-12);
		// same seed, same patches
		assertTrue(w.patches().get(3).sameRgb(Benchmark.workload(5, 64, null, 1).patches().get(3)));
		Benchmark.Result r = Benchmark.run("reinhard", w, 2);
		assertEquals(5, r.patches());
		assertTrue(r.transformSeconds() > 0 && r.fitSeconds() >= 0 && r.megapixelsPerSecond() > 0);
	}

	@Test
	public void tableAndCsv() throws Exception {
		Path csv = tmp.getRoot().toPath().resolve("out/bench.csv"), images = tmp.newFolder("images").toPath();
		Files.copy(Path.of("test-images", "tissue1_A.png"), images.resolve("t.png"));
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int code = Main.run(new String[] { "benchmark", "--patches", "6", "--size", "48", "--methods", "reinhard,macenko", "--threads", "1",
			"--images", images.toString(), "--csv", csv.toString() }, new PrintStream(out, true, StandardCharsets.UTF_8),
			new PrintStream(err, true, StandardCharsets.UTF_8));
		String text = out.toString(StandardCharsets.UTF_8);
		assertEquals(err.toString(StandardCharsets.UTF_8), 0, code);
		assertTrue(text, text.contains("Machine: ") && text.contains("Threads: 1") && text.contains("real: 6 random 48x48 crops of 1 images")
			&& text.contains("macenko"));
		List<String> rows = Files.readAllLines(csv);
		assertEquals(3, rows.size());
		assertTrue(rows.get(1), rows.get(1).startsWith("reinhard,6,48,1,"));
	}

	@Test
	public void wholeJobRowReadsAndWritesEveryFileAndAddsItsRowsToTheCsv() throws Exception {
		Path csv = tmp.getRoot().toPath().resolve("io.csv"), images = tmp.newFolder("images").toPath();
		Files.copy(Path.of("test-images", "tissue1_A.png"), images.resolve("t.png"));
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int code = Main.run(new String[] { "benchmark", "--io", "--patches", "4", "--size", "40", "--methods", "reinhard", "--threads", "2",
			"--images", images.toString(), "--csv", csv.toString() }, new PrintStream(out, true, StandardCharsets.UTF_8),
			new PrintStream(err, true, StandardCharsets.UTF_8));
		String text = out.toString(StandardCharsets.UTF_8);
		assertEquals(err.toString(StandardCharsets.UTF_8), 0, code);
		assertTrue(text, text.contains("Whole job, 4 PNG files in and out") && text.contains("Load average (1 min)"));
		List<String> rows = Files.readAllLines(csv);
		String io = rows.stream().filter(r -> r.startsWith("reinhard,png,")).findFirst().orElseThrow(() -> new AssertionError(rows));
		String[] f = io.split(",");
		assertEquals("files", "4", f[2]);
		assertEquals("failed", "0", f[15]);
		assertTrue("output bytes " + f[14], Long.parseLong(f[14]) > 0);
		double shares = Double.parseDouble(f[9]) + Double.parseDouble(f[10]) + Double.parseDouble(f[11]) + Double.parseDouble(f[12]);
		assertEquals(1, shares, 1e-3);
	}

	@Test
	public void formatWithoutIoIsAUsageError() {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		assertEquals(Main.USAGE, Main.run(new String[] { "benchmark", "--format", "tif" }, new PrintStream(out, true, StandardCharsets.UTF_8),
			new PrintStream(err, true, StandardCharsets.UTF_8)));
	}

	@Test
	public void unknownMethodIsAClearError() {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int code = Main.run(new String[] { "benchmark", "--methods", "reinhard,nosuch" }, new PrintStream(out, true, StandardCharsets.UTF_8),
			new PrintStream(err, true, StandardCharsets.UTF_8));
		assertEquals(Main.USAGE, code);
		String e = err.toString(StandardCharsets.UTF_8);
		assertTrue(e, e.contains("nosuch") && e.contains("reinhard") && e.strip().lines().count() == 1);
	}
}
