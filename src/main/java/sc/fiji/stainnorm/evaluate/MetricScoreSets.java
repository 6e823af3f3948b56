package sc.fiji.stainnorm.evaluate;

import java.util.ArrayList;
import java.util.List;

import sc.fiji.stainnorm.metrics.Convention;
import sc.fiji.stainnorm.metrics.Metric;
import sc.fiji.stainnorm.metrics.Metrics;
import sc.fiji.stainnorm.metrics.StainSeparation;

/** The project's metrics as score sets: the paper's twelve in each convention, and the stain-separation distances. */
public final class MetricScoreSets {
	private MetricScoreSets() {}

	public static List<ScoreSet> all() {
		List<ScoreSet> sets = new ArrayList<>();
		for (Convention c : Convention.values())
			sets.add(of(c));
		sets.add(separation());
		return sets;
	}

	public static ScoreSet of(Convention convention) {
		List<Metric> metrics = Metrics.of(convention);
		return new ScoreSet(convention.label(), metrics.stream().map(Metric::name).toList(), metrics.stream().map(Metric::higherIsBetter).toList(),
			(truth, prediction, problems) -> {
				List<String> found = new ArrayList<>();
				double[] row = Metrics.computeRow(metrics, truth, prediction, found);
				// computeRow appends the separation distances and their warnings: those belong to the separation set
				for (String f : found)
					if (StainSeparation.COLUMNS.stream().noneMatch(c -> f.startsWith(c + ":"))) problems.add(f);
				return java.util.Arrays.copyOf(row, metrics.size());
			});
	}

	/** SH, SE and SBg: distances between the ground truth's and the prediction's mean OD per stain class (lower is better). */
	public static ScoreSet separation() {
		return new ScoreSet(ScoreSet.SEPARATION, StainSeparation.COLUMNS, List.of(false, false, false), (truth, prediction, problems) -> {
			StainSeparation.Distances d = StainSeparation.compute(truth, prediction);
			problems.addAll(d.warnings());
			return d.asArray();
		});
	}
}
