package sc.fiji.stainnorm.evaluate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ij.process.ColorProcessor;
import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.ImageOutput;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.report.Plots;

/**
 * Writes an evaluation to a folder: per-image scores, summary, sensitivity, stain shifts and timing as
 * CSV; box plots, montages and the training-loss plot as PNG; and everything as one Markdown report.
 * The CSV files hold only reproducible numbers (no clock readings except in {@code timing.csv}).
 */
public final class ReportWriter {

	/**
	 * Seconds to fit once and normalize {@code patches} patches of {@code size}² pixels with {@code threads}
	 * threads; {@code cpuSeconds} is the normalizing threads' CPU time, which other programs on the machine do
	 * not inflate.
	 */
	public record Timing(String method, int patches, int size, int threads, double fitSeconds, double normalizeSeconds, double cpuSeconds,
		String note) {
		public double seconds() {
			return fitSeconds + normalizeSeconds;
		}
	}

	/** Everything about the run that is not a score: how it was started and how long it took. */
	public record RunInfo(String command, String machine, double seconds, int threads, long seed, String modelDescription) {}

	private final Path dir;
	private final Path figures;

	public ReportWriter(Path dir) {
		this.dir = dir;
		this.figures = dir.resolve("figures");
	}

	/**
	 * @param markdown   where to write the Markdown report (figure links are made relative to its folder)
	 * @param directions per metric name, true when higher is better
	 * @param lossCsv    the STST model's training-loss CSV, or null
	 * @param notes      extra paragraphs for the end of the report (e.g. how this differs from the paper)
	 */
	public Path write(EvaluationData data, Evaluation.Result result, Map<String, Boolean> directions, List<Timing> timings, Path lossCsv,
		RunInfo run, Path markdown, List<String> notes) {
		List<Score> primary = Summary.primary(result.scores(), result.referenceNames().isEmpty() ? "" : result.referenceNames().get(0));
		List<Summary.Stat> stats = Summary.stats(primary);
		List<Summary.Spread> spreads = Summary.sensitivity(result.scores());
		writeCsv("scores.csv", "experiment,method,image,reference,convention,metric,value",
			result.scores().stream().map(s -> csv(s.experiment(), s.method(), s.image(), s.reference(), s.convention(), s.metric()) + "," + num(s.value())).toList());
		writeCsv("summary.csv", "experiment,convention,metric,higher_is_better,method,mean,std,n",
			stats.stream().map(s -> csv(s.experiment(), s.convention(), s.metric(), String.valueOf(directions.getOrDefault(s.metric(), true)), s.method())
				+ "," + num(s.mean()) + "," + num(s.std()) + "," + s.n()).toList());
		writeCsv("sensitivity.csv", "convention,metric,method,references,mean,std,min,max",
			spreads.stream().map(s -> csv(s.convention(), s.metric(), s.method()) + "," + s.references() + "," + num(s.mean()) + ","
				+ num(s.std()) + "," + num(s.min()) + "," + num(s.max())).toList());
		writeCsv("shifts.csv", "image,seed,h_r,h_g,h_b,h_turn_deg,e_r,e_g,e_b,e_turn_deg,h_scale,e_scale,intensity,gamma",
			result.shifts().stream().map(r -> {
				var s = r.shift();
				double[] h = s.hematoxylin(), e = s.eosin();
				return csv(r.image()) + "," + r.seed() + "," + join(h[0], h[1], h[2], s.turnDegrees(0), e[0], e[1], e[2], s.turnDegrees(1),
					s.hScale(), s.eScale(), s.intensity(), s.gamma());
			}).toList());
		if (!timings.isEmpty())
			writeCsv("timing.csv", "method,patches,size,threads,fit_seconds,normalize_seconds,total_seconds,cpu_seconds,note", timings.stream()
				.map(t -> csv(t.method()) + "," + t.patches() + "," + t.size() + "," + t.threads() + "," + num(t.fitSeconds()) + ","
					+ num(t.normalizeSeconds()) + "," + num(t.seconds()) + "," + num(t.cpuSeconds()) + "," + csv(t.note())).toList());

		List<String> experiments = Summary.distinct(stats, Summary.Stat::experiment);
		List<String> conventions = Summary.distinct(stats, Summary.Stat::convention);
		for (String ex : experiments)
			for (String conv : conventions)
				writePng(boxPlotGrid(primary, ex, conv, result.methods(), directions), "box_" + ex + "_" + conv + ".png");
		for (var m : result.montages().entrySet())
			writePng(m.getValue(), "montage_" + m.getKey() + ".png");
		if (!timings.isEmpty())
			writePng(Plots.barPlot("seconds for " + timings.get(0).patches() + " patches", timings.stream().map(Timing::method).toList(),
				timings.stream().mapToDouble(Timing::seconds).toArray()), "timing.png");
		boolean loss = lossCsv != null && Files.exists(lossCsv) && writeLossPlot(lossCsv);

		Path md = markdown != null ? markdown : dir.resolve("results.md");
		String text = MarkdownReport.render(data, result, stats, spreads, directions, timings, loss, run, relative(md, dir), notes);
		// the cross-lab section comes from its own run (CrossLab): regenerating this report keeps it
		try {
			String kept = Files.exists(md) ? CrossLab.section(Files.readString(md)) : "";
			if (!kept.isEmpty()) text = text + (text.endsWith("\n") ? "\n" : "\n\n") + kept;
		}
		catch (java.io.IOException e) {
			throw new sc.fiji.stainnorm.core.StainNormException("Cannot read the existing report " + md + ": " + e.getMessage());
		}
		writeText(md, text);
		return md;
	}

	/** The metrics of one experiment and convention as a grid of box plots (one per metric, methods along x). */
	private RgbImage boxPlotGrid(List<Score> scores, String experiment, String convention, List<String> methods, Map<String, Boolean> directions) {
		List<String> metrics = Summary.distinct(scores.stream().filter(s -> s.experiment().equals(experiment) && s.convention().equals(convention)).toList(),
			Score::metric);
		List<RgbImage> plots = new ArrayList<>();
		for (String metric : metrics) {
			List<double[]> values = new ArrayList<>();
			for (String m : methods)
				values.add(scores.stream().filter(s -> s.experiment().equals(experiment) && s.convention().equals(convention) && s.metric().equals(metric)
					&& s.method().equals(m)).mapToDouble(Score::value).toArray());
			String dirn = directions.getOrDefault(metric, true) ? " (higher better)" : " (lower better)";
			plots.add(Plots.boxPlot(metric + dirn, methods.stream().map(ReportWriter::shortName).toList(), values));
		}
		int cols = Math.min(3, Math.max(1, plots.size()));
		int rows = (plots.size() + cols - 1) / cols;
		int w = plots.isEmpty() ? 1 : plots.get(0).width(), h = plots.isEmpty() ? 1 : plots.get(0).height();
		ColorProcessor grid = new ColorProcessor(cols * w, Math.max(1, rows) * h);
		grid.setColor(java.awt.Color.WHITE);
		grid.fill();
		for (int i = 0; i < plots.size(); i++) {
			RgbImage p = plots.get(i);
			grid.insert(new ColorProcessor(p.width(), p.height(), p.pixels()), (i % cols) * w, (i / cols) * h);
		}
		return RgbImage.wrap(grid.getWidth(), grid.getHeight(), (int[]) grid.getPixels());
	}

	static String shortName(String method) {
		return method.equals(Evaluation.UNNORMALIZED) ? "none" : method;
	}

	/**
	 * The training-loss figure: the trainer's own plot when it lies beside the CSV (as for the bundled model),
	 * otherwise one panel per loss drawn here from the CSV.
	 */
	private boolean writeLossPlot(Path lossCsv) {
		String name = lossCsv.getFileName().toString();
		Path trainerPlot = lossCsv.resolveSibling(name.replaceFirst("\\.csv$", "") + ".png");
		if (name.endsWith(".csv") && Files.isRegularFile(trainerPlot)) {
			try {
				writePng(sc.fiji.stainnorm.core.ImageFiles.read(trainerPlot), "training_loss.png");
				return true;
			}
			catch (StainNormException e) {
				// unreadable plot: draw our own below
			}
		}
		List<String> lines;
		try {
			lines = Files.readAllLines(lossCsv);
		}
		catch (IOException e) {
			return false;
		}
		if (lines.size() < 2) return false;
		String[] header = lines.get(0).split(",");
		List<double[]> rows = new ArrayList<>();
		for (String line : lines.subList(1, lines.size())) {
			String[] f = line.split(",", -1);
			double[] v = new double[header.length];
			for (int i = 0; i < header.length; i++) // health: text (the trainer's own plot shades it)
				v[i] = i < f.length && !f[i].isEmpty() && !header[i].equals("health") ? Double.parseDouble(f[i]) : Double.NaN;
			rows.add(v);
		}
		// one panel per training loss (their scales differ by orders of magnitude); validation joins the L1 panel
		List<RgbImage> panels = new ArrayList<>();
		for (int c = 1; c < header.length; c++) {
			if (header[c].equals("seconds") || header[c].equals("health") || header[c].startsWith("val")) continue;
			List<String> names = new ArrayList<>();
			List<double[]> xs = new ArrayList<>(), ys = new ArrayList<>();
			for (int k : new int[] { c, header[c].endsWith("l1") ? java.util.Arrays.asList(header).indexOf("val_l1") : -1 }) {
				if (k < 0) continue;
				int col = k;
				double[][] pts = rows.stream().filter(r -> Double.isFinite(r[col])).map(r -> new double[] { r[0], r[col] }).toArray(double[][]::new);
				names.add(header[k] + (header[k].startsWith("val") ? "" : " (mean of 25 steps)"));
				xs.add(java.util.Arrays.stream(pts).mapToDouble(pt -> pt[0]).toArray());
				ys.add(Plots.movingAverage(java.util.Arrays.stream(pts).mapToDouble(pt -> pt[1]).toArray(), header[k].startsWith("val") ? 1 : 25));
			}
			panels.add(Plots.linePlot("step", header[c], names, xs, ys));
		}
		if (panels.isEmpty()) return false;
		int w = panels.get(0).width(), h = panels.get(0).height();
		ColorProcessor stack = new ColorProcessor(w, h * panels.size());
		for (int i = 0; i < panels.size(); i++)
			stack.insert(new ColorProcessor(w, h, panels.get(i).pixels()), 0, i * h);
		writePng(RgbImage.wrap(w, h * panels.size(), (int[]) stack.getPixels()), "training_loss.png");
		return true;
	}

	/**
	 * Tissue montages and anti-aliased plots compress badly as RGB PNG; a 256-colour palette (median cut) makes
	 * them several times smaller with no visible change, so a report with figures can live in the repository.
	 */
	private void writePng(RgbImage image, String name) {
		var indexed = new ij.process.MedianCut(new ColorProcessor(image.width(), image.height(), image.pixels().clone())).convertToByte(256);
		ImageOutput.write(new ij.ImagePlus(name, indexed), figures.resolve(name), true);
	}

	private void writeCsv(String name, String header, List<String> rows) {
		StringBuilder sb = new StringBuilder(header).append('\n');
		for (String r : rows)
			sb.append(r).append('\n');
		writeText(dir.resolve(name), sb.toString());
	}

	static void writeText(Path file, String text) {
		AtomicFile.writeString(file, text);
	}

	private static String relative(Path markdown, Path target) {
		Path from = markdown.toAbsolutePath().normalize().getParent();
		return from.relativize(target.toAbsolutePath().normalize()).toString().replace('\\', '/');
	}

	/** Full precision, locale-independent; NaN stays NaN so a missing value is visible. */
	static String num(double v) {
		return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.10g", v);
	}

	private static String join(double... v) {
		StringBuilder sb = new StringBuilder();
		for (double d : v)
			sb.append(sb.length() == 0 ? "" : ",").append(num(d));
		return sb.toString();
	}

	private static String csv(String... fields) {
		StringBuilder sb = new StringBuilder();
		for (String f : fields) {
			if (sb.length() > 0) sb.append(',');
			sb.append(f.contains(",") || f.contains("\"") ? "\"" + f.replace("\"", "\"\"") + "\"" : f);
		}
		return sb.toString();
	}
}
