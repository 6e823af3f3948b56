package sc.fiji.stainnorm.normalize;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.ParallelItems;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * Which candidate reference image is most typical of a set: each image's stain profile (the target a classical
 * method fits on it alone, {@link StainProfile#targetOf}) is compared with the component-wise median profile of all
 * of them. Each number is put on a common scale by its robust spread over the set (1.4826 · median absolute
 * deviation, the standard deviation for normal data; at least 0.1% of the median), and each part of the profile (stain vectors, concentrations,
 * glass, ...) weighs the same: the distance is the root mean, over the parts, of the mean squared scaled deviation
 * within each part. Small = typical; the first of the ranking is the suggested reference, the last the outlier.
 */
public final class ReferenceRanking {
	/** Fewer images than this have no meaningful median and spread. */
	public static final int MIN_IMAGES = 3;

	/** One candidate: its distance to the median profile, or why it has no profile (then distance is NaN). */
	public record Candidate(Path file, double distance, String failure) {}

	private ReferenceRanking() {}

	/** Ranked candidates, most typical first; those without a profile come last, with the reason. */
	public static List<Candidate> rank(List<Path> images, String method, String options, int threads, Progress progress) {
		if (!StainProfile.methods().contains(method))
			throw new InvalidSettingException("Method '" + method + "' has no stain profile to rank by; use one of " + String.join(", ", StainProfile.methods()));
		List<Object> profiles = ParallelItems.map(images, threads, "rank-references", progress, (i, file) -> {
			try {
				StainNormalizer n = Methods.create(method, MethodOptions.parse(options));
				n.fit(List.of(ImageFiles.read(file)));
				return profileOf(n);
			}
			catch (StainNormException e) {
				return e.getMessage();
			}
		}, "Interrupted", cause -> new StainNormException("Ranking failed: " + cause, cause));
		List<Integer> ok = new ArrayList<>();
		for (int i = 0; i < images.size(); i++)
			if (profiles.get(i) instanceof Map) ok.add(i);
		if (ok.size() < MIN_IMAGES)
			throw new StainNormException("Ranking needs at least " + MIN_IMAGES + " images with a stain profile; " + ok.size() + " of " + images.size()
				+ " have one" + (ok.size() < images.size() ? " (" + firstFailure(images, profiles) + ")" : ""));
		@SuppressWarnings("unchecked")
		List<Map<String, double[]>> good = ok.stream().map(i -> (Map<String, double[]>) profiles.get(i)).toList();
		double[] distances = distances(good);
		List<Candidate> out = new ArrayList<>();
		for (int k = 0; k < ok.size(); k++)
			out.add(new Candidate(images.get(ok.get(k)), distances[k], null));
		out.sort(Comparator.comparingDouble(Candidate::distance).thenComparing(Candidate::file));
		for (int i = 0; i < images.size(); i++)
			if (profiles.get(i) instanceof String why) out.add(new Candidate(images.get(i), Double.NaN, why));
		return out;
	}

	/** {@code rank,image,distance,problem}, one line per candidate (no rank for those not ranked). */
	public static String csv(List<Candidate> ranked) {
		StringBuilder table = new StringBuilder("rank,image,distance,problem\n");
		int rank = 0;
		for (Candidate c : ranked)
			table.append(c.failure() == null ? String.valueOf(++rank) : "").append(',').append(sc.fiji.stainnorm.core.Csv.field(c.file().toString()))
				.append(',').append(sc.fiji.stainnorm.core.Csv.number(c.distance())).append(',')
				.append(c.failure() == null ? "" : sc.fiji.stainnorm.core.Csv.field(c.failure())).append('\n');
		return table.toString();
	}

	private static String firstFailure(List<Path> images, List<Object> profiles) {
		for (int i = 0; i < images.size(); i++)
			if (profiles.get(i) instanceof String why) return images.get(i).getFileName() + ": " + why;
		return "";
	}

	/** The fitted target without counts (how many pixels a reference has says nothing of its style). */
	static Map<String, double[]> profileOf(StainNormalizer fitted) {
		Map<String, double[]> p = new TreeMap<>(StainProfile.targetOf(fitted));
		p.remove("pixels");
		return p;
	}

	/** Each profile's distance to the median profile, as described above. */
	static double[] distances(List<Map<String, double[]>> profiles) {
		int n = profiles.size();
		double[] sum = new double[n];
		int parts = 0;
		for (String key : profiles.get(0).keySet()) {
			int len = profiles.get(0).get(key).length;
			double[] within = new double[n];
			int used = 0;
			for (int c = 0; c < len; c++) {
				double[] x = new double[n];
				for (int i = 0; i < n; i++)
					x[i] = profiles.get(i).get(key)[c];
				double med = median(x);
				// a floor, so that a number most images share exactly still lets the one that differs stand out
				double scale = Math.max(1.4826 * median(Arrays.stream(x).map(v -> Math.abs(v - med)).toArray()), 1e-6 + 1e-3 * Math.abs(med));
				used++;
				for (int i = 0; i < n; i++) {
					double z = (x[i] - med) / scale;
					within[i] += z * z;
				}
			}
			if (used == 0) continue;
			parts++;
			for (int i = 0; i < n; i++)
				sum[i] += within[i] / used;
		}
		double[] d = new double[n];
		for (int i = 0; i < n; i++)
			d[i] = parts == 0 ? 0 : Math.sqrt(sum[i] / parts);
		return d;
	}

	static double median(double[] values) {
		double[] s = values.clone();
		Arrays.sort(s);
		int m = s.length / 2;
		return s.length % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
	}
}
