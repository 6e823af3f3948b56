package sc.fiji.stainnorm.fiji;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static sc.fiji.stainnorm.fiji.FijiCommandsTest.assertFailure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.ImagePlus;
import sc.fiji.stainnorm.cli.Main;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.stst.StstModel;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/** Training STST from Fiji (a few steps of a tiny network), and STST in the normalize commands. */
public class TrainStstCommandTest {
	@ClassRule
	public static final CommandContext COMMANDS = new CommandContext();

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private static CommandRunner.Result run(String label, Map<String, ?> inputs) {
		return COMMANDS.run(label, inputs);
	}

	private Path images() throws IOException {
		Path images = tmp.newFolder("images").toPath();
		for (int s = 1; s <= 3; s++)
			ImageFiles.write(SyntheticTissue.generate(s, 80, 80).render(StainStyle.C, 1.0), images.resolve(s + ".png"));
		return images;
	}

	@Test
	public void trainsATinyModelThatTheNormalizeCommandsUse() throws IOException {
		Path images = images();
		Path model = tmp.getRoot().toPath().resolve("tiny.zip");
		Map<String, String> inputs = new HashMap<>(Map.of("images_folder", images.toString(), "output_model", model.toString(), "steps", "6",
			"width", "2", "patch_size", "64", "threads", "1", "validate_every", "3", "seed", "5", "description", "test run"));
		CommandRunner.Result r = run(TrainStstCommand.LABEL, inputs);
		assertTrue(r.failure(), r.ok());
		StstModel m = StstModel.read(model);
		assertEquals("2", m.metadata("ngf"));
		assertEquals(6, ((TrainStstCommand) r.module()).result().steps());
		ImagePlus losses = (ImagePlus) r.module().getOutput("losses");
		assertNotNull("the loss plot is an output", losses);
		assertNotNull("an ImageJ plot, so that it opens as a Plot window (issue 13)", losses.getProperty(ij.gui.Plot.PROPERTY_KEY));
		byte[] trained = Files.readAllBytes(model);
		assertFailure(run(TrainStstCommand.LABEL, inputs), "exists; set overwrite");
		assertArrayEquals(trained, Files.readAllBytes(model));

		// the trained model in the normalize command gives what the core gives
		Path out = tmp.getRoot().toPath().resolve("n.png");
		r = run(NormalizeImageCommand.LABEL, Map.of("input_file", "test-images/tissue1_A.png", "method", "stst", "model", model.toString(),
			"output_file", out.toString()));
		assertTrue(r.failure(), r.ok());
		var stst = Methods.create("stst", MethodOptions.none().with("model", model.toString()));
		stst.fit(java.util.List.of());
		RgbImage expected = stst.normalize(ImageFiles.read(Path.of("test-images", "tissue1_A.png"))).image();
		assertArrayEquals(expected.pixels(), ImageFiles.read(out).pixels());
	}

	/** Issue 15: collapsed steps (the loss CSV's health column) are a named series of the Plot window. */
	@Test
	public void theLossChartShowsTheCollapsedSteps() throws IOException {
		Path csv = tmp.getRoot().toPath().resolve("m.zip.losses.csv");
		StringBuilder sb = new StringBuilder("step,loss_d,loss_g_gan,loss_g_l1,val_l1,seconds,health\n");
		for (int step = 1; step <= 100; step++)
			sb.append(step).append(step > 60 ? ",0.01,5.7,0.05," : ",0.65,0.8,0.05,").append(step % 50 == 0 ? "0.04" : "").append(",1.0,")
				.append(step > 60 ? "discriminator" : "").append('\n');
		Files.writeString(csv, sb);
		ij.gui.Plot plot = (ij.gui.Plot) TrainStstCommand.lossChart(csv).getProperty(ij.gui.Plot.PROPERTY_KEY);
		String[] series = plot.getDataObjectDesignations();
		assertEquals(java.util.Arrays.toString(series), 5, series.length);
		assertTrue(series[4], series[4].contains("discriminator collapse (training health)"));
		float[][] xy = plot.getDataObjectArrays(4);
		assertEquals(0, xy[1][80], 0);
		assertTrue(Float.isNaN(xy[1][20]));
		// a CSV from before issue 15 (no health column) gives the four series
		Files.writeString(csv, "step,loss_d,loss_g_gan,loss_g_l1,val_l1,seconds\n1,0.7,0.7,0.3,0.2,1.0\n2,0.6,0.8,0.2,,2.0\n");
		assertEquals(4, ((ij.gui.Plot) TrainStstCommand.lossChart(csv).getProperty(ij.gui.Plot.PROPERTY_KEY)).getDataObjectDesignations().length);
	}

	@Test
	public void theNormalizeCommandsDefaultToTheBundledModel() throws IOException {
		Path out = tmp.getRoot().toPath().resolve("b.png");
		CommandRunner.Result r = run(NormalizeImageCommand.LABEL, Map.of("input_file", "test-images/tissue1_A.png", "method", "stst",
			"output_file", out.toString()));
		assertTrue(r.failure(), r.ok());
		var bundled = Methods.create("stst");
		bundled.fit(java.util.List.of());
		assertArrayEquals(bundled.normalize(ImageFiles.read(Path.of("test-images", "tissue1_A.png"))).image().pixels(), ImageFiles.read(out).pixels());
	}

	@Test
	public void badInputsGiveOneLineErrors() throws IOException {
		Path images = images();
		Path model = tmp.getRoot().toPath().resolve("m.zip");
		Map<String, String> good = Map.of("images_folder", images.toString(), "output_model", model.toString(), "steps", "2", "width", "2",
			"patch_size", "64", "threads", "1");
		assertFailure(run(TrainStstCommand.LABEL, with(good, "images_folder", images.resolve("none").toString())), "not found");
		assertFailure(run(TrainStstCommand.LABEL, with(good, "images_folder", images.resolve("1.png").toString())), "is a file");
		assertFailure(run(TrainStstCommand.LABEL, with(good, "output_model", images.toString())), "is a folder");
		assertFailure(run(TrainStstCommand.LABEL, with(good, "steps", "0")), "at least 1 step");
		assertFailure(run(TrainStstCommand.LABEL, with(good, "patch_size", "100")), "power of two");
		assertFailure(run(TrainStstCommand.LABEL, with(good, "validation_fraction", "1.5")), "Validation fraction");
		assertFailure(run(TrainStstCommand.LABEL, with(good, "resume", "true")), "checkpoint folder");
		assertFailure(run(TrainStstCommand.LABEL, with(good, "threads", "-1")), "threads=-1");
		assertFailure(run(TrainStstCommand.LABEL, with(good, "patch_size", "128")), "at least 128x128");
		assertFalse("failed runs write no model", Files.exists(model));
	}

	@Test
	public void headlessRunExitCodes() throws IOException {
		Path images = images();
		Path model = tmp.getRoot().toPath().resolve("h.zip");
		String params = "images_folder=" + images + ",output_model=" + model + ",steps=2,width=2,patch_size=64,threads=1";
		assertEquals(Main.OK, cli(params));
		assertTrue(Files.isRegularFile(model));
		assertEquals("no overwriting unasked", Main.FAILED, cli(params));
		assertEquals(Main.USAGE, cli(params + ",stepz=3"));
		assertEquals(Main.USAGE, cli(""));
	}

	private static int cli(String parameters) {
		ByteArrayOutputStream o = new ByteArrayOutputStream();
		return Main.run(new String[] { "--headless", "--run", TrainStstCommand.LABEL, parameters }, new PrintStream(o, true, StandardCharsets.UTF_8),
			new PrintStream(o, true, StandardCharsets.UTF_8));
	}

	private static Map<String, String> with(Map<String, String> base, String key, String value) {
		Map<String, String> m = new HashMap<>(base);
		m.put(key, value);
		return m;
	}
}
