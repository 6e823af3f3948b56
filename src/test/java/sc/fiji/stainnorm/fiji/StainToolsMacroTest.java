package sc.fiji.stainnorm.fiji;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The stain-vector, profile and ranking commands from an ImageJ 1.x macro (truly headless, patched ImageJ 1.x that
 * finds them through plugins.config), with the same keys as in Fiji and {@code --headless --run}.
 */
public class StainToolsMacroTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void vectorsProfilesAndRankingFromAMacro() throws Exception {
		Path root = tmp.getRoot().toPath(), in = tmp.newFolder("in").toPath(), cands = tmp.newFolder("cands").toPath();
		Files.copy(Path.of("test-images", "tissue1_C.png"), in.resolve("c.png"));
		for (String f : new String[] { "tissue1_A.png", "tissue2_A.png", "tissue1_B.png", "tissue2_B.png" })
			Files.copy(Path.of("test-images", f), cands.resolve(f));
		String ref = Path.of("test-images", "tissue1_A.png").toAbsolutePath().toString();
		String macro = "run(\"Estimate Stain Vectors\", \"input_file=[" + Path.of("test-images/tissue1_B.png").toAbsolutePath() + "] method=vahadane csv_file=["
			+ root.resolve("v.csv") + "] plot_file=[" + root.resolve("od.png") + "]\");\n"
			+ "run(\"Normalize Stain (Folder)\", \"input_folder=[" + in + "] output_folder=[" + root.resolve("fitted") + "] method=macenko reference_images=["
			+ ref + "] save_profile=[" + root.resolve("t.stainprofile") + "]\");\n"
			+ "run(\"Normalize Stain (Folder)\", \"input_folder=[" + in + "] output_folder=[" + root.resolve("loaded") + "] method=macenko reference_images=["
			+ root.resolve("t.stainprofile") + "]\");\n"
			+ "run(\"Rank Reference Images\", \"input_folder=[" + cands + "] method=reinhard csv_file=[" + root.resolve("rank.csv") + "]\");\n";
		String err = MacrosTest.runMacro(macro, "");
		assertFalse(err, err.contains("Exception") || err.contains("ERROR"));
		assertTrue(err, Files.readString(root.resolve("v.csv")).contains("tissue1_B.png,vahadane,Hematoxylin,"));
		assertTrue(err, Files.size(root.resolve("od.png")) > 1000);
		assertTrue(err, Files.readString(root.resolve("t.stainprofile")).contains("method = macenko"));
		assertArrayEquals(Files.readAllBytes(root.resolve("fitted/c.png")), Files.readAllBytes(root.resolve("loaded/c.png")));
		assertEquals(5, Files.readAllLines(root.resolve("rank.csv")).size());
	}
}
