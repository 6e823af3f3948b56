package sc.fiji.stainnorm.cli;

import static sc.fiji.stainnorm.cli.CliRun.run;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.IJ;
import ij.ImagePlus;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.deconvolution.ColourDeconvolution;
import sc.fiji.stainnorm.deconvolution.StainVectors;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.TestImages;

public class DeconvolveCliTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();



	@Test
	public void writesConcentrationTiffsAndSingleStainPngs() throws Exception {
		RgbImage image = TestImages.render(1, StainStyle.B);
		Path in = tmp.getRoot().toPath().resolve("slide.png"), out = tmp.getRoot().toPath().resolve("out");
		ImageFiles.write(image, in);
		CliRun r = run("deconvolve", "--output", out.toString(), in.toString());
		assertEquals(r.err(), 0, r.code());
		float[][] expected = new ColourDeconvolution(StainVectors.H_E, 255).concentrations(image);
		String[] names = { "Hematoxylin", "Eosin", "Residual" };
		for (int s = 0; s < 3; s++) {
			ImagePlus tif = IJ.openImage(out.resolve("slide_" + names[s] + ".tif").toString());
			assertEquals(32, tif.getBitDepth());
			float[] got = (float[]) tif.getProcessor().getPixels();
			for (int i = 0; i < got.length; i++)
				assertEquals(Math.max(0, expected[s][i]), got[i], 1e-6);
			RgbImage png = ImageFiles.read(out.resolve("slide_" + names[s] + ".png"));
			assertEquals(image.width(), png.width());
		}
		// second run skips, --overwrite rewrites
		assertTrue(run("deconvolve", "--output", out.toString(), in.toString()).out().contains("skipped"));
		assertTrue(run("deconvolve", "--overwrite", "--output", out.toString(), in.toString()).out().contains("written"));
	}

	@Test
	public void userVectorsAndIo() throws Exception {
		Path in = tmp.getRoot().toPath().resolve("s.tif"), out = tmp.getRoot().toPath().resolve("o");
		ImageFiles.write(TestImages.render(2, StainStyle.A), in);
		CliRun r = run("deconvolve", "--output", out.toString(), "--vectors", "0.65,0.70,0.29; 0.07,0.99,0.11", "--io", "245", in.toString());
		assertEquals(r.err(), 0, r.code());
		assertTrue(Files.exists(out.resolve("s_Stain1.tif")) && Files.exists(out.resolve("s_Residual.png")));
		r = run("deconvolve", "--output", out.toString(), "--vectors", "hedab", in.toString());
		assertEquals(r.err(), 0, r.code());
		assertTrue(Files.exists(out.resolve("s_DAB.tif")));
	}

	@Test
	public void badInputGivesOneLineAndAnExitCode() throws Exception {
		Path out = tmp.getRoot().toPath().resolve("o");
		for (String[] args : new String[][] {
			{ "deconvolve", "--output", out.toString(), "--vectors", "1,2;3", "x.png" },
			{ "deconvolve", "--output", out.toString(), "--vectors", "1,-2,3;3,1,1", "x.png" },
			{ "deconvolve", "--output", out.toString(), "--io", "0", "x.png" },
			{ "deconvolve", "--output", out.toString() } }) {
			CliRun r = run(args);
			assertEquals(String.join(" ", args), Main.USAGE, r.code());
			assertEquals(r.err(), 1, r.err().strip().lines().count());
		}
		Path in = tmp.getRoot().toPath().resolve("a.png");
		ImageFiles.write(TestImages.render(1, StainStyle.A), in);
		CliRun parallel = run("deconvolve", "--output", out.toString(), "--vectors", "1,1,0;2,2,0", in.toString());
		assertEquals(Main.USAGE, parallel.code());
		assertTrue(parallel.err(), parallel.err().contains("parallel"));
		CliRun missing = run("deconvolve", "--output", out.toString(), tmp.getRoot().toPath().resolve("missing.png").toString());
		assertEquals(Main.FAILED, missing.code());
		assertTrue(missing.err(), missing.err().contains("not found"));
	}
}
