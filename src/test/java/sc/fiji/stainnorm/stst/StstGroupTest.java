package sc.fiji.stainnorm.stst;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.Test;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.Normalized;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * A group of images normalized together (their tiles batched into shared TensorFlow calls) gives each image the pixels
 * and warnings it gets alone, to the bit (within one level where oneDNN's kernels depend on the batch shape), whatever
 * the batch it was padded into: the benchmark and the folder job hand STST such groups.
 */
public class StstGroupTest {
	/** 8-bit levels a tile may move by with the batch it runs in (see the note in the test). */
	public static final int BATCH_ROUNDING = 1;

	@Test
	public void aGroupGivesEachImageItsOwnResultWithinBatchRounding() {
		List<RgbImage> images = new ArrayList<>();
		// one-tile patches, a small (mirror-padded) one, a several-tile one and an almost uniform one (warned about)
		for (int i = 0; i < 5; i++) images.add(SyntheticTissue.generate(40 + i, 256, 256).render(StainStyle.ALL[i % 3], 1.0));
		images.add(2, SyntheticTissue.generate(50, 200, 120).render(StainStyle.B, 1.0));
		images.add(4, SyntheticTissue.generate(51, 300, 280).render(StainStyle.C, 1.0));
		int[] flat = new int[256 * 256];
		java.util.Arrays.fill(flat, 0xFFE0C8D8);
		images.add(RgbImage.wrap(256, 256, flat));
		// the bundled model, and the default batch of 8 tiles: the 300x280 image's 4 tiles straddle two calls
		StainNormalizer stst = Methods.create("stst", MethodOptions.none());
		stst.fit(List.of());
		// 11 tiles: a call of 8, then 3 padded into the 8-tile graph already built (not a new one of 4)
		List<Normalized> together = stst.normalizeAll(images);
		assertEquals(images.size(), together.size());
		// a job's last group of one image, padded likewise
		RgbImage last = images.get(0);
		int[] lastInGroup = stst.normalizeAll(List.of(last)).get(0).image().pixels();
		int largest = 0;
		for (int i = 0; i < images.size(); i++) {
			Normalized alone = stst.normalize(images.get(i));
			// oneDNN picks its convolution kernels by batch shape; on a CPU without AVX-512 (AMD Zen 3, AVX2) they round
			// differently, so a tile batched with others can come out one 8-bit level off its lone result (to the bit on AVX-512 hosts)
			int difference = sc.fiji.stainnorm.slide.TiledNormalization.maxDifference(alone.image(), together.get(i).image());
			largest = Math.max(largest, difference);
			assertTrue("image " + i + " in the group: " + difference + " levels off", difference <= BATCH_ROUNDING);
			assertEquals("image " + i + "'s warnings", alone.warnings(), together.get(i).warnings());
		}
		System.out.println("STST group against alone: largest difference " + largest + " levels (allowed " + BATCH_ROUNDING + ")");
		assertEquals("the uniform image is warned about", 1, together.get(images.size() - 1).warnings().size());
		assertTrue("a group of one, padded to 8 tiles", sc.fiji.stainnorm.slide.TiledNormalization.maxDifference(stst.normalize(last).image(), RgbImage.wrap(last.width(), last.height(), lastInGroup)) <= BATCH_ROUNDING);
	}
}
