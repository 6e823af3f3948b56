package sc.fiji.stainnorm.cli;

import static sc.fiji.stainnorm.cli.CliRun.run;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;

public class AugmentCliTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();



	@Test
	public void writesNumberedVariantsAndTheirParameters() throws Exception {
		Path in = tmp.newFolder("in").toPath();
		Files.copy(Path.of("test-images/tissue1_B.png"), in.resolve("p.png"));
		int[] white = new int[64 * 64];
		java.util.Arrays.fill(white, 0xFFF4F4F4);
		ImageFiles.write(RgbImage.wrap(64, 64, white), in.resolve("glass.png"));
		Path out = tmp.getRoot().toPath().resolve("out");
		CliRun r = run("augment", "--method", "vahadane", "--copies", "3", "--sigma1", "0.2", "--sigma2", "0.1", "--seed", "9",
			"--output", out.toString(), in.toString());
		assertEquals(r.err(), 0, r.code());
		assertTrue(r.err(), r.err().contains("WARNING: glass.png: copied unchanged (no tissue"));
		List<String> names;
		try (var s = Files.list(out)) {
			names = s.map(p -> p.getFileName().toString()).sorted().toList();
		}
		assertEquals(List.of("augmentation.csv", "glass_aug01.png", "glass_aug02.png", "glass_aug03.png", "p_aug01.png", "p_aug02.png",
			"p_aug03.png"), names);
		assertTrue(ImageFiles.read(out.resolve("glass_aug02.png")).sameRgb(ImageFiles.read(in.resolve("glass.png"))));
		assertFalse(ImageFiles.read(out.resolve("p_aug01.png")).sameRgb(ImageFiles.read(out.resolve("p_aug02.png"))));
		List<String> csv = Files.readAllLines(out.resolve("augmentation.csv"));
		assertEquals(7, csv.size());
		assertTrue(csv.get(0).startsWith("input,copy,output,method,sigma1,sigma2,seed,alpha_1"));
		for (String line : csv.subList(1, 7)) {
			String[] f = line.split(",", -1);
			assertEquals(line, "vahadane", f[3]);
			double alpha = Double.parseDouble(f[7]), beta = Double.parseDouble(f[10]);
			assertTrue(line, alpha >= 0.8 && alpha <= 1.2 && Math.abs(beta) <= 0.1);
			assertEquals("the residual is not perturbed", "1.0", f[9]);
		}
		byte[] before = Files.readAllBytes(out.resolve("p_aug01.png"));
		assertTrue(csv.get(0), csv.get(0).contains(",beta_3,rotation_deg_1,rotation_deg_2,rotation_deg_3,axis_deg_1,axis_deg_2,axis_deg_3,clipped_values,"));

		Path turned = tmp.getRoot().toPath().resolve("turned");
		assertEquals(0, run("augment", "--method", "vahadane", "--copies", "3", "--sigma1", "0.2", "--sigma2", "0.1", "--seed", "9", "--rotation", "5",
			"--output", turned.toString(), in.toString()).code());
		for (String line : Files.readAllLines(turned.resolve("augmentation.csv")).subList(1, 7)) {
			String[] f = line.split(",", -1);
			assertTrue(line, Math.abs(Double.parseDouble(f[13])) <= 5 && Math.abs(Double.parseDouble(f[14])) <= 5 && f[15].equals("0.0"));
		}

		CliRun again = run("augment", "--method", "vahadane", "--copies", "3", "--seed", "9", "--output", out.toString(), in.toString());
		assertEquals("no overwriting unasked", Main.FAILED, again.code());
		assertTrue(again.err(), again.err().contains("exists") && again.err().lines().count() == 1);
		CliRun over = run("augment", "--method", "vahadane", "--copies", "3", "--sigma1", "0.2", "--sigma2", "0.1", "--seed", "9",
			"--overwrite", "--threads", "1", "--output", out.toString(), in.toString());
		assertEquals(over.err(), 0, over.code());
		assertArrayEquals("same seed, same file name: same bytes", before, Files.readAllBytes(out.resolve("p_aug01.png")));
	}

	@Test
	public void refusesBadCommandLinesAndTheInputFolder() throws Exception {
		Path in = tmp.newFolder("in").toPath();
		Files.copy(Path.of("test-images/tissue1_B.png"), in.resolve("p.png"));
		Path out = tmp.getRoot().toPath().resolve("out");
		assertEquals(Main.USAGE, run("augment", "--method", "nosuch", "--output", out.toString(), in.toString()).code());
		assertEquals(Main.USAGE, run("augment", "--copies", "0", "--output", out.toString(), in.toString()).code());
		assertEquals(Main.USAGE, run("augment", "--sigma1", "1.5", "--output", out.toString(), in.toString()).code());
		assertEquals(Main.USAGE, run("augment", "--rotation", "30", "--output", out.toString(), in.toString()).code());
		assertEquals(Main.USAGE, run("augment", "--seed", "x", "--output", out.toString(), in.toString()).code());
		assertEquals(Main.USAGE, run("augment", "--output", out.toString()).code());
		CliRun same = run("augment", "--output", in.toString(), in.toString());
		assertEquals(Main.FAILED, same.code());
		assertTrue(same.err(), same.err().contains("is the folder of the input"));
		Path link = Files.createSymbolicLink(tmp.getRoot().toPath().resolve("link-to-in"), in);
		CliRun linked = run("augment", "--output", link.toString(), in.resolve("p.png").toString());
		assertEquals(linked.err(), Main.FAILED, linked.code());
		assertTrue(linked.err(), linked.err().contains("is the folder of the input") && linked.err().contains(in.toRealPath().toString()));
		try (var s = Files.list(in)) {
			assertEquals("nothing was written through the link", 1, s.count());
		}
		assertFalse(Files.exists(out));

		// a damaged file does not stop the others; the run fails at the end, naming it
		Files.write(in.resolve("broken.png"), new byte[] { 1, 2, 3 });
		CliRun broken = run("augment", "--copies", "2", "--output", out.toString(), in.toString());
		assertEquals(Main.FAILED, broken.code());
		assertTrue(broken.err(), broken.err().contains("1 of 2 images failed, e.g. broken.png") && broken.err().lines().count() == 1);
		assertTrue(broken.out(), broken.out().contains("broken.png FAILED"));
		assertTrue(Files.exists(out.resolve("p_aug02.png")));
		assertEquals(3, Files.readAllLines(out.resolve("augmentation.csv")).size());
	}
}
