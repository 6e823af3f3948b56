package sc.fiji.stainnorm.evaluate;

import java.util.List;
import java.util.function.ToDoubleBiFunction;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * A group of scores computed together for one (ground truth, prediction) pair, e.g. all metrics of one
 * convention (FSIM and FSIMc share their phase congruency). Keeps the protocol independent of how metrics
 * are implemented, so the synthetic protocol test can plug in scores it computes itself.
 *
 * @param convention     the group's name in tables and CSV files
 * @param metrics        the score names, in the order {@code scorer} returns them
 * @param higherIsBetter per score, its direction
 */
public record ScoreSet(String convention, List<String> metrics, List<Boolean> higherIsBetter, PairScorer scorer) {
	/** The name of the stain-separation distances' set: reported in a table of its own (the paper's Table II). */
	public static final String SEPARATION = "separation";

	@FunctionalInterface
	public interface PairScorer {
		/** One value per metric (NaN where undefined, with a line in {@code problems}). */
		double[] score(RgbImage groundTruth, RgbImage prediction, List<String> problems);
	}

	public ScoreSet {
		metrics = List.copyOf(metrics);
		higherIsBetter = List.copyOf(higherIsBetter);
		if (metrics.size() != higherIsBetter.size()) throw new IllegalArgumentException("one direction per metric");
	}

	/** A set of one score. */
	public static ScoreSet single(String convention, String metric, boolean higherIsBetter, ToDoubleBiFunction<RgbImage, RgbImage> f) {
		return new ScoreSet(convention, List.of(metric), List.of(higherIsBetter), (t, p, problems) -> new double[] { f.applyAsDouble(t, p) });
	}
}
