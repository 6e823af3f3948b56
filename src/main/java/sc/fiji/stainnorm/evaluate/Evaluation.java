package sc.fiji.stainnorm.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import sc.fiji.stainnorm.core.ParallelItems;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.Normalized;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.report.Montage;
import sc.fiji.stainnorm.synth.StainShift;

/**
 * The evaluation protocol of the STST paper, on any {@link EvaluationData}:
 * <ul>
 * <li>matched ground truth (its Table IV): every test image T is stain-shifted into S with a seeded
 * {@link StainShift}; each method normalizes S (reference methods towards a reference of T's style, never T
 * itself) and its output is scored against T. Reference methods are run once per reference image, which
 * gives the reference-sensitivity spread; the tables use the first reference.</li>
 * <li>unmatched ground truth (its Table I): real pairs of the same tissue from two scanners; the source
 * is normalized and scored against the other scan.</li>
 * </ul>
 * The unnormalized input is scored too ({@value #UNNORMALIZED}), as the bar every method must clear. Same
 * data, methods and seed give the same scores whatever the thread count.
 */
public final class Evaluation {
	public static final String MATCHED = "matched", UNMATCHED = "unmatched", GALLERY = "gallery", UNNORMALIZED = "unnormalized";

	/** A stain shift applied to one test image, for the report. */
	public record ShiftRecord(String image, long seed, StainShift shift) {}

	/**
	 * @param methods  the methods that ran, in table order (with {@value #UNNORMALIZED} first)
	 * @param skipped  methods that could not run, with the reason
	 * @param warnings per method, the distinct warnings its outputs carried
	 * @param montages "matched" and "unmatched": source | each method | ground truth
	 */
	public record Result(List<Score> scores, List<ShiftRecord> shifts, List<String> methods, Map<String, String> skipped,
		Map<String, List<String>> warnings, Map<String, RgbImage> montages, List<String> referenceNames) {}

	public record Settings(long seed, int threads, boolean referenceSensitivity, int montageRows) {
		public Settings {
			if (threads < 1) throw new StainNormException("Threads must be at least 1, got " + threads);
		}
	}

	private final EvaluationData data;
	private final List<MethodSpec> methods;
	private final List<ScoreSet> scoreSets;
	private final Settings settings;
	private final Progress progress;

	private final Map<String, List<String>> warnings = new LinkedHashMap<>();
	private final Map<String, String> skipped = new LinkedHashMap<>();

	private Evaluation(EvaluationData data, List<MethodSpec> methods, List<ScoreSet> scoreSets, Settings settings, Progress progress) {
		this.data = data;
		this.methods = methods;
		this.scoreSets = scoreSets;
		this.settings = settings;
		this.progress = progress;
	}

	/** The per-image seed of test image {@code index}: a fixed mix of the run's seed and the index. */
	public static long shiftSeed(long seed, int index) {
		return seed * 1_000_003L + 7919L * index + 17;
	}

	public static Result run(EvaluationData data, List<MethodSpec> methods, List<ScoreSet> scoreSets, Settings settings, Progress progress) {
		if (data.tests().isEmpty() && data.pairs().isEmpty()) throw new StainNormException("Nothing to evaluate: no test images and no pairs");
		if (!data.tests().isEmpty() && data.references().isEmpty())
			throw new StainNormException("The matched evaluation needs at least one reference image besides the test images");
		return new Evaluation(data, methods, scoreSets, settings, progress).run();
	}

	/** A fitted method for one reference (null reference for methods that take none). */
	private record Fitted(String method, String reference, StainNormalizer normalizer) {}

	/** One normalize-and-score job; the output image is kept only for montage cells. */
	private record Job(String experiment, Fitted fitted, String image, RgbImage source, RgbImage truth, boolean keepOutput) {}

	private record JobResult(List<Score> scores, RgbImage output, List<String> warnings) {}

	private Result run() {
		List<ShiftRecord> shifts = new ArrayList<>();
		List<RgbImage> shifted = new ArrayList<>();
		for (int i = 0; i < data.tests().size(); i++) {
			long s = shiftSeed(settings.seed(), i);
			StainShift shift = StainShift.random(s);
			shifts.add(new ShiftRecord(data.tests().get(i).name(), s, shift));
			shifted.add(shift.apply(data.tests().get(i).image()));
		}
		List<String> ran = new ArrayList<>();
		ran.add(UNNORMALIZED);
		List<Job> jobs = new ArrayList<>();
		Fitted none = new Fitted(UNNORMALIZED, "", null);
		int rows = Math.min(settings.montageRows(), data.tests().size());
		for (int i = 0; i < data.tests().size(); i++)
			jobs.add(new Job(MATCHED, none, data.tests().get(i).name(), shifted.get(i), data.tests().get(i).image(), i < rows));
		for (EvaluationData.Pair p : data.pairs())
			jobs.add(new Job(UNMATCHED, none, p.name(), p.source(), p.truth(), true));

		int done = 0;
		for (MethodSpec m : methods) {
			progress.update(done++, methods.size(), "fitting " + m.name());
			if (progress.isCancelled()) throw new StainNormException("Evaluation cancelled");
			StainNormalizer probe;
			try {
				probe = m.factory().get();
			}
			catch (StainNormException e) {
				skipped.put(m.name(), e.getMessage());
				progress.warn(m.name() + " skipped: " + e.getMessage());
				continue;
			}
			// a reference the method cannot use (e.g. too little tissue) costs only the jobs that need that fit
			List<String> fitFailures = new ArrayList<>();
			int fits = 0;
			List<EvaluationData.Named> refs = !probe.needsReference() ? java.util.Collections.singletonList(null)
				: settings.referenceSensitivity() ? data.references() : data.references().subList(0, 1);
			for (int r = 0; r < refs.size() && !data.tests().isEmpty(); r++) {
				Fitted f = fit(m, refs.get(r), fitFailures);
				if (f == null) continue;
				fits++;
				for (int i = 0; i < data.tests().size(); i++)
					jobs.add(new Job(MATCHED, f, data.tests().get(i).name(), shifted.get(i), data.tests().get(i).image(), r == 0 && i < rows));
			}
			Fitted primary = null;
			for (Job j : jobs)
				if (j.fitted().method().equals(m.name()) && j.experiment().equals(MATCHED)) {
					primary = j.fitted();
					break;
				}
			if (primary != null && primary.reference().equals(refs.get(0) == null ? "-" : refs.get(0).name()))
				for (EvaluationData.Named g : data.gallery())
					jobs.add(new Job(GALLERY, primary, g.name(), g.image(), g.image(), true));
			Map<String, Fitted> byReference = new LinkedHashMap<>();
			for (EvaluationData.Pair p : data.pairs()) {
				EvaluationData.Named ref = probe.needsReference() ? p.reference() : null;
				String key = ref == null ? "-" : ref.name();
				if (!byReference.containsKey(key)) {
					byReference.put(key, fit(m, ref, fitFailures));
					if (byReference.get(key) != null) fits++;
				}
				if (byReference.get(key) != null) jobs.add(new Job(UNMATCHED, byReference.get(key), p.name(), p.source(), p.truth(), true));
			}
			if (fits == 0) {
				skipped.put(m.name(), fitFailures.isEmpty() ? "nothing to evaluate" : fitFailures.get(0));
				progress.warn(m.name() + " skipped: " + skipped.get(m.name()));
				continue;
			}
			for (String f : fitFailures) {
				warnings.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(f);
				progress.warn(m.name() + ": " + f);
			}
			ran.add(m.name());
		}

		List<JobResult> results = runAll(jobs);
		List<Score> scores = new ArrayList<>();
		Map<String, Map<String, RgbImage>> outputs = new LinkedHashMap<>();
		for (int j = 0; j < jobs.size(); j++) {
			Job job = jobs.get(j);
			JobResult r = results.get(j);
			if (r == null) continue;
			scores.addAll(r.scores());
			for (String w : r.warnings()) {
				List<String> list = warnings.computeIfAbsent(job.fitted().method(), k -> new ArrayList<>());
				if (!list.contains(w)) list.add(w);
			}
			if (r.output() != null) outputs.computeIfAbsent(job.experiment() + "/" + job.fitted().method(), k -> new LinkedHashMap<>()).put(job.image(), r.output());
		}
		Map<String, RgbImage> montages = new LinkedHashMap<>();
		if (rows > 0) montages.put(MATCHED, montage(MATCHED, ran, data.tests().subList(0, rows).stream().map(t -> new String[] { t.name() }).toList(),
			data.tests().subList(0, rows).stream().map(EvaluationData.Named::image).toList(), outputs));
		List<EvaluationData.Pair> shown = data.pairs().subList(0, Math.min(settings.montageRows(), data.pairs().size()));
		if (!shown.isEmpty()) montages.put(UNMATCHED, montage(UNMATCHED, ran, shown.stream().map(p -> new String[] { p.name() }).toList(),
			shown.stream().map(EvaluationData.Pair::truth).toList(), outputs));
		if (!data.gallery().isEmpty()) {
			List<String> columns = new ArrayList<>();
			columns.add("source");
			for (String m : ran)
				if (!m.equals(UNNORMALIZED) && outputs.containsKey(GALLERY + "/" + m)) columns.add(m);
			Montage gallery = new Montage(columns);
			for (EvaluationData.Named g : data.gallery()) {
				List<RgbImage> cells = new ArrayList<>();
				cells.add(g.image());
				for (String m : columns.subList(1, columns.size()))
					cells.add(outputs.get(GALLERY + "/" + m).get(g.name()));
				gallery.addRow(g.name(), cells.toArray(RgbImage[]::new));
			}
			montages.put(GALLERY, gallery.render(88));
		}
		List<String> referenceNames = data.references().stream().map(EvaluationData.Named::name).toList();
		return new Result(scores, shifts, ran, skipped, warnings, montages, referenceNames);
	}

	/** A fresh instance fitted to {@code reference}, or null (and a line in {@code failures}) when it cannot be. */
	private static Fitted fit(MethodSpec m, EvaluationData.Named reference, List<String> failures) {
		try {
			StainNormalizer n = m.factory().get();
			n.fit(reference == null ? List.of() : List.of(reference.image()));
			return new Fitted(m.name(), reference == null ? "-" : reference.name(), n);
		}
		catch (StainNormException e) {
			failures.add((reference == null ? "cannot be used: " : "cannot be fitted to reference " + reference.name() + ": ") + e.getMessage());
			return null;
		}
	}

	private List<JobResult> runAll(List<Job> jobs) {
		AtomicLong finished = new AtomicLong();
		ParallelItems.Task<Job, JobResult> task = (index, job) -> {
			JobResult r = execute(job);
			long k = finished.incrementAndGet();
			// about 50 lines for the whole run: enough to see it move, few enough to read a log
			if (k % Math.max(1, jobs.size() / 50) == 0 || k == jobs.size())
				progress.update(k, jobs.size(), job.experiment() + " " + job.fitted().method() + " " + job.image());
			return r;
		};
		List<JobResult> results;
		if (settings.threads() == 1) {
			results = new ArrayList<>();
			for (int i = 0; i < jobs.size(); i++)
				results.add(progress.isCancelled() ? null : task.apply(i, jobs.get(i)));
		}
		else results = ParallelItems.map(jobs, settings.threads(), "evaluation", progress, task, "Evaluation interrupted", cause -> {
			if (cause instanceof Error err) throw err;
			return cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
		});
		if (progress.isCancelled()) throw new StainNormException("Evaluation cancelled");
		return results;
	}

	private JobResult execute(Job job) {
		RgbImage output;
		List<String> jobWarnings = new ArrayList<>();
		if (job.fitted().normalizer() == null) output = job.source();
		else {
			try {
				Normalized n = job.fitted().normalizer().normalize(job.source());
				output = n.image();
				jobWarnings.addAll(n.warnings());
			}
			catch (StainNormException e) {
				// one failed image is a finding, not the end of the evaluation: it is reported and left out of the means
				jobWarnings.add("failed on " + job.image() + ": " + e.getMessage());
				return new JobResult(List.of(), null, jobWarnings);
			}
		}
		if (output.width() != job.truth().width() || output.height() != job.truth().height())
			throw new StainNormException(job.fitted().method() + " returned " + output.width() + "x" + output.height() + " for a "
				+ job.truth().width() + "x" + job.truth().height() + " image");
		List<Score> scores = new ArrayList<>();
		// gallery images have no ground truth: normalized for the montage only
		for (ScoreSet set : job.experiment().equals(GALLERY) ? List.<ScoreSet>of() : scoreSets) {
			List<String> problems = new ArrayList<>();
			double[] values = set.scorer().score(job.truth(), output, problems);
			for (int k = 0; k < values.length; k++)
				scores.add(new Score(job.experiment(), job.fitted().method(), job.image(), job.fitted().reference(), set.convention(),
					set.metrics().get(k), values[k]));
			for (String p : problems)
				jobWarnings.add(set.convention() + " " + p);
		}
		return new JobResult(scores, job.keepOutput() ? output : null, jobWarnings);
	}

	private Montage montageHeader(List<String> ran) {
		List<String> columns = new ArrayList<>();
		columns.add("source");
		for (String m : ran)
			if (!m.equals(UNNORMALIZED)) columns.add(m);
		columns.add("ground truth");
		return new Montage(columns);
	}

	private RgbImage montage(String experiment, List<String> ran, List<String[]> names, List<RgbImage> truths, Map<String, Map<String, RgbImage>> outputs) {
		Montage montage = montageHeader(ran);
		for (int r = 0; r < names.size(); r++) {
			String image = names.get(r)[0];
			List<RgbImage> cells = new ArrayList<>();
			cells.add(outputs.getOrDefault(experiment + "/" + UNNORMALIZED, Map.of()).get(image));
			for (String m : ran)
				if (!m.equals(UNNORMALIZED)) cells.add(outputs.getOrDefault(experiment + "/" + m, Map.of()).get(image));
			cells.add(truths.get(r));
			montage.addRow(image, cells.toArray(RgbImage[]::new));
		}
		// cells no larger than the images themselves: upscaled cells only make the file bigger
		return montage.render(Math.min(88, truths.stream().mapToInt(t -> Math.max(t.width(), t.height())).max().orElse(128)));
	}
}
