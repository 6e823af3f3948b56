package sc.fiji.stainnorm.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.Csv;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.ParallelItems;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.metrics.Convention;
import sc.fiji.stainnorm.metrics.Metric;
import sc.fiji.stainnorm.metrics.Metrics;
import sc.fiji.stainnorm.metrics.StainSeparation;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.Normalized;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.report.Plots;
import sc.fiji.stainnorm.report.Montage;

/**
 * Compares methods on a folder of pairs: every source image is normalized by every method (classical ones
 * towards the reference images, STST with its model) and each result is measured against the ground truth
 * of the same file name. The unnormalized source is measured too ({@value #UNNORMALIZED}), the bar every
 * method must clear. Images are read one pair at a time, so a large folder does not have to fit in memory.
 */
public final class MethodComparison {
	public static final String UNNORMALIZED = "unnormalized";

	/** A source image and its ground truth, of the same file name. */
	public record Pair(String name, Path source, Path groundTruth) {}

	/**
	 * @param methods     method names to run (see {@link #parseMethods})
	 * @param model       model file for methods that carry their style in a model (STST); null for the default
	 * @param imagesDir   where to write each method's outputs as {@code <imagesDir>/<method>/<name>}; null for nowhere
	 * @param montageRows how many pairs (the first ones) appear in the montage; 0 for no montage
	 */
	public record Settings(List<String> methods, Path model, Convention convention, int threads, int montageRows, Path imagesDir) {
		public Settings {
			if (threads < 1) throw new InvalidSettingException("threads must be at least 1, got " + threads);
			if (montageRows < 0) throw new InvalidSettingException("montage_rows must be 0 or more, got " + montageRows);
			methods = List.copyOf(methods);
		}
	}

	/** One method on one pair: the metric values in {@link Result#columns()} order, or the error that stopped it. */
	public record Row(String method, String image, double[] values, List<String> warnings, String error) {}

	/**
	 * @param methods  {@value #UNNORMALIZED} then the methods that ran, in table order
	 * @param skipped  methods that could not be prepared (e.g. no reference given), with the reason
	 * @param montage  source | each method | ground truth for the first pairs; null if none was asked for
	 */
	public record Result(Convention convention, List<String> columns, boolean[] higherIsBetter, List<String> methods,
		Map<String, String> skipped, List<Row> rows, RgbImage montage, boolean cancelled)
	{
		public List<Row> rows(String method) {
			return rows.stream().filter(r -> r.method().equals(method)).toList();
		}

		public int columnIndex(String column) {
			for (int c = 0; c < columns.size(); c++)
				if (columns.get(c).equalsIgnoreCase(column.trim())) return c;
			throw new InvalidSettingException("No metric '" + column + "' (known: " + String.join(", ", columns) + ")");
		}

		/** The method's values in one column, over the pairs where it exists. */
		public double[] values(String method, int column) {
			return rows(method).stream().filter(r -> r.values() != null).mapToDouble(r -> r.values()[column]).filter(v -> !Double.isNaN(v))
				.toArray();
		}

		public double mean(String method, int column) {
			double[] v = values(method, column);
			return v.length == 0 ? Double.NaN : Arrays.stream(v).sum() / v.length;
		}

		/** Population standard deviation, as {@code numpy.std} and the metrics table. */
		public double std(String method, int column) {
			double[] v = values(method, column);
			double m = mean(method, column);
			if (v.length == 0 || Double.isInfinite(m)) return Double.NaN;
			return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / v.length);
		}

		public List<Row> failures() {
			return rows.stream().filter(r -> r.error() != null).toList();
		}
	}

	private MethodComparison() {}

	/** The table's columns: the metrics of the convention, then the stain-separation distances. */
	public static List<String> columns(Convention convention) {
		List<String> columns = new ArrayList<>(Metrics.of(convention).stream().map(Metric::name).toList());
		columns.addAll(StainSeparation.COLUMNS);
		return List.copyOf(columns);
	}

	/** The column called {@code name} (any case), as spelled in the table. */
	public static String column(Convention convention, String name) {
		for (String c : columns(convention))
			if (c.equalsIgnoreCase(name.trim())) return c;
		throw new InvalidSettingException("No metric '" + name + "' (known: " + String.join(", ", columns(convention)) + ")");
	}

	/** {@code all} (or blank) for every registered method, else a comma-separated list of known names. */
	public static List<String> parseMethods(String text) {
		String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
		if (t.isEmpty() || t.equals("all")) return Methods.names();
		LinkedHashSet<String> names = new LinkedHashSet<>();
		for (String part : t.split("[,;\\s]+")) {
			if (part.isEmpty()) continue;
			if (!Methods.names().contains(part))
				throw new InvalidSettingException("Unknown method '" + part + "' in methods; choose from all, " + String.join(", ", Methods.names()));
			names.add(part);
		}
		if (names.isEmpty()) throw new InvalidSettingException("methods lists no method; give all or some of " + String.join(", ", Methods.names()));
		return List.copyOf(names);
	}

	/** Pairs the image files of the two folders by file name; every file needs its partner. */
	public static List<Pair> matchFolders(Path sourceDir, Path groundTruthDir) {
		Map<String, Path> src = imageFiles(sourceDir, "source_folder"), gt = imageFiles(groundTruthDir, "ground_truth_folder");
		List<String> onlySrc = src.keySet().stream().filter(k -> !gt.containsKey(k)).toList();
		List<String> onlyGt = gt.keySet().stream().filter(k -> !src.containsKey(k)).toList();
		if (!onlySrc.isEmpty() || !onlyGt.isEmpty()) {
			List<String> parts = new ArrayList<>();
			if (!onlySrc.isEmpty()) parts.add(onlySrc.size() + " only in " + sourceDir + ": " + list(onlySrc));
			if (!onlyGt.isEmpty()) parts.add(onlyGt.size() + " only in " + groundTruthDir + ": " + list(onlyGt));
			throw new StainNormException("Source and ground-truth folders must hold the same file names; " + String.join("; ", parts));
		}
		List<Pair> pairs = new ArrayList<>();
		for (String name : src.keySet())
			pairs.add(new Pair(name, src.get(name), gt.get(name)));
		return pairs;
	}

	private static String list(List<String> names) {
		return String.join(", ", names.subList(0, Math.min(10, names.size()))) + (names.size() > 10 ? ", ..." : "");
	}

	private static Map<String, Path> imageFiles(Path dir, String what) {
		if (dir == null) throw new StainNormException("No " + what + " given");
		if (!Files.exists(dir)) throw new StainNormException(what + " " + dir + " not found");
		if (!Files.isDirectory(dir)) throw new StainNormException(what + " " + dir + " is a file, not a folder");
		Map<String, Path> files = new TreeMap<>();
		try (Stream<Path> s = Files.list(dir)) {
			s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).filter(ImageFiles::isImageFile)
				.forEach(p -> files.put(p.getFileName().toString(), p));
		}
		catch (IOException e) {
			throw new StainNormException("Cannot list " + what + " " + dir + ": " + e.getMessage());
		}
		if (files.isEmpty())
			throw new StainNormException("No image files in " + what + " " + dir + " (accepted: " + String.join(", ", ImageFiles.EXTENSIONS) + ")");
		return files;
	}

	public static Result run(List<Pair> pairs, List<RgbImage> references, Settings settings, Progress progress) {
		if (pairs.isEmpty()) throw new StainNormException("No image pairs to compare");
		Map<String, String> skipped = new LinkedHashMap<>();
		Map<String, StainNormalizer> normalizers = new LinkedHashMap<>();
		for (String method : settings.methods()) {
			progress.update(0, pairs.size(), "preparing " + method);
			try {
				normalizers.put(method, fitted(method, references, settings.model()));
			}
			catch (StainNormException e) {
				skipped.put(method, e.getMessage());
				progress.warn(method + " skipped: " + e.getMessage());
			}
		}
		List<String> methods = new ArrayList<>();
		methods.add(UNNORMALIZED);
		methods.addAll(normalizers.keySet());

		List<Metric> metrics = Metrics.of(settings.convention());
		List<String> columns = columns(settings.convention());
		boolean[] higher = new boolean[columns.size()];
		for (int i = 0; i < metrics.size(); i++)
			higher[i] = metrics.get(i).higherIsBetter();

		RgbImage[][] montageCells = new RgbImage[Math.min(settings.montageRows(), pairs.size())][];
		AtomicInteger done = new AtomicInteger();
		List<Row[]> rows = ParallelItems.map(pairs, settings.threads(), "compare-methods", progress, (index, pair) -> {
			RgbImage[] cells = index < montageCells.length ? new RgbImage[methods.size() + 1] : null;
			Row[] pairRows = comparePair(pair, methods, normalizers, metrics, settings.imagesDir(), cells, progress);
			if (cells != null) montageCells[index] = cells;
			progress.update(done.incrementAndGet(), pairs.size(), pair.name());
			return pairRows;
		}, "Comparison interrupted", cause -> cause instanceof StainNormException sne ? sne : new IllegalStateException(cause));
		List<Row> all = new ArrayList<>();
		boolean cancelled = false;
		for (Row[] r : rows)
			if (r == null) cancelled = true;
			else all.addAll(List.of(r));
		return new Result(settings.convention(), List.copyOf(columns), higher, List.copyOf(methods), skipped, List.copyOf(all),
			montage(pairs, methods, montageCells), cancelled);
	}

	private static StainNormalizer fitted(String method, List<RgbImage> references, Path model) {
		StainNormalizer n = Methods.create(method);
		if (n.needsReference()) {
			if (references.isEmpty()) throw new StainNormException(method + " needs reference images of the target style (reference_images)");
			n.fit(references);
		}
		else {
			if (model != null) n = Methods.create(method, MethodOptions.none().with("model", model.toString()));
			n.fit(List.of());
		}
		return n;
	}

	/** The rows of one pair, one per method; {@code cells} (if not null) receives source, outputs and truth. */
	private static Row[] comparePair(Pair pair, List<String> methods, Map<String, StainNormalizer> normalizers, List<Metric> metrics,
		Path imagesDir, RgbImage[] cells, Progress progress)
	{
		Row[] rows = new Row[methods.size()];
		RgbImage source, truth;
		try {
			source = ImageFiles.read(pair.source());
			truth = ImageFiles.read(pair.groundTruth());
		}
		catch (StainNormException e) {
			for (int m = 0; m < rows.length; m++)
				rows[m] = new Row(methods.get(m), pair.name(), null, List.of(), e.getMessage());
			progress.warn(pair.name() + ": " + e.getMessage());
			return rows;
		}
		if (cells != null) {
			cells[0] = source;
			cells[cells.length - 1] = truth;
		}
		for (int m = 0; m < rows.length; m++) {
			String method = methods.get(m);
			List<String> warnings = new ArrayList<>();
			try {
				RgbImage output = source;
				if (!method.equals(UNNORMALIZED)) {
					Normalized n = normalizers.get(method).normalize(source);
					warnings.addAll(n.warnings());
					output = n.image();
					if (imagesDir != null) ImageFiles.write(output, imagesDir.resolve(method).resolve(pair.name()));
					if (cells != null) cells[m] = output;
				}
				rows[m] = new Row(method, pair.name(), Metrics.computeRow(metrics, truth, output, warnings), List.copyOf(warnings), null);
			}
			catch (StainNormException e) {
				rows[m] = new Row(method, pair.name(), null, List.copyOf(warnings), e.getMessage());
				progress.warn(method + " " + pair.name() + ": " + e.getMessage());
			}
			for (String w : warnings)
				progress.warn(method + " " + pair.name() + ": " + w);
		}
		return rows;
	}

	private static RgbImage montage(List<Pair> pairs, List<String> methods, RgbImage[][] cells) {
		if (cells.length == 0) return null;
		List<String> columns = new ArrayList<>();
		columns.add("source");
		columns.addAll(methods.subList(1, methods.size()));
		columns.add("ground truth");
		Montage montage = new Montage(columns);
		int cellSize = 64;
		for (int r = 0; r < cells.length; r++) {
			if (cells[r] == null) continue;
			RgbImage[] row = cells[r];
			montage.addRow(pairs.get(r).name(), row);
			for (RgbImage c : row)
				if (c != null) cellSize = Math.max(cellSize, Math.min(256, Math.max(c.width(), c.height())));
		}
		return montage.render(cellSize);
	}

	/** A box plot (bars for a single pair) of one metric per method. */
	public static RgbImage plot(Result result, String metric) {
		return Plots.render(chart(result, metric));
	}

	/** {@link #plot} as an ImageJ plot, for a Plot window. */
	public static ij.gui.Plot chart(Result result, String metric) {
		int c = result.columnIndex(metric);
		String column = result.columns().get(c);
		List<double[]> values = result.methods().stream().map(m -> result.values(m, c)).toList();
		return Plots.metricChart(column + " per method (" + result.convention().label() + " convention, "
			+ (result.higherIsBetter()[c] ? "higher" : "lower") + " is better)", column, result.methods(), values);
	}

	/** Every row: {@code method,image,<columns>,error}; missing values empty, infinite ones {@code inf}. */
	public static void writeCsv(Result result, Path file) {
		StringBuilder sb = new StringBuilder("method,image,").append(String.join(",", result.columns())).append(",error\n");
		for (Row r : result.rows()) {
			sb.append(r.method()).append(',').append(Csv.field(r.image()));
			for (int c = 0; c < result.columns().size(); c++)
				sb.append(',').append(r.values() == null ? "" : Csv.number(r.values()[c]));
			sb.append(',').append(r.error() == null ? "" : Csv.field(r.error())).append('\n');
		}
		AtomicFile.writeString(file, sb);
	}

	/** Per method: how many pairs were compared, then mean and std of each column. */
	public static void writeSummaryCsv(Result result, Path file) {
		StringBuilder sb = new StringBuilder("method,pairs,failed");
		for (String c : result.columns())
			sb.append(',').append(c).append(" mean,").append(c).append(" std");
		sb.append('\n');
		for (String m : result.methods()) {
			List<Row> rows = result.rows(m);
			long failed = rows.stream().filter(r -> r.error() != null).count();
			sb.append(m).append(',').append(rows.size() - failed).append(',').append(failed);
			for (int c = 0; c < result.columns().size(); c++)
				sb.append(',').append(Csv.number(result.mean(m, c))).append(',').append(Csv.number(result.std(m, c)));
			sb.append('\n');
		}
		AtomicFile.writeString(file, sb);
	}
}
