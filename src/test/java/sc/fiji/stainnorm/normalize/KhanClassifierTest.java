package sc.fiji.stainnorm.normalize;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class KhanClassifierTest {

	@Test
	public void retrainingReproducesTheShippedWeights() {
		double[][] trained = KhanClassifierTraining.train(KhanClassifierTraining.sample(KhanClassifierTraining.SEED, KhanClassifierTraining.STYLES));
		double[][] shipped = KhanClassifier.shipped().weights();
		for (int c = 0; c < KhanClassifier.CLASSES; c++)
			for (int k = 0; k < KhanClassifier.F; k++)
				assertEquals(KhanClassifier.CLASS_NAMES[c] + " " + KhanClassifier.FEATURES[k], shipped[c][k], trained[c][k], 1e-9 * (1 + Math.abs(shipped[c][k])));
	}

	@Test
	public void classifiesFreshSyntheticTissueAccurately() {
		double[] acc = KhanClassifierTraining.accuracy(KhanClassifier.shipped(), KhanClassifierTraining.sample(99, 20));
		System.out.printf("Khan classifier on fresh synthetic data: accuracy %.4f (background %.4f, hematoxylin %.4f, eosin %.4f)%n", acc[0], acc[1],
			acc[2], acc[3]);
		assertTrue(acc[0] > 0.95);
		for (int c = 1; c <= 3; c++)
			assertTrue("class " + (c - 1) + " recall " + acc[c], acc[c] > 0.9);
	}

	@Test
	public void probabilitiesSumToOne() {
		double[] f = new double[KhanClassifier.F], p = new double[KhanClassifier.CLASSES];
		KhanClassifier.Descriptor d = new KhanClassifier.Descriptor(new double[] { 0.4, 0.85, 0.3 }, new double[] { 0.8, -0.5, 0.3 }, 0.1);
		for (double r = 0; r < 3; r += 0.7)
			for (double g = 0; g < 3; g += 0.9) {
				KhanClassifier.features(r, g, 0.5, d, f);
				KhanClassifier.shipped().probabilities(f, p);
				assertEquals(1, p[0] + p[1] + p[2], 1e-12);
			}
	}
}
