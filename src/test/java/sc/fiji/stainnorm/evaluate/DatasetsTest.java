package sc.fiji.stainnorm.evaluate;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.Test;

import sc.fiji.stainnorm.SharedData;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.stst.StstModel;

/** The split and the pairs the real evaluation relies on: no test image is ever a training tile or a reference. */
public class DatasetsTest {

	@Test
	public void testSplitIsTheBundledModelsHeldOutTiles() {
		List<String> tiles = EvaluateRun.heldOutTiles(StstModel.bundled(), List.of("none"));
		assertEquals(Datasets.GBM_TEST_TILES, tiles);
		String training = StstModel.bundled().metadata("trainingImages");
		for (String t : tiles)
			assertFalse(t + " is a training tile of the bundled model", training.contains(t + ".tif"));
	}

	@Test
	public void sharedDataKeepsTestsReferencesAndGroundTruthApart() {
		Path he = SharedData.he(Datasets.GBM).getParent();
		EvaluationData d = Datasets.shared(he, Datasets.GBM_TEST_TILES, 256, 0, 5, 1);
		assertEquals(4 * Datasets.GBM_TEST_TILES.size(), d.tests().size());
		for (EvaluationData.Named t : d.tests())
			assertTrue(t.name(), Datasets.GBM_TEST_TILES.contains(t.name().substring(0, 2)));
		assertEquals(5, d.references().size());
		for (EvaluationData.Named r : d.references())
			assertFalse(r.name(), Datasets.GBM_TEST_TILES.contains(r.name().substring(0, 2)));
		// same seed, same references; another seed, another choice
		assertEquals(names(d.references()), names(Datasets.shared(he, Datasets.GBM_TEST_TILES, 256, 1, 5, 1).references()));
		assertFalse(names(d.references()).equals(names(Datasets.shared(he, Datasets.GBM_TEST_TILES, 256, 1, 5, 2).references())));

		assertEquals(4, d.pairs().size());
		for (EvaluationData.Pair p : d.pairs()) {
			assertEquals(p.truth().width(), p.source().width());
			// the reference holds the other three quadrants: none of its 118-px blocks is this pair's ground truth
			RgbImage ref = p.reference().image();
			assertEquals(3 * p.truth().width(), ref.width());
			for (int k = 0; k < 3; k++)
				assertFalse(p.name(), ref.crop(k * p.truth().width(), 0, p.truth().width(), p.truth().height()).sameRgb(p.truth()));
		}
	}

	private static List<String> names(List<EvaluationData.Named> list) {
		return list.stream().map(EvaluationData.Named::name).toList();
	}
}
