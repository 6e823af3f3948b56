package sc.fiji.stainnorm.metrics;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.BeforeClass;
import org.junit.Test;

import sc.fiji.stainnorm.SharedData;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;

/**
 * Every metric against the values of independent implementations (sewar 0.4.3, scipy/scikit-image, the MATLAB
 * originals run in Octave) in {@code ../shared/data/he/_reference_outputs/metrics_reference.json}.
 */
public class ReferenceValuesTest {
	private static final double PAPER_TOLERANCE = 1e-6;
	private static List<Map<String, Object>> pairs;
	private static List<RgbImage[]> images;

	@BeforeClass
	@SuppressWarnings("unchecked")
	public static void load() throws IOException {
		Path json = SharedData.he("_reference_outputs/metrics_reference.json");
		pairs = (List<Map<String, Object>>) MiniJson.at(MiniJson.parse(Files.readString(json)), "pairs");
		images = new ArrayList<>();
		images.add(files("DeepMicroscopy_MultiScanner_SCC/aperio.png", "DeepMicroscopy_MultiScanner_SCC/nz210.png"));
		images.add(files("schaugf_HEnorm_python/example1.png", "schaugf_HEnorm_python/norm1.png"));
		RgbImage stst = ImageFiles.read(SharedData.he("pegahs1993_Stain-to-Stain-Translation/1.tiff"));
		images.add(new RgbImage[] { stst.crop(0, 0, 256, 256), stst.crop(256, 0, 256, 256) });
		images.add(files("EIDOSLAB_torchstain/source.png", "_reference_outputs/torchstain_source_to_target/torchstain_macenko.png"));
		assertEquals("the JSON lists the pairs in this order", 4, pairs.size());
	}

	private static RgbImage[] files(String gt, String pred) {
		return new RgbImage[] { ImageFiles.read(SharedData.he(gt)), ImageFiles.read(SharedData.he(pred)) };
	}

	private static void check(Convention convention, String metric, double tolerance, String... path) {
		Metric m = Metrics.byName(metric, convention);
		for (int p = 0; p < pairs.size(); p++) {
			double expected = MiniJson.number(pairs.get(p), path);
			double actual = m.compute(images.get(p)[0], images.get(p)[1]);
			assertEquals(metric + " (" + convention.label() + ") of " + MiniJson.at(pairs.get(p), "GT"), expected, actual, Math.abs(expected) * tolerance);
		}
	}

	private static void paper(String metric, String... path) {
		check(Convention.PAPER, metric, PAPER_TOLERANCE, path);
	}

	@Test
	public void paperSsimIsSewars() {
		paper("SSIM", "sewar_0_4_3", "ssim", "value", "ssim");
	}

	/** As evaluate.m calls it: msssim.m on imread's uint8 images (saturating products at the finest scale). */
	@Test
	public void paperMsSsimIsTheSTSTMatlabCodeOnImreadsUint8Images() {
		paper("MS-SSIM", "octave", "MSSSIM_stst_uint8");
	}

	@Test
	public void paperMsSsimIsTheSTSTMatlabCode() {
		// the same code on double images (the paper convention's MS-SSIM until issue 15)
		for (int p = 0; p < pairs.size(); p++) {
			double expected = MiniJson.number(pairs.get(p), "octave", "MSSSIM_stst_double");
			assertEquals(expected, MsSsim.matlabOnDouble().compute(images.get(p)[0], images.get(p)[1]), expected * PAPER_TOLERANCE);
		}
	}

	@Test
	public void sewarMsSsimIsSewar043s() {
		for (int p = 0; p < pairs.size(); p++) {
			double expected = MiniJson.number(pairs.get(p), "sewar_0_4_3", "msssim", "value", "real");
			assertEquals(expected, Metrics.sewarMsSsim().compute(images.get(p)[0], images.get(p)[1]), expected * PAPER_TOLERANCE);
		}
	}

	@Test
	public void sewarIntermediatesContrastStructureAndSlidingRmse() {
		for (int p = 0; p < pairs.size(); p++) {
			RgbImage gt = images.get(p)[0], pred = images.get(p)[1];
			int w = gt.width(), h = gt.height();
			double cs = Planes.channelMean(gt, pred, (x, y, ww, hh) -> StructuralSimilarity.stats(x, y, ww, hh, StructuralSimilarity.UNIFORM).cs());
			double expectedCs = MiniJson.number(pairs.get(p), "sewar_0_4_3", "ssim", "value", "cs");
			assertEquals(expectedCs, cs, expectedCs * 1e-9);
			double[][] maps = SlidingErrors.rmseMaps(Planes.rgb(gt), Planes.rgb(pred), w, h);
			double rmseSw = 0;
			for (double[] m : maps)
				rmseSw += Planes.meanInside(m, w, h, 4) / 3;
			double expectedRmseSw = MiniJson.number(pairs.get(p), "sewar_0_4_3", "rmse_sw", "value");
			assertEquals(expectedRmseSw, rmseSw, expectedRmseSw * 1e-9);
		}
	}

	@Test
	public void fsimIsZhangsOriginal() {
		for (int p = 0; p < pairs.size(); p++) {
			// one phase-congruency computation gives both indices
			Fsim.Result r = Fsim.both(images.get(p)[0], images.get(p)[1]);
			double fsim = MiniJson.number(pairs.get(p), "octave", "FSIM"), fsimc = MiniJson.number(pairs.get(p), "octave", "FSIMc");
			assertEquals("FSIM of " + MiniJson.at(pairs.get(p), "GT"), fsim, r.fsim(), fsim * PAPER_TOLERANCE);
			assertEquals("FSIMc of " + MiniJson.at(pairs.get(p), "GT"), fsimc, r.fsimc(), fsimc * PAPER_TOLERANCE);
		}
		// the STST copy returns FSIMc only, with the same value
		assertEquals(MiniJson.number(pairs.get(0), "octave", "FSIMc_stst"), MiniJson.number(pairs.get(0), "octave", "FSIMc"), 0);
		for (Convention c : Convention.values())
			assertEquals(MiniJson.number(pairs.get(0), "octave", "FSIMc"), Metrics.byName("FSIMc", c).compute(images.get(0)[0], images.get(0)[1]),
				1e-6);
	}

	@Test
	public void paperSccIsSewars() {
		paper("SCC", "sewar_0_4_3", "scc", "value");
	}

	@Test
	public void pccIsScipyPearsonOfAllValues() {
		paper("PCC", "extra_python", "pcc_scipy_pearsonr_flat_all_channels");
		check(Convention.STANDARD, "PCC", 1e-9, "extra_python", "pcc_scipy_pearsonr_flat_all_channels");
	}

	@Test
	public void mseRmsePsnr() {
		for (Convention c : Convention.values()) {
			check(c, "MSE", 1e-12, "sewar_0_4_3", "mse", "value");
			check(c, "RMSE", 1e-12, "sewar_0_4_3", "rmse", "value");
			check(c, "PSNR", 1e-12, "sewar_0_4_3", "psnr", "value");
			check(c, "PSNR", 1e-12, "extra_python", "skimage_psnr(data_range=255)");
		}
	}

	@Test
	public void paperErgasIsSewar043() {
		paper("ERGAS", "sewar_0_4_3", "ergas", "value");
	}

	@Test
	public void paperRaseIsSewars() {
		paper("RASE", "sewar_0_4_3", "rase", "value");
	}

	@Test
	public void paperUqiIsSewars() {
		paper("UQI", "sewar_0_4_3", "uqi", "value");
	}

	@Test
	public void standardSsimIsScikitImagesGaussianWang() {
		check(Convention.STANDARD, "SSIM", 1e-9, "extra_python", "skimage_ssim_wang(gaussian sigma=1.5, pop. cov, data_range=255, per-channel mean)");
	}

	@Test
	public void standardErgasIsSewarHeadsGlobalFormulaAtRatioOne() {
		// sewar >= 0.4.6 computes the textbook ERGAS with h/l = 1/4; ours uses h/l = 1, i.e. four times that
		Metric m = Metrics.byName("ERGAS", Convention.STANDARD);
		for (int p = 0; p < pairs.size(); p++) {
			double expected = MiniJson.number(pairs.get(p), "sewar_head", "ergas", "value") / 0.25 * Ergas.RESOLUTION_RATIO;
			assertEquals(expected, m.compute(images.get(p)[0], images.get(p)[1]), expected * 1e-9);
		}
	}

	@Test
	public void standardUqiMatchesTheTextbookValueQuotedInTheReadme() {
		// README "Metric conventions": for aperio/nz210 "sewar 0.975, textbook 0.707" (three digits given)
		assertEquals(0.707, Metrics.byName("UQI", Convention.STANDARD).compute(images.get(0)[0], images.get(0)[1]), 0.0005);
	}

	@Test
	public void standardRaseIsAboutTheTextbookShareOfSewars() {
		// README: sewar's extra division by 64 makes its RASE "about 64x the textbook value"
		Metric standard = Metrics.byName("RASE", Convention.STANDARD), paper = Metrics.byName("RASE", Convention.PAPER);
		for (RgbImage[] pair : images) {
			double ratio = paper.compute(pair[0], pair[1]) / standard.compute(pair[0], pair[1]);
			assertEquals(64, ratio, 64 * 0.15);
		}
	}
}
