package sc.fiji.stainnorm.fiji;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.ImagePlus;
import sc.fiji.stainnorm.cli.CliRun;
import sc.fiji.stainnorm.cli.Main;

/** The augmentation, stain-vector and profile commands through {@code --headless --run} and as Fiji commands. */
public class StainToolsHeadlessTest {
	@org.junit.ClassRule
	public static final CommandContext COMMANDS = new CommandContext();

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private String err = "";

	private int run(String label, String parameters) {
		CliRun r = CliRun.run("--headless", "--run", label, parameters);
		err = r.err();
		return r.code();
	}

	@Test
	public void augmentStain() throws IOException {
		Path in = tmp.newFolder("in").toPath();
		Files.copy(Path.of("test-images", "tissue1_B.png"), in.resolve("a.png"));
		Files.copy(Path.of("test-images", "tissue2_C.png"), in.resolve("b.png"));
		Path out = tmp.getRoot().toPath().resolve("out");
		String params = "input_folder='" + in + "',output_folder='" + out + "',method=hed,copies=2,sigma1=0.1,sigma2=0.05,seed=3";
		assertEquals(err, Main.OK, run(AugmentStainCommand.LABEL, params));
		assertEquals(List.of("a_aug01.png", "a_aug02.png", "augmentation.csv", "b_aug01.png", "b_aug02.png"), FijiCommandsTest.names(out));
		assertEquals("existing outputs are not overwritten", Main.FAILED, run(AugmentStainCommand.LABEL, params));
		assertTrue(err, err.contains("exists") && err.lines().count() == 1);
		assertEquals(err, Main.OK, run(AugmentStainCommand.LABEL, params + ",overwrite=true"));
		assertEquals(Main.FAILED, run(AugmentStainCommand.LABEL, "input_folder='" + in + "',output_folder='" + in + "'"));
		assertTrue(err, err.contains("is the folder of the input"));
		assertEquals(Main.USAGE, run(AugmentStainCommand.LABEL, "sigma_1=0.1"));
		// settings the command refuses before any work are usage errors too (core.InvalidSettingException: exit 2)
		assertEquals(err, Main.USAGE, run(AugmentStainCommand.LABEL, "input_folder='" + in + "',output_folder='" + out + "',sigma1=2"));
		assertEquals(err, Main.USAGE, run(AugmentStainCommand.LABEL, "input_folder='" + in + "',output_folder='" + out + "',copies=0"));
		assertEquals(err, Main.USAGE, run(AugmentStainCommand.LABEL, "input_folder='" + in + "'"));

		// the same variants as the command line gives
		Path cli = tmp.getRoot().toPath().resolve("cli");
		assertEquals(Main.OK, Main.run(new String[] { "augment", "--method", "hed", "--copies", "2", "--sigma1", "0.1", "--sigma2", "0.05",
			"--seed", "3", "--output", cli.toString(), in.toString() }, new PrintStream(new ByteArrayOutputStream()), System.err));
		assertEquals(Files.readString(cli.resolve("augmentation.csv")), Files.readString(out.resolve("augmentation.csv")));

		// on one file, in memory: a stack of the variants
		CommandRunner.Result r = COMMANDS.run(AugmentStainCommand.LABEL, Map.of("input_file", "test-images/tissue1_B.png", "copies", "3"));
		assertTrue(r.failure(), r.ok());
		ImagePlus stack = (ImagePlus) r.module().getOutput("augmented");
		assertEquals(3, stack.getStackSize());
		assertTrue(stack.getStack().getSliceLabel(1), stack.getStack().getSliceLabel(1).startsWith("aug01 alpha="));
	}

	@Test
	public void estimateStainVectors() throws IOException {
		Path csv = tmp.getRoot().toPath().resolve("v.csv"), plot = tmp.getRoot().toPath().resolve("od.png");
		String params = "input_file=test-images/tissue2_B.png,method=khan,csv_file='" + csv + "',plot_file='" + plot + "'";
		assertEquals(err, Main.OK, run(EstimateStainVectorsCommand.LABEL, params));
		assertTrue(Files.readString(csv).startsWith(sc.fiji.stainnorm.vectors.StainVectorEstimate.csvHeader() + "\ntissue2_B.png,khan,Hematoxylin,"));
		assertTrue(Files.size(plot) > 1000);
		assertEquals("existing outputs are not overwritten", Main.FAILED, run(EstimateStainVectorsCommand.LABEL, params));
		assertTrue(err, err.contains("exists") && err.lines().count() == 1);
		assertEquals(err, Main.OK, run(EstimateStainVectorsCommand.LABEL, params + ",overwrite=true"));
		assertEquals("a method that estimates no stain vectors is a usage error", Main.USAGE,
			run(EstimateStainVectorsCommand.LABEL, "input_file=test-images/tissue2_B.png,method=reinhard"));

		// on an open image, its ROI only: the estimate of the cropped pixels; the string works in the Fiji deconvolution command
		ImagePlus imp = sc.fiji.stainnorm.core.ImageFiles.toImagePlus(sc.fiji.stainnorm.core.ImageFiles.read(Path.of("test-images/tissue1_C.png")), "c.png");
		imp.setRoi(new ij.gui.Roi(10, 20, 120, 100));
		CommandRunner.Result r = COMMANDS.run(EstimateStainVectorsCommand.LABEL, Map.of("image", imp, "method", "vahadane"));
		assertTrue(r.failure(), r.ok());
		EstimateStainVectorsCommand c = (EstimateStainVectorsCommand) r.module().getDelegateObject();
		assertEquals("c.png (ROI)", c.results().getStringValue("Image", 0));
		sc.fiji.stainnorm.vectors.StainVectorEstimate crop = sc.fiji.stainnorm.vectors.StainVectorEstimate.of(
			sc.fiji.stainnorm.core.ImageFiles.read(Path.of("test-images/tissue1_C.png")).crop(10, 20, 120, 100), "vahadane");
		assertEquals(crop.tissuePixels(), (long) c.results().getValue("Tissue pixels", 0));
		String vectors = (String) r.module().getOutput("deconvolve_vectors");
		assertEquals(crop.deconvolveVectors(), vectors);
		ColourDeconvolutionCommand.parseVectors(vectors);
		assertTrue(((ImagePlus) r.module().getOutput("od_plot")).getWidth() > 600);
	}

	@Test
	public void stainProfilesAndRanking() throws IOException {
		Path in = tmp.newFolder("in").toPath();
		Files.copy(Path.of("test-images", "tissue1_C.png"), in.resolve("c.png"));
		Path profile = tmp.getRoot().toPath().resolve("t.stainprofile"), fitted = tmp.getRoot().toPath().resolve("fitted"),
			loaded = tmp.getRoot().toPath().resolve("loaded");
		assertEquals(err, Main.OK, run(NormalizeFolderCommand.LABEL, "input_folder='" + in + "',output_folder='" + fitted
			+ "',method=khan,reference_images=test-images/tissue1_A.png,save_profile='" + profile + "'"));
		assertTrue(Files.readString(profile).contains("method = khan"));
		assertEquals(err, Main.OK, run(NormalizeFolderCommand.LABEL, "input_folder='" + in + "',output_folder='" + loaded
			+ "',method=khan,reference_images='" + profile + "'"));
		assertTrue(java.util.Arrays.equals(Files.readAllBytes(fitted.resolve("c.png")), Files.readAllBytes(loaded.resolve("c.png"))));
		assertEquals(Main.FAILED, run(NormalizeImageCommand.LABEL, "input_file=test-images/tissue2_C.png,method=reinhard,reference_images='" + profile
			+ "',output_file='" + tmp.getRoot() + "/x.png'"));
		assertTrue(err, err.contains("made by khan") && err.lines().count() == 1);

		Path cands = tmp.newFolder("cands").toPath();
		for (String f : new String[] { "tissue1_B.png", "tissue2_B.png", "tissue1_A.png", "tissue2_A.png", "tissue1_C.png", "tissue2_C.png" })
			Files.copy(Path.of("test-images", f), cands.resolve(f));
		Path csv = tmp.getRoot().toPath().resolve("rank.csv");
		assertEquals(err, Main.OK, run(RankReferencesCommand.LABEL, "input_folder='" + cands + "',method=reinhard,csv_file='" + csv + "'"));
		assertEquals(7, Files.readAllLines(csv).size());
		assertEquals(Main.FAILED, run(RankReferencesCommand.LABEL, "input_folder='" + cands + "',method=reinhard,csv_file='" + csv + "'"));
		CommandRunner.Result r = COMMANDS.run(RankReferencesCommand.LABEL, Map.of("input_folder", cands.toString(), "method", "macenko"));
		assertTrue(r.failure(), r.ok());
		assertEquals(6, ((RankReferencesCommand) r.module().getDelegateObject()).results().size());
	}
}
