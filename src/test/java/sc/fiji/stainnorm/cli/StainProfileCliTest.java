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
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.TestImages;

public class StainProfileCliTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();



	@Test
	public void aSavedProfileReplacesTheReferenceImages() throws Exception {
		Path in = tmp.newFolder("in").toPath();
		Files.copy(Path.of("test-images/tissue1_C.png"), in.resolve("c.png"));
		Files.copy(Path.of("test-images/tissue2_B.png"), in.resolve("b.png"));
		Path profile = tmp.getRoot().toPath().resolve("target.stainprofile");
		for (String method : List.of("reinhard", "macenko", "khan", "vahadane")) {
			Path fittedOut = tmp.getRoot().toPath().resolve(method + "-fitted"), loadedOut = tmp.getRoot().toPath().resolve(method + "-loaded");
			CliRun fit = run("normalize", "--method", method, "--reference", "test-images/tissue1_A.png", "--reference", "test-images/tissue2_A.png",
				"--save-profile", profile.toString(), "--overwrite", "--output", fittedOut.toString(), in.toString());
			assertEquals(fit.err(), 0, fit.code());
			assertTrue(fit.out(), fit.out().contains("stain profile -> " + profile));
			CliRun load = run("normalize", "--method", method, "--reference", profile.toString(), "--output", loadedOut.toString(), in.toString());
			assertEquals(load.err(), 0, load.code());
			for (String f : List.of("b.png", "c.png"))
				assertArrayEquals(method + " " + f, Files.readAllBytes(fittedOut.resolve(f)), Files.readAllBytes(loadedOut.resolve(f)));
		}
		// the last one saved is Vahadane's: another method is refused with one line naming the file
		CliRun wrong = run("normalize", "--method", "macenko", "--reference", profile.toString(), "--output", tmp.getRoot() + "/w", in.toString());
		assertEquals(Main.FAILED, wrong.code());
		assertTrue(wrong.err(), wrong.err().contains(profile.toString()) && wrong.err().contains("made by vahadane") && wrong.err().lines().count() == 1);
		// save only: no inputs, no output; an existing profile is not overwritten unasked
		CliRun only = run("normalize", "--method", "macenko", "--reference", "test-images/tissue1_A.png", "--save-profile", profile.toString());
		assertEquals(Main.FAILED, only.code());
		assertTrue(only.err(), only.err().contains("exists"));
		Path second = tmp.getRoot().toPath().resolve("m.stainprofile");
		assertEquals(0, run("normalize", "--method", "macenko", "--reference", "test-images/tissue1_A.png", "--save-profile", second.toString()).code());
		assertTrue(Files.readString(second).contains("method = macenko"));
		assertEquals(Main.USAGE, run("normalize", "--method", "macenko", "--reference", "test-images/tissue1_A.png", "--save-profile", "x.txt").code());
		assertEquals(Main.USAGE, run("normalize", "--method", "stst", "--save-profile", tmp.getRoot() + "/s.stainprofile").code());
		assertFalse(Files.exists(Path.of("x.txt")));
		CliRun bad = run("normalize", "--method", "macenko", "--reference", Files.writeString(tmp.getRoot().toPath().resolve("bad.stainprofile"),
			"hello").toString(), "--output", tmp.getRoot() + "/x", in.toString());
		assertEquals(Main.FAILED, bad.code());
		assertTrue(bad.err(), bad.err().contains("bad.stainprofile is not a stain profile"));
	}

	@Test
	public void rankReferencesPrintsTheMostTypicalFirst() throws Exception {
		Path dir = tmp.newFolder("c").toPath();
		for (long seed = 1; seed <= 4; seed++)
			ImageFiles.write(TestImages.render(seed, StainStyle.B), dir.resolve("b" + seed + ".png"));
		ImageFiles.write(TestImages.render(5, StainStyle.C), dir.resolve("z_odd.png"));
		Path csv = tmp.getRoot().toPath().resolve("rank.csv");
		CliRun r = run("rank-references", "--method", "vahadane", "--csv", csv.toString(), dir.toString());
		assertEquals(r.err(), 0, r.code());
		List<String> lines = r.out().lines().toList();
		assertTrue(r.out(), lines.get(5).matches("\\s+5\\s+\\S+\\s+.*z_odd.png"));
		assertTrue(r.out(), lines.get(6).startsWith("most typical: ") && !lines.get(6).contains("z_odd"));
		List<String> rows = Files.readAllLines(csv);
		assertEquals(6, rows.size());
		assertTrue(rows.get(5), rows.get(5).startsWith("5,") && rows.get(5).contains("z_odd.png"));
		assertEquals(Main.USAGE, run("rank-references", "--method", "stst", dir.toString()).code());
		assertEquals(Main.FAILED, run("rank-references", dir.resolve("b1.png").toString(), dir.resolve("b2.png").toString()).code());
	}
}
