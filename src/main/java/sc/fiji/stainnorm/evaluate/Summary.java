package sc.fiji.stainnorm.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Mean ± standard deviation of the per-image scores, per experiment, convention, metric and method, and
 * the reference-sensitivity spread. The tables use each method's first reference ({@code reference}),
 * so extra references tried for the sensitivity analysis never change them.
 */
public final class Summary {

	/** Sample statistics of one cell; {@code std} is the n−1 standard deviation (0 for one value). */
	public record Stat(String experiment, String convention, String metric, String method, double mean, double std, int n) {}

	/**
	 * How much the choice of reference image moves one method's mean score: the mean over references of the
	 * per-reference means, their standard deviation, minimum and maximum.
	 */
	public record Spread(String convention, String metric, String method, int references, double mean, double std, double min, double max) {}

	private Summary() {}

	/** Keeps the scores of the main tables: every method's first reference, or no reference. */
	public static List<Score> primary(List<Score> scores, String firstReference) {
		return scores.stream().filter(s -> s.reference().isEmpty() || s.reference().equals("-") || s.reference().equals(firstReference)
			|| s.experiment().equals(Evaluation.UNMATCHED)).toList();
	}

	public static List<Stat> stats(List<Score> scores) {
		Map<List<String>, List<Double>> groups = new LinkedHashMap<>();
		for (Score s : scores)
			groups.computeIfAbsent(List.of(s.experiment(), s.convention(), s.metric(), s.method()), k -> new ArrayList<>()).add(s.value());
		List<Stat> out = new ArrayList<>();
		for (var e : groups.entrySet()) {
			double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).toArray();
			List<String> k = e.getKey();
			out.add(new Stat(k.get(0), k.get(1), k.get(2), k.get(3), mean(v), std(v), v.length));
		}
		return out;
	}

	/** Per reference-taking method, the spread of its matched-ground-truth means over the references tried. */
	public static List<Spread> sensitivity(List<Score> scores) {
		Map<List<String>, Map<String, List<Double>>> groups = new LinkedHashMap<>();
		for (Score s : scores) {
			if (!s.experiment().equals(Evaluation.MATCHED) || s.reference().isEmpty() || s.reference().equals("-")) continue;
			groups.computeIfAbsent(List.of(s.convention(), s.metric(), s.method()), k -> new LinkedHashMap<>())
				.computeIfAbsent(s.reference(), k -> new ArrayList<>()).add(s.value());
		}
		List<Spread> out = new ArrayList<>();
		for (var e : groups.entrySet()) {
			double[] means = e.getValue().values().stream()
				.mapToDouble(l -> mean(l.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).toArray())).toArray();
			double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
			for (double m : means) {
				min = Math.min(min, m);
				max = Math.max(max, m);
			}
			List<String> k = e.getKey();
			out.add(new Spread(k.get(0), k.get(1), k.get(2), means.length, mean(means), std(means), min, max));
		}
		return out;
	}

	/** Distinct values of one field, in first-seen order. */
	public static <T> List<String> distinct(List<T> rows, java.util.function.Function<T, String> field) {
		LinkedHashSet<String> set = new LinkedHashSet<>();
		for (T r : rows)
			set.add(field.apply(r));
		return new ArrayList<>(set);
	}

	public static Stat find(List<Stat> stats, String experiment, String convention, String metric, String method) {
		for (Stat s : stats)
			if (s.experiment().equals(experiment) && s.convention().equals(convention) && s.metric().equals(metric)
				&& Objects.equals(s.method(), method)) return s;
		return null;
	}

	static double mean(double[] v) {
		if (v.length == 0) return Double.NaN;
		double s = 0;
		for (double x : v)
			s += x;
		return s / v.length;
	}

	static double std(double[] v) {
		if (v.length < 2) return v.length == 1 ? 0 : Double.NaN;
		double m = mean(v), s = 0;
		for (double x : v)
			s += (x - m) * (x - m);
		return Math.sqrt(s / (v.length - 1));
	}
}
