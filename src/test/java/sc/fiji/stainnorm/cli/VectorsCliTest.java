package sc.fiji.stainnorm.cli;

import static sc.fiji.stainnorm.cli.CliRun.run;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.deconvolution.StainVectors;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.vectors.StainVectorEstimate;

public class VectorsCliTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();



	@Test
	public void printsVectorsThatDeconvolveAccepts() throws Exception {
		Path csv = tmp.getRoot().toPath().resolve("v.csv"), plot = tmp.getRoot().toPath().resolve("od.png");
		CliRun r = run("vectors", "--method", "vahadane", "--csv", csv.toString(), "--plot", plot.toString(), "test-images/tissue1_B.png",
			"test-images/tissue2_B.png");
		assertEquals(r.err(), 0, r.code());
		Matcher m = Pattern.compile("--vectors \"([^\"]+)\"").matcher(r.out());
		assertTrue(r.out(), m.find());
		String printed = m.group(1);
		// round trip through deconvolve's parser: the same unit vectors, the third the residual
		StainVectors parsed = DeconvolveCli.parseVectors(printed);
		StainVectorEstimate e = StainVectorEstimate.of(ImageFiles.read(Path.of("test-images/tissue1_B.png")), "vahadane");
		for (int s = 0; s < 2; s++)
			assertArrayEquals(e.vectors()[s], parsed.vector(s), 2e-4);
		// style B's true vectors, a few degrees off at most
		assertTrue(StainVectorEstimate.angle(parsed.vector(0), StainStyle.B.hematoxylin()) < 4);
		assertTrue(StainVectorEstimate.angle(parsed.vector(1), StainStyle.B.eosin()) < 5);
		assertTrue(r.out(), r.out().contains("run(\"Colour Deconvolution2\", \"vectors=[User values] "));
		assertTrue(r.out(), r.out().contains("glass        (R, G, B) = (232, 232, 232)"));
		CliRun d = run("deconvolve", "--vectors", printed, "--output", tmp.getRoot().toPath().resolve("d").toString(), "test-images/tissue1_B.png");
		assertEquals(d.err(), 0, d.code());

		List<String> rows = Files.readAllLines(csv);
		assertEquals(5, rows.size());
		assertEquals(StainVectorEstimate.csvHeader(), rows.get(0));
		assertTrue(rows.get(1), rows.get(1).startsWith("tissue1_B.png,vahadane,Hematoxylin,"));
		RgbImage png = ImageFiles.read(plot);
		assertTrue(png.width() > 600 && png.height() > 400);

		CliRun again = run("vectors", "--plot", plot.toString(), "test-images/tissue1_B.png");
		assertEquals("no overwriting unasked", Main.FAILED, again.code());
		assertTrue(again.err(), again.err().contains("exists"));
	}

	@Test
	public void aPlotOverAnInputIsRefusedEvenWithOverwrite() throws Exception {
		Path slide = Files.copy(Path.of("test-images/tissue1_B.png"), tmp.getRoot().toPath().resolve("slide.png"));
		byte[] before = Files.readAllBytes(slide);
		Path link = Files.createSymbolicLink(tmp.getRoot().toPath().resolve("link.png"), slide);
		CliRun r = run("vectors", "--overwrite", "--plot", link.toString(), slide.toString());
		assertEquals(r.err(), Main.FAILED, r.code());
		assertTrue(r.err(), r.err().contains("is the input"));
		assertArrayEquals("the input is untouched", before, Files.readAllBytes(slide));
	}

	@Test
	public void reportsImagesWithoutStainsAndBadOptions() throws Exception {
		int[] white = new int[64 * 64];
		Arrays.fill(white, 0xFFF8F8F8);
		Path glass = tmp.getRoot().toPath().resolve("glass.png");
		ImageFiles.write(RgbImage.wrap(64, 64, white), glass);
		CliRun r = run("vectors", "test-images/tissue1_A.png", glass.toString());
		assertEquals(Main.FAILED, r.code());
		assertTrue(r.err(), r.err().contains("ERROR: ") && r.err().contains("glass.png: no tissue") && r.out().contains("tissue1_A.png (macenko):"));
		assertEquals(Main.USAGE, run("vectors", "--method", "reinhard", "test-images/tissue1_A.png").code());
		assertEquals(Main.USAGE, run("vectors").code());
		assertEquals(Main.USAGE, run("vectors", "--plot", "x.txt", "test-images/tissue1_A.png").code());
		assertFalse(Files.exists(Path.of("x.txt")));
	}
}
