package sc.fiji.stainnorm.fiji;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.ImagePlus;
import sc.fiji.stainnorm.cli.Main;

/** The augmentation, stain-vector and profile commands through {@code --headless --run} and as Fiji commands. */
public class StainToolsHeadlessTest {
	@org.junit.ClassRule
	public static final CommandContext COMMANDS = new CommandContext();

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private String err = "";

	private int run(String label, String parameters) {
		ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
		int code = Main.run(new String[] { "--headless", "--run", label, parameters }, new PrintStream(o, true, StandardCharsets.UTF_8),
			new PrintStream(e, true, StandardCharsets.UTF_8));
		err = e.toString(StandardCharsets.UTF_8);
		return code;
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
		assertTrue(err, err.contains("holds the input"));
		assertEquals(Main.USAGE, run(AugmentStainCommand.LABEL, "sigma_1=0.1"));

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
}
