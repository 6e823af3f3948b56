package sc.fiji.stainnorm.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.Csv;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.metrics.Convention;
import sc.fiji.stainnorm.metrics.ImagePair;
import sc.fiji.stainnorm.metrics.MetricTable;
import sc.fiji.stainnorm.metrics.Metrics;
import sc.fiji.stainnorm.normalize.BatchNormalizer;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.report.Montage;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.TestImages;

/**
 * The out-of-the-box run: the project's synthetic test images (tissue 1 rendered in styles A and C) are
 * normalized by every method towards style B, with tissue 2 in style B as the reference, so tissue 1 in
 * style B is the exact ground truth. Writes the outputs, a montage, and the mean of every standard-convention metric
 * per method (and for the unnormalized input) against that ground truth.
 */
public final class Demo {
	public static final StainStyle TARGET = StainStyle.B;
	public static final StainStyle[] SOURCES = { StainStyle.A, StainStyle.C };
	public static final long TISSUE = 1, REFERENCE_TISSUE = 2;

	public record Result(Path outputDir, List<String> methods, Map<String, String> skipped, Path montage, Path metricsCsv,
		String metricsText) {}

	private Demo() {}

	public static Result run(Path outputDir, boolean overwrite, Progress progress) {
		BatchNormalizer.refuseNonEmptyFolder(outputDir, overwrite, "");
		AtomicFile.requireWritableFolder(outputDir, "output folder");
		RgbImage reference = TestImages.render(REFERENCE_TISSUE, TARGET);
		RgbImage truth = TestImages.render(TISSUE, TARGET);
		Map<String, RgbImage> sources = new LinkedHashMap<>();
		for (StainStyle s : SOURCES)
			sources.put(TestImages.fileName(TISSUE, s), TestImages.render(TISSUE, s));
		ImageFiles.write(reference, outputDir.resolve("input").resolve("reference_" + TestImages.fileName(REFERENCE_TISSUE, TARGET)));
		ImageFiles.write(truth, outputDir.resolve("input").resolve("ground_truth_" + TestImages.fileName(TISSUE, TARGET)));
		for (var e : sources.entrySet())
			ImageFiles.write(e.getValue(), outputDir.resolve("input").resolve(e.getKey()));

		List<String> ran = new ArrayList<>();
		Map<String, String> skipped = new LinkedHashMap<>();
		Map<String, Map<String, RgbImage>> outputs = new LinkedHashMap<>();
		List<String> methods = Methods.names();
		int step = 0;
		for (String method : methods) {
			progress.update(step++, methods.size(), method);
			try {
				StainNormalizer n = Methods.create(method);
				n.fit(List.of(reference));
				Map<String, RgbImage> out = new LinkedHashMap<>();
				for (var e : sources.entrySet()) {
					var result = n.normalize(e.getValue());
					result.warnings().forEach(w -> progress.warn(method + " " + e.getKey() + ": " + w));
					ImageFiles.write(result.image(), outputDir.resolve(method).resolve(e.getKey()));
					out.put(e.getKey(), result.image());
				}
				outputs.put(method, out);
				ran.add(method);
			}
			catch (StainNormException e) {
				skipped.put(method, e.getMessage());
				progress.warn(method + " skipped: " + e.getMessage());
			}
		}
		progress.update(methods.size(), methods.size(), "montage");

		List<String> columns = new ArrayList<>();
		columns.add("source");
		columns.addAll(ran);
		columns.add("ground truth (B)");
		Montage montage = new Montage(columns);
		for (var e : sources.entrySet()) {
			List<RgbImage> cells = new ArrayList<>();
			cells.add(e.getValue());
			for (String m : ran)
				cells.add(outputs.get(m).get(e.getKey()));
			cells.add(truth);
			montage.addRow(e.getKey(), cells.toArray(RgbImage[]::new));
		}
		Path montagePath = outputDir.resolve("montage.png");
		ImageFiles.write(montage.render(200), montagePath);

		Map<String, Map<String, RgbImage>> scored = new LinkedHashMap<>();
		scored.put("unnormalized", sources);
		scored.putAll(outputs);
		Map<String, MetricTable> tables = new LinkedHashMap<>();
		for (var e : scored.entrySet()) {
			List<ImagePair> pairs = new ArrayList<>();
			e.getValue().forEach((name, image) -> pairs.add(ImagePair.ofImages(name, truth, image)));
			tables.put(e.getKey(), Metrics.evaluate(pairs, Convention.STANDARD, Runtime.getRuntime().availableProcessors(), Progress.NONE));
		}
		Path csv = outputDir.resolve("metrics.csv");
		String text = writeSummary(tables, csv);
		return new Result(outputDir, ran, skipped, montagePath, csv, text);
	}

	/**
	 * One row per method: the mean over the source images of every metric against the ground truth, as CSV and as
	 * the text table the demo prints.
	 */
	private static String writeSummary(Map<String, MetricTable> tables, Path csv) {
		List<String> columns = tables.values().iterator().next().columns();
		StringBuilder out = new StringBuilder("method," + String.join(",", columns) + "\n");
		StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%-13s", "vs truth"));
		for (String c : columns)
			text.append(String.format(Locale.ROOT, "%10s", c));
		text.append('\n');
		for (var e : tables.entrySet()) {
			MetricTable t = e.getValue();
			out.append(e.getKey());
			text.append(String.format(Locale.ROOT, "%-13s", e.getKey()));
			for (int c = 0; c < columns.size(); c++) {
				out.append(',').append(Csv.number(t.mean(c)));
				text.append(String.format(Locale.ROOT, "%10.4g", t.mean(c)));
			}
			out.append('\n');
			text.append('\n');
		}
		AtomicFile.writeString(csv, out);
		return text.toString();
	}

}
