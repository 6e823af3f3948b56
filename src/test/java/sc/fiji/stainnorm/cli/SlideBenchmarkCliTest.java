package sc.fiji.stainnorm.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code ./stainnorm benchmark --slide} at a tiny size: every row is timed and lands in the CSV, the project's floor
 * twice (before and after the methods), each row with its ratio to the warm floor.
 */
public class SlideBenchmarkCliTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void slideRowsNextToTheIoFloor() throws Exception {
		Assume.assumeTrue("vips is not installed (Debian: apt-get install libvips-tools); skipping the slide benchmark",
			Files.isExecutable(Path.of("/usr/bin/vips")) || Files.isExecutable(Path.of("/usr/local/bin/vips")));
		Path csv = tmp.getRoot().toPath().resolve("slide.csv");
		CliRun r = CliRun.run("benchmark", "--slide", "--slide-size", "1", "--methods", "reinhard", "--threads", "2", "--csv", csv.toString());
		assertEquals(r.out() + r.err(), Main.OK, r.code());
		assertTrue(r.out(), r.out().contains("vips tiffsave (floor)") && r.out().contains("read + write (floor)"));
		assertTrue(r.out(), r.out().contains("Warm-up (untimed)") && r.out().contains("x floor CPU"));
		List<String> lines = Files.readAllLines(csv);
		assertEquals(lines.toString(), 5, lines.size());
		assertTrue(lines.get(3), lines.get(3).startsWith("reinhard,2,1.0,"));
		assertTrue(lines.get(4), lines.get(4).startsWith("\"read + write (floor, again)\",2,1.0,"));
		// the warm floor is the faster floor run: one of the two has the ratio 1, neither is under it
		List<String> header = List.of(lines.get(0).split(","));
		int wall = header.indexOf("wall_over_warm_floor"), cpu = header.indexOf("cpu_over_warm_floor");
		double first = Double.parseDouble(lines.get(2).split(",")[wall]), again = Double.parseDouble(lines.get(4).split(",")[wall + 1]);
		assertEquals(lines.toString(), 1.0, Math.min(first, again), 1e-9);
		double reinhard = Double.parseDouble(lines.get(3).split(",")[wall]), reinhardCpu = Double.parseDouble(lines.get(3).split(",")[cpu]);
		assertTrue(lines.get(3), reinhard > 0 && reinhardCpu > 0);
	}

	@Test
	public void slideOptionsAreCheckedFirst() {
		assertEquals(Main.USAGE, CliRun.run("benchmark", "--slide-size", "10").code());
		assertEquals(Main.USAGE, CliRun.run("benchmark", "--slide", "--slide-size", "0").code());
		assertEquals(Main.USAGE, CliRun.run("benchmark", "--slide", "--io").code());
		assertEquals(Main.USAGE, CliRun.run("benchmark", "--slide", "--methods", "nosuch").code());
	}
}
