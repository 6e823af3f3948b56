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
}
