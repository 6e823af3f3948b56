package sc.fiji.stainnorm.stst;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.Test;

import sc.fiji.stainnorm.SharedData;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;

public class BundledModelTest {

	@Test
	public void bundledModelLoadsWithItsMetadata() {
		StstModel m = StstModel.bundled();
		assertEquals(StstModel.FORMAT, m.metadata("format"));
		assertEquals(256, m.spec().patchSize());
		assertTrue(m.metadata("validationImages").split(" ").length >= 3);
		StainNormalizer s = Methods.create("stst");
		RgbImage small = RgbImage.create(40, 30);
		assertEquals(40, s.normalize(small).image().width());
	}

	@Test
	public void bundledModelBeatsTheUnnormalizedInputOnItsHeldOutTiles() {
		// NaN (a method or tile without scores) fails every comparison below
		Path gbm = SharedData.he(HeldOutValidation.GBM + "/01.tif").getParent();
		List<String> heldOut = List.of(StstModel.bundled().metadata("validationImages").split(" "));
		List<HeldOutValidation.Score> scores = HeldOutValidation.run(gbm, heldOut, List.of("stst", HeldOutValidation.PAPER_STST));
		// measured at commit time (docs/stst-default-model/validation.md): shifted input SSIM 0.928, PSNR 23.74 dB;
		// stst 0.936, 26.85 dB; the generator's raw output (keep_structure=false) 0.906, 26.07 dB
		for (String tile : heldOut) {
			double none = HeldOutValidation.mean(scores, "none", tile, false), stst = HeldOutValidation.mean(scores, "stst", tile, false);
			assertTrue(tile + ": PSNR stst " + stst + " vs input " + none, stst > none + 1);
			double ssimNone = HeldOutValidation.mean(scores, "none", tile, true), ssimStst = HeldOutValidation.mean(scores, "stst", tile, true);
			assertTrue(tile + ": SSIM stst " + ssimStst + " vs input " + ssimNone, ssimStst > ssimNone);
		}
		double ssimNone = HeldOutValidation.mean(scores, "none", null, true), ssimStst = HeldOutValidation.mean(scores, "stst", null, true);
		assertTrue("SSIM stst " + ssimStst + " vs input " + ssimNone, ssimStst > ssimNone);
		double ssimPaper = HeldOutValidation.mean(scores, HeldOutValidation.PAPER_STST, null, true), psnrPaper = HeldOutValidation.mean(scores, HeldOutValidation.PAPER_STST, null, false);
		assertTrue("keep_structure should raise SSIM: " + ssimStst + " vs " + ssimPaper, ssimStst > ssimPaper + 0.01);
		assertTrue("PSNR of the generator's output " + psnrPaper + " vs input " + HeldOutValidation.mean(scores, "none", null, false), psnrPaper > HeldOutValidation.mean(scores, "none", null, false) + 1);
	}

	@Test
	public void stainShiftIsExactWithoutChange() {
		RgbImage tile = ImageFiles.read(SharedData.he(HeldOutValidation.GBM + "/02.tif"));
		HeldOutValidation.Shift identity = new HeldOutValidation.Shift("identity", sc.fiji.stainnorm.deconvolution.StainVectors.H_E.vector(0),
			sc.fiji.stainnorm.deconvolution.StainVectors.H_E.vector(1), 1, 1);
		RgbImage same = HeldOutValidation.shift(tile, identity);
		assertTrue(HeldOutValidation.PSNR.compute(tile, same) > 45);
		assertTrue(HeldOutValidation.PSNR.compute(tile, HeldOutValidation.shift(tile, HeldOutValidation.SHIFTS.get(0))) < 30);
	}

	/**
	 * #15's target on the evaluation's protocol (docs/stst-default-model/experiments.md): the 16 held-out patches
	 * under the seeded shifts, standard SSIM. The bundled model beats Macenko tissue=channels and Reinhard
	 * cielab/no mask on mean SSIM and PSNR, and the unnormalized input on mean SSIM and PSNR and on both on every
	 * tile (since keep_structure's radius 24 and ridge 1; at radius 8 and ridge 10 tile 34, whose shifts are mild, lost
	 * SSIM: 0.980 against 0.982).
	 */
	@Test
	public void bundledModelBeatsTheClassicalMethodsOnTheEvaluationProtocol() throws Exception {
		Path he = SharedData.he(HeldOutValidation.GBM + "/01.tif").getParent().getParent();
		Path out = java.nio.file.Files.createTempDirectory("stst-eval-");
		sc.fiji.stainnorm.cli.CliRun r = sc.fiji.stainnorm.cli.CliRun.run("evaluate", "--data", he.toString(), "--methods", "stst,reinhard,macenko",
			"--references", "1", "--timing-patches", "0", "--output", out.resolve("report").toString());
		assertEquals(r.out() + r.err(), 0, r.code());
		// scores.csv: experiment,method,image,reference,convention,metric,value; classical methods at several references, the first makes the tables
		java.util.Map<String, java.util.Map<String, List<Double>>> byMethodMetric = new java.util.HashMap<>();
		java.util.Map<String, Double> perTile = new java.util.HashMap<>();
		String firstReference = null;
		List<String> lines = java.nio.file.Files.readAllLines(out.resolve("report/scores.csv"));
		for (String line : lines.subList(1, lines.size())) {
			List<String> f = splitCsv(line);
			if (!f.get(0).equals("matched") || !f.get(4).equals("standard") || !(f.get(5).equals("SSIM") || f.get(5).equals("PSNR"))) continue;
			if (!f.get(3).isEmpty() && !f.get(3).equals("-")) {
				if (firstReference == null) firstReference = f.get(3);
				if (!f.get(3).equals(firstReference)) continue;
			}
			double v = Double.parseDouble(f.get(6));
			byMethodMetric.computeIfAbsent(f.get(1), k -> new java.util.HashMap<>()).computeIfAbsent(f.get(5), k -> new java.util.ArrayList<>()).add(v);
			perTile.merge(f.get(1) + "|" + f.get(5) + "|" + f.get(2).substring(0, f.get(2).indexOf('@')), v / 4, Double::sum);
		}
		for (String metric : List.of("SSIM", "PSNR")) {
			double stst = mean(byMethodMetric.get("stst").get(metric));
			assertEquals(16, byMethodMetric.get("stst").get(metric).size());
			for (String other : List.of("unnormalized", "macenko", "reinhard"))
				assertTrue(metric + ": stst " + stst + " vs " + other + " " + mean(byMethodMetric.get(other).get(metric)), stst > mean(byMethodMetric.get(other).get(metric)));
		}
		int tilesWon = 0;
		for (String tile : Datasets_GBM_TEST_TILES)
			if (perTile.get("stst|SSIM|" + tile) > perTile.get("unnormalized|SSIM|" + tile) && perTile.get("stst|PSNR|" + tile) > perTile.get("unnormalized|PSNR|" + tile)) tilesWon++;
		assertEquals(perTile.toString(), Datasets_GBM_TEST_TILES.size(), tilesWon);
	}

	private static final List<String> Datasets_GBM_TEST_TILES = sc.fiji.stainnorm.evaluate.Datasets.GBM_TEST_TILES.stream().map(t -> t + ".tif").toList();

	private static double mean(List<Double> v) {
		return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
	}

	private static List<String> splitCsv(String line) {
		List<String> out = new java.util.ArrayList<>();
		StringBuilder cur = new StringBuilder();
		boolean quoted = false;
		for (char c : line.toCharArray()) {
			if (c == '"') quoted = !quoted;
			else if (c == ',' && !quoted) {
				out.add(cur.toString());
				cur.setLength(0);
			}
			else cur.append(c);
		}
		out.add(cur.toString());
		return out;
	}
}
