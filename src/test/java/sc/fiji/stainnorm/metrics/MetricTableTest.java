package sc.fiji.stainnorm.metrics;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.cli.Main;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.TestImages;

/** The pair table, folder matching, CSV output, the stain-separation columns and the command line. */
public class MetricTableTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private static final RgbImage A1 = TestImages.render(1, StainStyle.A), B1 = TestImages.render(1, StainStyle.B);
	private static final RgbImage A2 = TestImages.render(2, StainStyle.A), C2 = TestImages.render(2, StainStyle.C);

	@Test
	public void meanAndStdAreOverThePairs() {
		MetricTable t = Metrics.evaluate(List.of(ImagePair.ofImages("one", A1, B1), ImagePair.ofImages("two", A2, C2),
			ImagePair.ofImages("bad", A1, A1.crop(0, 0, 10, 10))), Convention.STANDARD, 2, Progress.NONE);
		assertEquals(1, t.failures().size());
		assertTrue(t.failures().get(0).error().contains("sizes differ"));
		int mse = t.columnIndex("MSE");
		double x = Metrics.byName("MSE", Convention.STANDARD).compute(A1, B1), y = Metrics.byName("MSE", Convention.STANDARD).compute(A2, C2);
		assertEquals(2, t.count(mse));
		assertEquals((x + y) / 2, t.mean(mse), 1e-9);
		assertEquals(Math.abs(x - y) / 2, t.std(mse), 1e-9);
		assertEquals(x, t.value(0, "MSE"), 0);
		assertEquals(List.of("SH", "SE", "SBg"), t.columns().subList(12, 15));
		assertTrue(t.toText(), t.toText().contains("MSE") && t.toText().contains("±") && t.toText().contains("1 failed"));
	}

	@Test
	public void stainSeparationSeesAStainChangeAndNotItsAbsence() {
		StainSeparation.Distances same = StainSeparation.compute(A1, A1);
		assertEquals(0, same.sh() + same.se() + same.sbg(), 0);
		StainSeparation.Distances changed = StainSeparation.compute(A1, B1);
		assertTrue(changed.toString(), changed.sh() > 0.02 && changed.se() > 0.02);
		int[] n = changed.pixels();
		assertEquals(A1.pixelCount(), n[0] + n[1] + n[2]);
		assertTrue("the synthetic tissue has nuclei, stroma and background", n[0] > 0 && n[1] > 0 && n[2] > 0);
	}

	@Test
	public void foldersAreMatchedByNameAndUnmatchedNamesListed() throws Exception {
		Path gt = tmp.newFolder("gt").toPath(), pred = tmp.newFolder("pred").toPath();
		ImageFiles.write(A1, gt.resolve("x.png"));
		ImageFiles.write(B1, pred.resolve("x.png"));
		ImageFiles.write(A2, gt.resolve("y.png"));
		ImageFiles.write(C2, pred.resolve("y.png"));
		assertEquals(List.of("x.png", "y.png"), ImagePair.matchFolders(gt, pred).stream().map(ImagePair::name).toList());
		ImageFiles.write(C2, pred.resolve("z.png"));
		try {
			ImagePair.matchFolders(gt, pred);
			fail();
		}
		catch (StainNormException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("z.png") && e.getMessage().contains("only in"));
		}
	}

	@Test
	public void commandLineWritesCsvAndRefusesToOverwriteIt() throws Exception {
		Path gt = tmp.newFolder("gt").toPath(), pred = tmp.newFolder("pred").toPath();
		ImageFiles.write(A1, gt.resolve("x.png"));
		ImageFiles.write(B1, pred.resolve("x.png"));
		ImageFiles.write(A2, gt.resolve("y.png"));
		ImageFiles.write(C2, pred.resolve("y.png"));
		Path csv = tmp.getRoot().toPath().resolve("scores.csv");
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		String[] args = { "metrics", "--convention", "paper", "--csv", csv.toString(), "--threads", "2", gt.toString(), pred.toString() };
		assertEquals(err.toString(), Main.OK, Main.run(args, new PrintStream(out), new PrintStream(err)));
		List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
		assertEquals("pair,SSIM,MS-SSIM,FSIM,FSIMc,SCC,PCC,MSE,RMSE,PSNR,ERGAS,RASE,UQI,SH,SE,SBg,error", lines.get(0));
		assertEquals(5, lines.size());
		assertTrue(lines.get(1).startsWith("x.png,"));
		double ssim = Double.parseDouble(lines.get(1).split(",")[1]);
		assertEquals(Metrics.byName("SSIM", Convention.PAPER).compute(A1, B1), ssim, 0);
		assertTrue(out.toString().contains("paper convention"));
		assertEquals(Main.FAILED, Main.run(args, new PrintStream(out), new PrintStream(err)));
		assertTrue(err.toString().contains("--overwrite"));
		assertEquals(Main.USAGE, Main.run(new String[] { "metrics", "--convention", "matlab", gt.toString(), pred.toString() },
			new PrintStream(out), new PrintStream(err)));
		assertEquals(Main.USAGE, Main.run(new String[] { "metrics", gt.resolve("x.png").toString(), pred.toString() }, new PrintStream(out),
			new PrintStream(err)));
	}

	@Test
	public void grayFilesAreRefusedWithAClearMessage() throws Exception {
		Path gray = tmp.getRoot().toPath().resolve("gray.tif");
		ij.IJ.saveAsTiff(new ij.ImagePlus("g", new ij.process.ByteProcessor(32, 32)), gray.toString());
		Path rgb = tmp.getRoot().toPath().resolve("rgb.png");
		ImageFiles.write(A1.crop(0, 0, 32, 32), rgb);
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		assertEquals(Main.FAILED, Main.run(new String[] { "metrics", rgb.toString(), gray.toString() }, new PrintStream(out), new PrintStream(err)));
		assertTrue(err.toString(), err.toString().toLowerCase().contains("gray") || err.toString().contains("8-bit"));
	}

	@Test
	public void correlationsOfASingleColourImageAreNotAvailableWithAWarning() throws Exception {
		RgbImage flat = RgbImage.create(A1.width(), A1.height());
		java.util.Arrays.fill(flat.pixels(), RgbImage.pack(200, 150, 180));
		for (Convention c : Convention.values())
			for (RgbImage[] pair : new RgbImage[][] { { A1, flat }, { flat, A1 }, { flat, flat } }) {
				List<String> problems = new java.util.ArrayList<>();
				double[] row = Metrics.computeRow(Metrics.of(c), pair[0], pair[1], problems);
				List<String> columns = MetricTable.columns(Metrics.of(c));
				for (String metric : List.of("PCC", "SCC", "UQI")) {
					assertTrue(metric + " " + c + " is n/a, not " + row[columns.indexOf(metric)], Double.isNaN(row[columns.indexOf(metric)]));
					assertTrue(metric + " " + c + ": " + problems, problems.stream().anyMatch(p -> p.startsWith(metric + ": " + metric + " is undefined")
						&& p.contains(pair[0] == flat ? "the ground truth is one single colour (200,150,180" : "the prediction is one single colour (200,150,180")));
				}
				assertEquals("MSE stays defined", Metrics.byName("MSE", c).compute(pair[0], pair[1]), row[columns.indexOf("MSE")], 0);
			}
		Path gt = tmp.getRoot().toPath().resolve("gt.png"), pred = tmp.getRoot().toPath().resolve("flat.png");
		ImageFiles.write(A1, gt);
		ImageFiles.write(flat, pred);
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		assertEquals(Main.OK, Main.run(new String[] { "metrics", gt.toString(), pred.toString() }, new PrintStream(out), new PrintStream(err)));
		String all = out.toString() + err;
		for (String metric : List.of("PCC", "SCC", "UQI")) {
			assertTrue(all, all.contains("WARNING: " + metric + ": " + metric + " is undefined"));
			assertTrue(all, all.lines().anyMatch(l -> l.trim().startsWith(metric + " ") && l.contains("n/a")));
		}
	}
}
