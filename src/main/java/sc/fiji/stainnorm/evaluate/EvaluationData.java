package sc.fiji.stainnorm.evaluate;

import java.util.List;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * The images one evaluation runs on.
 *
 * @param description  where the images come from and how they were split, for the report
 * @param tests        target-style images T: each is stain-shifted into S, normalized back, and compared with T
 *                     (matched ground truth)
 * @param references   target-style images that are never tests: the first is the classical methods'
 *                     reference, all of them are tried for the reference-sensitivity table
 * @param pairs        real source/ground-truth pairs of the same tissue from two scanners or labs
 *                     (unmatched ground truth), each with its own target-style reference
 * @param pairsDescription how the pairs were made (registration, tiling), for the report
 * @param gallery      other images without ground truth, normalized towards the first reference for a montage only
 */
public record EvaluationData(String description, List<Named> tests, List<Named> references, List<Pair> pairs, String pairsDescription,
	List<Named> gallery) {

	public record Named(String name, RgbImage image) {}

	public record Pair(String name, RgbImage source, RgbImage truth, Named reference) {}

	public EvaluationData {
		tests = List.copyOf(tests);
		references = List.copyOf(references);
		pairs = List.copyOf(pairs);
		gallery = List.copyOf(gallery);
	}
}
