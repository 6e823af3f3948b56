package sc.fiji.stainnorm.fiji;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;
import static sc.fiji.stainnorm.fiji.FijiCommandsTest.assertFailure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import sc.fiji.stainnorm.compare.MethodComparison;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.metrics.Convention;
import sc.fiji.stainnorm.metrics.Metrics;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.TestImages;

/** The two compare commands with inputs given as a map: numbers, files written, and bad inputs. */
public class CompareCommandsTest {
	@ClassRule
	public static final CommandContext COMMANDS = new CommandContext();

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	static CommandRunner.Result run(String label, Map<String, ?> inputs) {
		return COMMANDS.run(label, inputs);
	}

	/** MSE written out plainly: squared channel differences over 3 * pixels. */
	private static double mse(RgbImage a, RgbImage b) {
		double s = 0;
		for (int i = 0; i < a.pixels().length; i++)
			for (int shift = 0; shift <= 16; shift += 8) {
				double d = (a.pixels()[i] >> shift & 0xff) - (b.pixels()[i] >> shift & 0xff);
				s += d * d;
			}
		return s / (3.0 * a.pixels().length);
	}

	@Test
	public void metricsOfTwoFilesGoIntoTheTableTheCsvAndThePlot() throws IOException {
		Path gt = Path.of("test-images", "tissue1_B.png"), pred = Path.of("test-images", "tissue1_A.png");
		Path out = tmp.getRoot().toPath().resolve("m");
		CommandRunner.Result r = run(CompareCommand.LABEL, Map.of("ground_truth", gt.toString(), "prediction", pred.toString(),
			"output_folder", out.toString(), "convention", "paper"));
		assertTrue(r.failure(), r.ok());
		ResultsTable rt = ((CompareCommand) r.module()).results();
		assertEquals("the pair alone: mean and std are in the summary table", 1, rt.size());
		ResultsTable summary = ((CompareCommand) r.module()).summary();
		assertEquals("tissue1_A.png", rt.getLabel(0));
		RgbImage a = ImageFiles.read(gt), b = ImageFiles.read(pred);
		assertEquals(mse(a, b), rt.getValue("MSE", 0), 1e-9 * mse(a, b));
		assertEquals(10 * Math.log10(255.0 * 255 / mse(a, b)), rt.getValue("PSNR", 0), 1e-9);
		assertEquals(Metrics.byName("SSIM", Convention.PAPER).compute(a, b), rt.getValue("SSIM", 0), 0);
		assertEquals("mean", summary.getLabel(0));
		assertEquals("std", summary.getLabel(1));
		assertEquals("std of one value", 0, summary.getValue("MSE", 1), 0);
		List<String> csv = Files.readAllLines(out.resolve(CompareCommand.CSV));
		assertEquals(4, csv.size());
		assertTrue(csv.get(0), csv.get(0).startsWith("pair,SSIM,MS-SSIM,"));
		assertTrue(csv.get(1), csv.get(1).startsWith("tissue1_A.png," + rt.getValue("SSIM", 0) + ","));
		ImagePlus plot = (ImagePlus) r.module().getOutput("plot");
		ImagePlus saved = ij.IJ.openImage(out.resolve(CompareCommand.PLOT).toString());
		assertEquals(plot.getWidth(), saved.getWidth());
		assertTrue("the plot was drawn: " + saved.getWidth() + "x" + saved.getHeight(), saved.getWidth() >= 500 && saved.getHeight() >= 250);
		assertTrue("not blank", new ij.process.ColorProcessor(saved.getImage()).getStats().stdDev > 10);

		assertFailure(run(CompareCommand.LABEL, Map.of("ground_truth", gt.toString(), "prediction", pred.toString(), "output_folder",
			out.toString())), "exists; set overwrite");
		assertTrue(run(CompareCommand.LABEL, Map.of("ground_truth", gt.toString(), "prediction", gt.toString(), "output_folder", out.toString(),
			"overwrite", "true")).ok());
		assertTrue("identical images: MSE 0 in the rewritten CSV", Files.readAllLines(out.resolve(CompareCommand.CSV)).get(1)
			.contains(",1.0,") && Files.readAllLines(out.resolve(CompareCommand.CSV)).get(1).contains(",0.0,"));
	}

	@Test
	public void metricsOfTwoFoldersAndOfOpenImages() throws IOException {
		Path gt = tmp.newFolder("gt").toPath(), pred = tmp.newFolder("pred").toPath();
		Files.copy(Path.of("test-images", "tissue1_B.png"), gt.resolve("x.png"));
		Files.copy(Path.of("test-images", "tissue2_B.png"), gt.resolve("y.png"));
		Files.copy(Path.of("test-images", "tissue1_C.png"), pred.resolve("x.png"));
		Files.copy(Path.of("test-images", "tissue2_B.png"), pred.resolve("y.png"));
		CommandRunner.Result r = run(CompareCommand.LABEL, Map.of("ground_truth", gt.toString(), "prediction", pred.toString(), "threads", "2"));
		assertTrue(r.failure(), r.ok());
		ResultsTable rt = ((CompareCommand) r.module()).results();
		assertEquals("one row per pair, nothing else (a macro looping over nResults sees pairs only)", 2, rt.size());
		ResultsTable summary = ((CompareCommand) r.module()).summary();
		double msex = mse(ImageFiles.read(gt.resolve("x.png")), ImageFiles.read(pred.resolve("x.png")));
		assertEquals(msex, rt.getValue("MSE", 0), 1e-9 * msex);
		assertEquals(0, rt.getValue("MSE", 1), 0);
		assertEquals("mean", summary.getLabel(0));
		assertEquals(msex / 2, summary.getValue("MSE", 0), 1e-9 * msex);
		assertEquals("population std of {m, 0}", msex / 2, summary.getValue("MSE", 1), 1e-9 * msex);
		assertEquals(2, summary.getValue("Pairs", 0), 0);

		boolean batch = ij.macro.Interpreter.batchMode;
		ImagePlus truth = ImageFiles.toImagePlus(TestImages.render(2, StainStyle.B), "truth");
		ImagePlus guess = ImageFiles.toImagePlus(TestImages.render(2, StainStyle.C), "guess");
		try {
			ij.macro.Interpreter.batchMode = true; // images without windows, registered with the WindowManager
			truth.show();
			guess.show();
			r = run(CompareCommand.LABEL, Map.of("ground_truth_image", "truth", "prediction_image", "guess"));
			assertTrue(r.failure(), r.ok());
			rt = ((CompareCommand) r.module()).results();
			assertEquals("guess", rt.getLabel(0));
			assertEquals(mse(ImageFiles.fromImagePlus(truth), ImageFiles.fromImagePlus(guess)), rt.getValue("MSE", 0), 1e-6);
			assertFailure(run(CompareCommand.LABEL, Map.of("ground_truth_image", "truth")), "Give both");
			assertFailure(run(CompareCommand.LABEL, Map.of("ground_truth_image", "truth", "prediction_image", "nope")), "no open image titled");
		}
		finally {
			truth.close();
			guess.close();
			ij.macro.Interpreter.batchMode = batch;
		}
	}

	@Test
	public void metricsBadInputsGiveOneLineErrorsAndWriteNothing() throws IOException {
		Path out = tmp.getRoot().toPath().resolve("never");
		Path gtDir = tmp.newFolder("gt").toPath(), predDir = tmp.newFolder("pred").toPath();
		Files.copy(Path.of("test-images", "tissue1_B.png"), gtDir.resolve("x.png"));
		Files.copy(Path.of("test-images", "tissue1_C.png"), predDir.resolve("z.png"));
		Path small = tmp.getRoot().toPath().resolve("small.png");
		ImageFiles.write(ImageFiles.read(Path.of("test-images", "tissue1_A.png")).crop(0, 0, 64, 64), small);
		Path gray = tmp.getRoot().toPath().resolve("gray.png");
		assertTrue(new ij.io.FileSaver(new ImagePlus("g", new ij.process.ByteProcessor(32, 32))).saveAsPng(gray.toString()));
		String a = "test-images/tissue1_A.png", b = "test-images/tissue1_B.png";
		assertFailure(run(CompareCommand.LABEL, Map.of()), "Give ground_truth and prediction");
		assertFailure(run(CompareCommand.LABEL, Map.of("ground_truth", a)), "Give ground_truth and prediction");
		assertFailure(run(CompareCommand.LABEL, Map.of("ground_truth", a, "prediction", "test-images/none.png")), "not found");
		assertFailure(run(CompareCommand.LABEL, Map.of("ground_truth", gtDir.toString(), "prediction", a)), "both be files or both be folders");
		assertFailure(run(CompareCommand.LABEL, Map.of("ground_truth", gtDir.toString(), "prediction", predDir.toString())), "only in");
		assertFailure(run(CompareCommand.LABEL, Map.of("ground_truth", a, "prediction", small.toString(), "output_folder", out.toString())),
			"Image sizes differ");
		assertFailure(run(CompareCommand.LABEL, Map.of("ground_truth", gray.toString(), "prediction", gray.toString())), "8-bit");
		assertFailure(run(CompareCommand.LABEL, Map.of("ground_truth", a, "prediction", b, "convention", "sewar")), "accepted: standard, paper");
		assertFailure(run(CompareCommand.LABEL, Map.of("ground_truth", a, "prediction", b, "threads", "-1")), "threads=-1");
		assertFailure(run(CompareCommand.LABEL, Map.of("ground_truth", a, "prediction", b, "output_folder", a)), "is a file");
		assertFailure(run(CompareCommand.LABEL, Map.of("ground_truth", a, "prediction", b, "ground_truth_image", "t", "prediction_image", "p")),
			"not both");
		assertFailure(run(CompareCommand.LABEL, Map.of("groundtruth", a)), "no parameter 'groundtruth'");
		assertFalse("failed runs write nothing", Files.exists(out));
	}

	/** Sources in style A, ground truth the same tissue in style B, the reference another tissue in style B. */
	private Path[] pairFolders() throws IOException {
		Path src = tmp.newFolder("src").toPath(), gt = tmp.newFolder("gt").toPath();
		for (long tissue : new long[] { 1, 2 }) {
			Files.copy(Path.of("test-images", TestImages.fileName(tissue, StainStyle.A)), src.resolve("t" + tissue + ".png"));
			Files.copy(Path.of("test-images", TestImages.fileName(tissue, StainStyle.B)), gt.resolve("t" + tissue + ".png"));
		}
		Path ref = tmp.getRoot().toPath().resolve("reference_B.png");
		ImageFiles.write(TestImages.render(3, StainStyle.B), ref);
		return new Path[] { src, gt, ref };
	}

	@Test
	public void compareMethodsMeasuresEveryMethodAgainstTheGroundTruth() throws IOException {
		List<String> classical = Methods.names().stream().filter(m -> Methods.create(m).needsReference()).toList();
		assumeTrue("skipped: no classical method registered", !classical.isEmpty());
		Path[] f = pairFolders();
		Path out = tmp.getRoot().toPath().resolve("cmp");
		Map<String, String> inputs = new HashMap<>(Map.of("source_folder", f[0].toString(), "ground_truth_folder", f[1].toString(),
			"reference_images", f[2].toString(), "methods", String.join(",", classical), "output_folder", out.toString(), "save_images", "true",
			"plot_metric", "psnr", "threads", "2"));
		CommandRunner.Result r = run(CompareMethodsCommand.LABEL, inputs);
		assertTrue(r.failure(), r.ok());
		CompareMethodsCommand cmd = (CompareMethodsCommand) r.module();
		MethodComparison.Result result = cmd.comparison();
		assertEquals(MethodComparison.UNNORMALIZED, result.methods().get(0));
		assertEquals(classical, result.methods().subList(1, result.methods().size()));
		assertEquals(2 * result.methods().size(), cmd.results().size());
		assertEquals(result.methods().size(), cmd.summary().size());
		assertTrue(result.failures().toString(), result.failures().isEmpty());

		RgbImage ref = ImageFiles.read(f[2]);
		int psnr = result.columnIndex("PSNR");
		for (String method : classical) {
			// the same output and numbers as normalizing and measuring by hand
			StainNormalizer n = Methods.create(method);
			n.fit(List.of(ref));
			RgbImage expected = n.normalize(ImageFiles.read(f[0].resolve("t1.png"))).image();
			RgbImage saved = ImageFiles.read(out.resolve(method).resolve("t1.png"));
			assertArrayEquals(method, expected.pixels(), saved.pixels());
			double hand = 10 * Math.log10(255.0 * 255 / mse(ImageFiles.read(f[1].resolve("t1.png")), expected));
			assertEquals(method, hand, result.rows(method).get(0).values()[psnr], 1e-9);
		}
		if (classical.contains("reinhard")) assertTrue("reinhard brings style A closer to style B than doing nothing (PSNR)",
			result.mean("reinhard", psnr) > result.mean(MethodComparison.UNNORMALIZED, psnr) + 3);
		List<String> csv = Files.readAllLines(out.resolve(CompareMethodsCommand.CSV));
		assertEquals(1 + 2 * result.methods().size(), csv.size());
		assertTrue(csv.get(1), csv.get(1).startsWith("unnormalized,t1.png,"));
		List<String> summary = Files.readAllLines(out.resolve(CompareMethodsCommand.SUMMARY));
		assertTrue(summary.get(0), summary.get(0).startsWith("method,pairs,failed,SSIM mean,SSIM std,"));
		assertTrue(summary.get(1), summary.get(1).startsWith("unnormalized,2,0,"));

		ImagePlus montage = ij.IJ.openImage(out.resolve(CompareMethodsCommand.MONTAGE).toString());
		int columns = result.methods().size() + 1; // source, each method, ground truth
		assertEquals("cells of 256 pixels and gaps of 4", columns * 256 + (columns + 1) * 4, montage.getWidth());
		int[] cell = new int[256 * 256];
		for (int y = 0; y < 256; y++)
			for (int x = 0; x < 256; x++)
				cell[y * 256 + x] = montage.getProcessor().getPixel(4 + x, 44 + y) & 0xffffff;
		assertArrayEquals("the first cell is the first source", java.util.Arrays.stream(ImageFiles.read(f[0].resolve("t1.png")).pixels()).map(p -> p & 0xffffff).toArray(), cell);
		assertNotNull(ij.IJ.openImage(out.resolve(CompareMethodsCommand.PLOT).toString()));

		assertFailure(run(CompareMethodsCommand.LABEL, inputs), "exists; set overwrite");
		inputs.put("overwrite", "true");
		inputs.put("montage_rows", "0");
		inputs.put("save_images", "false");
		inputs.put("methods", classical.get(0));
		r = run(CompareMethodsCommand.LABEL, inputs);
		assertTrue(r.failure(), r.ok());
		assertNull("no montage asked for", r.module().getOutput("montage"));
		assertEquals(1 + 2 * 2, Files.readAllLines(out.resolve(CompareMethodsCommand.CSV)).size());
	}

	@Test
	public void compareMethodsBadInputs() throws IOException {
		Path[] f = pairFolders();
		Path out = tmp.getRoot().toPath().resolve("never");
		Map<String, String> good = Map.of("source_folder", f[0].toString(), "ground_truth_folder", f[1].toString(), "reference_images",
			f[2].toString(), "output_folder", out.toString());
		assertFailure(run(CompareMethodsCommand.LABEL, with(good, "methods", "reinhard,nosuch")), "Unknown method 'nosuch'");
		assertFailure(run(CompareMethodsCommand.LABEL, with(good, "methods", " , ")), "lists no method");
		assertFailure(run(CompareMethodsCommand.LABEL, with(good, "plot_metric", "accuracy")), "No metric 'accuracy'");
		assertFailure(run(CompareMethodsCommand.LABEL, with(good, "convention", "matlab")), "accepted: standard, paper");
		assertFailure(run(CompareMethodsCommand.LABEL, with(good, "montage_rows", "-2")), "montage_rows=-2");
		assertFailure(run(CompareMethodsCommand.LABEL, with(good, "source_folder", f[0].resolve("nope").toString())), "not found");
		assertFailure(run(CompareMethodsCommand.LABEL, with(good, "ground_truth_folder", f[0].resolve("t1.png").toString())), "is a file");
		assertFailure(run(CompareMethodsCommand.LABEL, with(good, "output_folder", f[2].toString())), "is a file");
		assertFailure(run(CompareMethodsCommand.LABEL, with(good, "reference_images", f[1].resolve("missing.png").toString())), "not found");
		Files.copy(f[1].resolve("t1.png"), f[1].resolve("extra.png"));
		assertFailure(run(CompareMethodsCommand.LABEL, good), "1 only in " + f[1] + ": extra.png");
		Files.delete(f[1].resolve("extra.png"));
		List<String> classical = Methods.names().stream().filter(m -> Methods.create(m).needsReference()).toList();
		if (!classical.isEmpty()) {
			Map<String, String> noRef = new HashMap<>(good);
			noRef.remove("reference_images");
			assertFailure(run(CompareMethodsCommand.LABEL, with(noRef, "methods", String.join(",", classical))), "no method could run");
		}
		assertFalse("failed runs write nothing", Files.exists(out));
	}

	@Test
	public void aFailingPairIsARowWithItsErrorNotAFailedRun() throws IOException {
		assumeTrue("skipped: reinhard not registered", Methods.names().contains("reinhard"));
		Path[] f = pairFolders();
		ImageFiles.write(ImageFiles.read(f[1].resolve("t2.png")).crop(0, 0, 128, 128), f[1].resolve("t2.png"));
		Path out = tmp.getRoot().toPath().resolve("cmp");
		CommandRunner.Result r = run(CompareMethodsCommand.LABEL, Map.of("source_folder", f[0].toString(), "ground_truth_folder", f[1].toString(),
			"reference_images", f[2].toString(), "output_folder", out.toString(), "methods", "reinhard"));
		assertTrue(r.failure(), r.ok());
		MethodComparison.Result result = ((CompareMethodsCommand) r.module()).comparison();
		assertEquals(2, result.failures().size());
		assertTrue(result.failures().get(0).error(), result.failures().get(0).error().contains("Image sizes differ"));
		assertEquals("t2.png", result.failures().get(0).image());
		assertEquals(1, result.values("reinhard", 0).length);
		assertTrue(Files.readAllLines(out.resolve(CompareMethodsCommand.SUMMARY)).get(2).startsWith("reinhard,1,1,"));
	}

	private static Map<String, String> with(Map<String, String> base, String key, String value) {
		Map<String, String> m = new HashMap<>(base);
		m.put(key, value);
		return m;
	}
}
