package sc.fiji.stainnorm.fiji;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.cli.CliRun;
import sc.fiji.stainnorm.cli.Main;
import sc.fiji.stainnorm.normalize.Methods;

/** {@code ./stainnorm --headless --run "<label>" "k=v,..."} for each command: same keys, honest exit codes. */
public class HeadlessRunTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private String err = "";

	private int run(String label, String parameters) {
		CliRun r = CliRun.run("--headless", "--run", label, parameters);
		err = r.err();
		return r.code();
	}

	@Test
	public void colourDeconvolution() throws IOException {
		Path out = tmp.getRoot().toPath().resolve("cd");
		String params = "input_file=test-images/tissue1_A.png,output_folder='" + out + "',vectors=[H&E DAB],outputs=colour";
		assertEquals(err, Main.OK, run(ColourDeconvolutionCommand.LABEL, params));
		assertEquals(List.of("tissue1_A_DAB.png", "tissue1_A_Eosin.png", "tissue1_A_Hematoxylin.png"), FijiCommandsTest.names(out));
		assertEquals("existing outputs are not overwritten", Main.FAILED, run(ColourDeconvolutionCommand.LABEL, params));
		assertTrue(err, err.contains("exists") && err.lines().count() == 1);
		assertEquals(err, Main.OK, run(ColourDeconvolutionCommand.LABEL, params + ",overwrite=true"));
		assertEquals(Main.FAILED, run(ColourDeconvolutionCommand.LABEL, "input_file=test-images/none.png"));
		assertTrue(err, err.contains("not found"));
		assertEquals("a typo in a key is a usage error", Main.USAGE, run(ColourDeconvolutionCommand.LABEL, "input_fille=x.png"));
		assertEquals(Main.USAGE, run("Colour Deconvolution (typo)", ""));
	}

	@Test
	public void normalizeFolder() throws IOException {
		Path in = tmp.newFolder("in").toPath();
		Files.copy(Path.of("test-images", "tissue1_B.png"), in.resolve("a.png"));
		Files.copy(Path.of("test-images", "tissue2_C.png"), in.resolve("b.png"));
		Path out = tmp.getRoot().toPath().resolve("out");
		assertEquals(Main.FAILED, run(NormalizeFolderCommand.LABEL, "input_folder=" + tmp.getRoot() + "/missing,output_folder=" + out + ",method=x"));
		assertTrue(err, err.contains("not found"));
		assertEquals(Main.USAGE, run(NormalizeFolderCommand.LABEL, "input_folder=" + in + ",output_folder=" + out + ",method=nosuch"));
		assertTrue(err, err.contains("Unknown method"));
		assertEquals("missing required parameters are not a silent success", Main.USAGE, run(NormalizeFolderCommand.LABEL, ""));
		assumeTrue("skipped: reinhard not registered yet", Methods.names().contains("reinhard"));
		String params = "input_folder=" + in + ",output_folder=" + out + ",method=reinhard,reference_images=test-images/tissue1_A.png";
		assertEquals(err, Main.OK, run(NormalizeFolderCommand.LABEL, params + ",shard=2/2"));
		assertEquals(List.of("b.png"), FijiCommandsTest.names(out));
		assertEquals(err, Main.OK, run(NormalizeFolderCommand.LABEL, params));
		assertEquals(List.of("a.png", "b.png"), FijiCommandsTest.names(out));
		assertFalse(err.contains("Exception"));
	}

	@Test
	public void normalizeImage() throws IOException {
		Path outFile = tmp.getRoot().toPath().resolve("n.tif");
		assertEquals(Main.USAGE, run(NormalizeImageCommand.LABEL, "input_file=test-images/tissue2_C.png,method=nosuch"));
		assertTrue(err, err.contains("Unknown method"));
		assumeTrue("skipped: reinhard not registered yet", Methods.names().contains("reinhard"));
		String params = "input_file=test-images/tissue2_C.png,method=reinhard,reference_images=test-images/tissue1_A.png,output_file=" + outFile;
		assertEquals(Main.USAGE, run(NormalizeImageCommand.LABEL, "input_file=test-images/tissue2_C.png,method=reinhard"));
		assertTrue(err, err.contains("needs a reference image"));
		// issue 11: without output_file and without a display the result would be seen nowhere: a usage error, nothing computed
		assertEquals(Main.USAGE, run(NormalizeImageCommand.LABEL, "input_file=test-images/tissue2_C.png,method=reinhard,reference_images=test-images/tissue1_A.png"));
		assertTrue(err, err.contains("No output_file given"));
		assertEquals(err, Main.OK, run(NormalizeImageCommand.LABEL, params));
		assertTrue(Files.size(outFile) > 0);
		assertEquals(Main.FAILED, run(NormalizeImageCommand.LABEL, params));
		assertEquals(err, Main.OK, run(NormalizeImageCommand.LABEL, params + ",overwrite=true"));
	}

	@Test
	public void compareMetrics() throws IOException {
		Path out = tmp.getRoot().toPath().resolve("m");
		String params = "ground_truth=test-images/tissue1_B.png,prediction=test-images/tissue1_C.png,output_folder=" + out;
		assertEquals(err, Main.OK, run(CompareCommand.LABEL, params + ",convention=paper"));
		assertEquals(List.of(CompareCommand.CSV, CompareCommand.PLOT), FijiCommandsTest.names(out));
		assertEquals("no overwriting unasked", Main.FAILED, run(CompareCommand.LABEL, params));
		assertTrue(err, err.contains("exists") && err.lines().count() == 1);
		assertEquals(Main.FAILED, run(CompareCommand.LABEL, "ground_truth=test-images/tissue1_B.png,prediction=test-images/none.png"));
		assertTrue(err, err.contains("not found"));
		assertEquals(Main.FAILED, run(CompareCommand.LABEL, ""));
		assertEquals(Main.USAGE, run(CompareCommand.LABEL, "groundtruth=a.png"));
	}

	@Test
	public void compareMethods() throws IOException {
		Path src = tmp.newFolder("src").toPath(), gt = tmp.newFolder("gt").toPath();
		Files.copy(Path.of("test-images", "tissue1_C.png"), src.resolve("a.png"));
		Files.copy(Path.of("test-images", "tissue1_B.png"), gt.resolve("a.png"));
		Path out = tmp.getRoot().toPath().resolve("cmp");
		String params = "source_folder=" + src + ",ground_truth_folder=" + gt + ",output_folder=" + out;
		assertEquals(Main.USAGE, run(CompareMethodsCommand.LABEL, params + ",methods=nosuch"));
		assertTrue(err, err.contains("Unknown method 'nosuch'"));
		assertEquals("missing required parameters are not a silent success", Main.USAGE, run(CompareMethodsCommand.LABEL, ""));
		assertEquals(Main.USAGE, run(CompareMethodsCommand.LABEL, params + ",method=reinhard"));
		assumeTrue("skipped: reinhard not registered yet", Methods.names().contains("reinhard"));
		params += ",methods=reinhard,reference_images=test-images/tissue2_B.png";
		assertEquals(err, Main.OK, run(CompareMethodsCommand.LABEL, params));
		assertEquals(List.of(CompareMethodsCommand.CSV, CompareMethodsCommand.MONTAGE, CompareMethodsCommand.PLOT, CompareMethodsCommand.SUMMARY),
			FijiCommandsTest.names(out));
		assertEquals(Main.FAILED, run(CompareMethodsCommand.LABEL, params));
		assertEquals(err, Main.OK, run(CompareMethodsCommand.LABEL, params + ",overwrite=true"));
	}

	@Test
	public void benchmark() throws IOException {
		assertEquals(Main.USAGE, run(BenchmarkCommand.LABEL, "patches=0"));
		assertTrue(err, err.contains("patches"));
		assertEquals(Main.USAGE, run(BenchmarkCommand.LABEL, "patch=3"));
		assumeTrue("skipped: reinhard not registered yet", Methods.names().contains("reinhard"));
		Path csv = tmp.getRoot().toPath().resolve("b.csv");
		assertEquals(err, Main.OK, run(BenchmarkCommand.LABEL, "patches=3,size=32,methods=reinhard,threads=1,csv_file=" + csv));
		assertEquals(2, Files.readAllLines(csv).size());
		assertEquals(Main.FAILED, run(BenchmarkCommand.LABEL, "patches=3,size=32,methods=reinhard,threads=1,csv_file=" + csv));
	}
}
