package sc.fiji.stainnorm.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import sc.fiji.stainnorm.core.ParallelItems;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;

/** The metric sets of both conventions, and the evaluation of many image pairs into a {@link MetricTable}. */
public final class Metrics {
	private Metrics() {}

	/** The twelve metrics of the STST paper, in its order: SSIM, MS-SSIM, FSIM, FSIMc, SCC, PCC, MSE, RMSE, PSNR, ERGAS, RASE, UQI. */
	public static List<Metric> of(Convention convention) {
		return List.of(new Ssim(convention), new MsSsim(convention), new Fsim(false), new Fsim(true), new Scc(convention),
			new Pcc(), new Mse(), new Rmse(), new Psnr(), new Ergas(convention), new Rase(convention), new Uqi(convention));
	}

	/**
	 * sewar 0.4.3's {@code msssim} (5 scales, channel-mixing downsampling), for comparison with numbers computed with
	 * sewar. The paper convention's MS-SSIM is the STST repository's MATLAB code instead, which is what Table I reports.
	 */
	public static Metric sewarMsSsim() {
		return MsSsim.sewar();
	}

	/** One metric by its name (case-insensitive), e.g. {@code "ms-ssim"}. */
	public static Metric byName(String name, Convention convention) {
		for (Metric m : of(convention))
			if (m.name().equalsIgnoreCase(name.trim())) return m;
		throw new StainNormException("Unknown metric '" + name + "' (known: "
			+ String.join(", ", of(convention).stream().map(Metric::name).toList()) + ")");
	}

	/**
	 * Every metric and the stain-separation distances for one pair, in the order of
	 * {@link MetricTable#columns(List)}. A metric undefined for these images (e.g. too small) gives NaN and a line in
	 * {@code problems}; unequal sizes fail the whole pair.
	 */
	public static double[] computeRow(List<Metric> metrics, RgbImage groundTruth, RgbImage prediction, List<String> problems) {
		// the metrics share the RGB planes and sliding error maps of this pair
		return RowMemo.within(() -> computeRowShared(metrics, groundTruth, prediction, problems));
	}

	private static double[] computeRowShared(List<Metric> metrics, RgbImage groundTruth, RgbImage prediction, List<String> problems) {
		Planes.checkSameSize(groundTruth, prediction);
		double[] row = new double[metrics.size() + StainSeparation.COLUMNS.size()];
		Fsim.Result fsim = null;
		String fsimProblem = null;
		MsSsim.WithSsim structural = sharedStructural(metrics, groundTruth, prediction);
		for (int i = 0; i < metrics.size(); i++) {
			Metric m = metrics.get(i);
			try {
				if (structural != null && m instanceof Ssim s && s.isStandard()) row[i] = structural.ssim();
				else if (structural != null && m instanceof MsSsim s && s.sharesSsim()) row[i] = structural.msSsim();
				else if (m instanceof Fsim f) {
					// FSIM and FSIMc share the phase congruency: compute it once per pair
					if (fsim == null && fsimProblem == null) {
						try {
							fsim = Fsim.both(groundTruth, prediction);
						}
						catch (StainNormException e) {
							fsimProblem = e.getMessage();
						}
					}
					if (fsimProblem != null) throw new StainNormException(fsimProblem);
					row[i] = f.select(fsim);
				}
				else row[i] = m.compute(groundTruth, prediction);
			}
			catch (StainNormException e) {
				row[i] = Double.NaN;
				problems.add(m.name() + ": " + e.getMessage());
			}
		}
		StainSeparation.Distances d = StainSeparation.compute(groundTruth, prediction);
		double[] s = d.asArray();
		System.arraycopy(s, 0, row, metrics.size(), s.length);
		problems.addAll(d.warnings());
		return row;
	}

	/**
	 * The standard SSIM and MS-SSIM from one pass when both are in the list (the SSIM is MS-SSIM's finest scale),
	 * else null: each is then computed on its own, also to report its own problems.
	 */
	private static MsSsim.WithSsim sharedStructural(List<Metric> metrics, RgbImage groundTruth, RgbImage prediction) {
		boolean ssim = metrics.stream().anyMatch(m -> m instanceof Ssim s && s.isStandard());
		boolean msSsim = metrics.stream().anyMatch(m -> m instanceof MsSsim s && s.sharesSsim());
		if (!ssim || !msSsim || groundTruth.width() < 176 || groundTruth.height() < 176) return null;
		try {
			return MsSsim.standardWithSsim(groundTruth, prediction);
		}
		catch (StainNormException e) {
			return null;
		}
	}

	/**
	 * Computes every metric of the convention for every pair, {@code threads} pairs at a time. A pair that cannot be
	 * read or compared becomes a failed row (reported through {@code progress} and {@link MetricTable#failures()});
	 * the others go on.
	 */
	public static MetricTable evaluate(List<ImagePair> pairs, Convention convention, int threads, Progress progress) {
		if (pairs.isEmpty()) throw new StainNormException("No image pairs to evaluate");
		if (threads < 1) throw new StainNormException("Threads must be at least 1, got " + threads);
		List<Metric> metrics = of(convention);
		AtomicInteger done = new AtomicInteger();
		List<MetricTable.Row> computed = ParallelItems.map(pairs, threads, "metrics", progress, (index, pair) -> {
			List<String> problems = new ArrayList<>();
			MetricTable.Row row;
			try {
				RgbImage[] images = pair.load();
				row = new MetricTable.Row(pair.name(), computeRow(metrics, images[0], images[1], problems), problems, null);
			}
			catch (StainNormException e) {
				row = MetricTable.Row.failed(pair.name(), e.getMessage());
			}
			catch (RuntimeException e) {
				row = MetricTable.Row.failed(pair.name(), "internal error: " + e);
			}
			for (String problem : problems)
				progress.warn(pair.name() + ": " + problem);
			if (row.error() != null) progress.error(pair.name() + ": " + row.error());
			progress.update(done.incrementAndGet(), pairs.size(), pair.name());
			return row;
		}, "Metric evaluation interrupted", IllegalStateException::new);
		List<MetricTable.Row> rows = new ArrayList<>();
		for (int i = 0; i < pairs.size(); i++)
			rows.add(computed.get(i) != null ? computed.get(i) : MetricTable.Row.failed(pairs.get(i).name(), "cancelled"));
		return new MetricTable(convention, MetricTable.columns(metrics), higherIsBetter(metrics), rows);
	}

	private static boolean[] higherIsBetter(List<Metric> metrics) {
		boolean[] b = new boolean[metrics.size() + StainSeparation.COLUMNS.size()];
		for (int i = 0; i < metrics.size(); i++)
			b[i] = metrics.get(i).higherIsBetter();
		return b;
	}

	/** A value as the tables show it: six significant digits, "n/a" for NaN, "inf" for infinity. */
	public static String format(double v) {
		if (Double.isNaN(v)) return "n/a";
		if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
		return String.format(Locale.ROOT, "%.6g", v);
	}
}
