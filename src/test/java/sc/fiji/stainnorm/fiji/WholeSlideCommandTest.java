package sc.fiji.stainnorm.fiji;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.cli.CliRun;
import sc.fiji.stainnorm.cli.Main;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.slide.PyramidTiffOptions;
import sc.fiji.stainnorm.slide.PyramidTiffWriter;
import sc.fiji.stainnorm.slide.WholeSlideJob;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticSlide;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * "Normalize Whole Slide" through the headless {@code --run} door (the same keys as in a macro), the batch macro over a
 * folder of slides in a patched ImageJ 1.x, and the SLURM script's {@code --slides} mode as a two-task array.
 */
public class WholeSlideCommandTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	/** A pyramidal TIFF slide of synthetic tissue (tissue inside a glass margin), written by the project's own writer. */
	static Path slide(Path dir, String name, int w, int h, StainStyle style) throws IOException {
		Path file = dir.resolve(name);
		PyramidTiffWriter.write(new SyntheticSlide(w, h, style, 256, 3), file,
			PyramidTiffOptions.defaults().withTileSize(256).withCompression(PyramidTiffOptions.Compression.DEFLATE), Progress.NONE);
		return file;
	}

	private Path reference() throws IOException {
		Path ref = tmp.getRoot().toPath().resolve("target.png");
		if (!Files.exists(ref)) ImageFiles.write(SyntheticTissue.generate(5, 300, 300).render(StainStyle.B, 1.0), ref);
		return ref;
	}

	@Test
	public void headlessRunWritesACompletePyramidAndKeepsIt() throws IOException {
		Path dir = tmp.newFolder("in").toPath();
		Path in = slide(dir, "s.tif", 1100, 800, StainStyle.A), out = tmp.getRoot().toPath().resolve("s-norm.tif");
		String params = "input_file='" + in + "',output_file='" + out + "',method=reinhard,reference_images='" + reference() + "',compression=deflate,threads=2";
		CliRun r = CliRun.run("--headless", "--run", NormalizeWholeSlideCommand.LABEL, params);
		assertEquals(r.out() + r.err(), Main.OK, r.code());
		assertNull(WholeSlideJob.incompleteReason(out, 1100, 800));
		long modified = Files.getLastModifiedTime(out).toMillis();
		r = CliRun.run("--headless", "--run", NormalizeWholeSlideCommand.LABEL, params);
		assertEquals(r.err(), Main.OK, r.code());
		assertEquals("a complete output is kept", modified, Files.getLastModifiedTime(out).toMillis());
		assertEquals("a method that needs a reference", Main.USAGE,
			CliRun.run("--headless", "--run", NormalizeWholeSlideCommand.LABEL, "input_file='" + in + "',output_file='" + out + "',method=macenko").code());
		CliRun png = CliRun.run("--headless", "--run", NormalizeWholeSlideCommand.LABEL, "input_file='" + in + "',output_file='" + dir.resolve("x.png")
			+ "',method=stst");
		assertEquals(png.err(), Main.USAGE, png.code());
		assertTrue(png.err(), png.err().contains("must be a file ending in .tif"));
		assertEquals("an unknown key", Main.USAGE, CliRun.run("--headless", "--run", NormalizeWholeSlideCommand.LABEL, params + ",qualty=80").code());
		CliRun missing = CliRun.run("--headless", "--run", NormalizeWholeSlideCommand.LABEL, "input_file='" + dir.resolve("none.svs") + "',output_file='"
			+ dir.resolve("none.tif") + "',method=stst");
		assertEquals(missing.err(), Main.FAILED, missing.code());
		assertTrue(missing.err(), missing.err().contains("none.svs"));
	}

	@Test
	public void batchMacroNormalizesItsShareOfAFolderOfSlides() throws IOException {
		Path in = tmp.newFolder("slides").toPath();
		slide(in, "a.tif", 600, 500, StainStyle.A);
		slide(in, "b.svs", 500, 600, StainStyle.C);
		Files.writeString(in.resolve("notes.txt"), "not a slide");
		Path out = tmp.getRoot().toPath().resolve("normalized");
		String text = Files.readString(Path.of("macros", "Batch_Normalize_Slides.ijm"));
		String err = MacrosTest.runMacro(text, "input=[" + in + "] output=[" + out + "] method=reinhard reference=[" + reference() + "] shard=2/2");
		assertEquals(err, List.of("b.tif"), names(out));
		err = MacrosTest.runMacro(text, "input=[" + in + "] output=[" + out + "] method=reinhard reference=[" + reference() + "] compression=deflate");
		assertEquals(err, List.of("a.tif", "b.tif"), names(out));
		assertFalse(err, err.contains("Exception") || err.contains("ERROR"));
		assertNull(WholeSlideJob.incompleteReason(out.resolve("a.tif"), 600, 500));
		Path other = tmp.getRoot().toPath().resolve("other");
		err = MacrosTest.runMacro(text, "input=[" + in + "] output=[" + other + "] method=reinhard reference=[" + reference() + "] shard=3/2");
		assertFalse("a bad shard runs nothing: " + err, Files.exists(other));
	}

	@Test
	public void slurmScriptSplitsSlidesOverTheArray() throws IOException, InterruptedException {
		assumeTrue("skipped: no bash", new File("/bin/bash").canExecute());
		Path in = tmp.newFolder("slides in").toPath();
		slide(in, "x.tif", 500, 400, StainStyle.A);
		slide(in, "y.tif", 400, 500, StainStyle.C);
		Path out = tmp.getRoot().toPath().resolve("out, [it's]");
		Path home = tmp.newFolder("home").toPath(), launcher = home.resolve("stainnorm");
		Files.writeString(launcher, "#!/bin/bash\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
			+ System.getProperty("java.class.path") + "' sc.fiji.stainnorm.cli.Main \"$@\"\n");
		assertTrue(launcher.toFile().setExecutable(true));
		for (int task = 1; task <= 2; task++) {
			List<String> command = new ArrayList<>(List.of("/bin/bash", Path.of("macros", "slurm_normalize_array.sh").toString(), "--slides", in.toString(),
				out.toString(), "reinhard", reference().toString()));
			ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
			pb.environment().put("SLURM_ARRAY_TASK_ID", String.valueOf(task));
			pb.environment().put("SLURM_ARRAY_TASK_COUNT", "2");
			pb.environment().put("STAINNORM_HOME", home.toString());
			pb.environment().put("STAINNORM_JAVA_OPTS", "-Xmx512m");
			Process p = pb.start();
			String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertTrue(output, p.waitFor(2, TimeUnit.MINUTES));
			assertEquals(output, 0, p.exitValue());
			assertTrue(output, output.contains("shard " + task + "/2 of the slides in " + in));
			assertEquals(output, task == 1 ? List.of("x.tif") : List.of("x.tif", "y.tif"), names(out));
		}
	}

	private static List<String> names(Path dir) throws IOException {
		if (!Files.isDirectory(dir)) return List.of();
		try (var s = Files.list(dir)) {
			return s.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
		}
	}
}
