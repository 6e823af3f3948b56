package sc.fiji.stainnorm.stst;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

import sc.fiji.stainnorm.SharedData;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;

/** The validation helper against sewar 0.4.3 (values from ../shared/data/he/_reference_outputs/metrics_reference.json). */
public class SimilarityTest {

	@Test
	public void matchesSewarOnTheCrossScannerPair() {
		RgbImage gt = ImageFiles.read(SharedData.he("DeepMicroscopy_MultiScanner_SCC/aperio.png"));
		RgbImage p = ImageFiles.read(SharedData.he("DeepMicroscopy_MultiScanner_SCC/nz210.png"));
		assertEquals(0.7724805082467233, Similarity.ssim(p, gt), 1e-9);
		assertEquals(18.767905459393905, Similarity.psnr(p, gt), 1e-9);
	}

	@Test
	public void identicalImagesScoreOne() {
		RgbImage a = sc.fiji.stainnorm.synth.TestImages.render(1, sc.fiji.stainnorm.synth.StainStyle.A);
		assertEquals(1, Similarity.ssim(a, a), 1e-12);
		assertEquals(Double.POSITIVE_INFINITY, Similarity.psnr(a, a), 0);
	}
}
