package sc.fiji.stainnorm.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Test;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.stst.StstModel;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

public class TrainCliTest {

	private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
		return Main.run(args, new PrintStream(out), new PrintStream(err));
	}

	@Test
	public void trainsRefusesToOverwriteAndChecksItsOptions() throws Exception {
		Path dir = Files.createTempDirectory("stst-cli-");
		Path images = Files.createDirectories(dir.resolve("images"));
		for (int s = 1; s <= 3; s++) ImageFiles.write(SyntheticTissue.generate(s, 80, 80).render(StainStyle.C, 1.0), images.resolve(s + ".png"));
		Path model = dir.resolve("m.zip");
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		assertEquals(err.toString(), 0, run(out, err, "train", "--images", images.toString(), "--output", model.toString(), "--steps", "6",
			"--width", "2", "--patch", "64", "--threads", "1", "--validate-every", "3"));
		String log = out.toString(StandardCharsets.UTF_8);
		assertTrue(log, log.contains("[6/6]") && log.contains("ETA") && log.contains("val L1"));
		assertEquals("2", StstModel.read(model).metadata("ngf"));
		assertTrue(Files.exists(model.resolveSibling("m.zip.losses.csv")) && Files.exists(model.resolveSibling("m.zip.losses.png")));

		err.reset();
		assertEquals(1, run(out, err, "train", "--images", images.toString(), "--output", model.toString(), "--steps", "2"));
		assertTrue(err.toString(), err.toString().contains("exists already"));
		err.reset();
		assertEquals(2, run(out, err, "train", "--images", images.toString(), "--output", dir.resolve("x.zip").toString(), "--steps", "2", "--epochs", "1"));
		err.reset();
		assertEquals(2, run(out, err, "train", "--output", dir.resolve("x.zip").toString()));
		assertTrue(err.toString().contains("--images"));
		out.reset();
		assertEquals(0, run(out, err, "train", "--help"));
		assertTrue(out.toString().contains("--resume"));
	}
}
