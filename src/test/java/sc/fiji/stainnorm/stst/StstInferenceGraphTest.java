package sc.fiji.stainnorm.stst;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.Locale;

import org.junit.Test;

import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * The inference graph (weights as constants, sub-pixel convolutions for some decoders) against the training's graph
 * (variables, transposed convolutions): the same products summed in another order, so the same colours to within
 * float rounding. And batches: a tile's output does not depend on the tiles batched with it.
 */
public class StstInferenceGraphTest {
	/** Largest difference allowed in the generator's output (range [-1, 1]; an 8-bit level is 0.0078). */
	private static final float TOLERANCE = 1e-5f;

	@Test
	public void bundledModelGivesTheTrainingGraphsOutput() {
		StstModel m = StstModel.bundled();
		float[] gray = patches(m.spec().patchSize(), 3);
		compare(m, gray, 3, m.spec().patchSize(), m.spec().patchSize(), false);
	}

	@Test
	public void tinyModelWithDropoutGivesTheTrainingGraphsOutput() {
		StstModel m = StstModel.read(TinyModels.trained().model());
		// a tile twice the training patch, and dropout on: the masks come from the same seed in both graphs
		float[] gray = patches(2 * m.spec().patchSize(), 2);
		compare(m, gray, 2, 2 * m.spec().patchSize(), 2 * m.spec().patchSize(), true);
	}

	@Test
	public void aTilesOutputDoesNotDependOnItsBatch() {
		StstModel m = StstModel.bundled();
		int p = m.spec().patchSize(), n = 4;
		float[] gray = patches(p, n);
		try (StstEngine.Generator g = EngineLoader.engine().generator(m.spec(), m.weights(), false, 1)) {
			float[] batch = g.run(gray, n, p, p, 0);
			double worst = 0;
			for (int k = 0; k < n; k++) {
				float[] one = g.run(Arrays.copyOfRange(gray, k * p * p, (k + 1) * p * p), 1, p, p, 0);
				float[] inBatch = Arrays.copyOfRange(batch, k * p * p * 3, (k + 1) * p * p * 3);
				worst = Math.max(worst, maxDifference(one, inBatch));
			}
			System.out.printf(Locale.ROOT, "STST tile alone vs in a batch of %d: largest difference %.3g%n", n, worst);
			assertTrue("alone vs in a batch: " + worst, worst <= TOLERANCE);
		}
	}

	private static void compare(StstModel m, float[] gray, int n, int h, int w, boolean dropout) {
		try (StstEngine.Generator fast = EngineLoader.engine().generator(m.spec(), m.weights(), dropout, 1);
			StstEngine.Generator trained = EngineLoader.engine().trainingGraphGenerator(m.spec(), m.weights(), dropout, 1)) {
			float[] a = fast.run(gray, n, h, w, 5), b = trained.run(gray, n, h, w, 5);
			assertArrayEquals("the same call twice", a, fast.run(gray, n, h, w, 5), 0f);
			double worst = maxDifference(a, b);
			int levels = 0;
			for (int i = 0; i < a.length; i++) if (NhwcBatch.toByte(a[i]) != NhwcBatch.toByte(b[i])) levels++;
			System.out.printf(Locale.ROOT, "STST inference graph vs training graph (%s): largest difference %.3g, %d of %d rounded levels differ (by one)%n",
				m.spec(), worst, levels, a.length);
			assertTrue("largest difference " + worst, worst <= TOLERANCE);
			// a difference of 1e-5 moves a value across a rounding boundary with odds of about 1 in 800
			assertTrue(levels + " of " + a.length + " rounded levels differ", levels <= a.length / 1000);
		}
	}

	private static double maxDifference(float[] a, float[] b) {
		double worst = 0;
		for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
		return worst;
	}

	/** n synthetic tissue patches of side p as a gray batch. */
	private static float[] patches(int p, int n) {
		float[] gray = new float[n * p * p];
		for (int k = 0; k < n; k++)
			NhwcBatch.putGray(SyntheticTissue.generate(300 + k, p, p).render(StainStyle.ALL[k % 3], 1.0), 0, 0, p, p, gray, k * p * p);
		return gray;
	}
}
