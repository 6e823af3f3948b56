package sc.fiji.stainnorm.fiji;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import sc.fiji.stainnorm.compare.MethodComparison;
import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.PathChecks;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.metrics.Convention;

/**
 * Every chosen method on a folder of pairs (source images and their ground truth, matched by file name),
 * measured with the paper's metrics: the Fiji face of {@link MethodComparison}. Writes a table per image,
 * a summary per method, a plot of one metric per method and a montage like the paper's Fig. 1/5.
 */
@Plugin(type = Command.class, headless = true, label = CompareMethodsCommand.LABEL, description = "Normalizes a folder with each method and scores each result against the ground-truth image of the same file name.",
	menu = { @Menu(label = "Plugins"), @Menu(label = StainNormCommand.MENU), @Menu(label = CompareMethodsCommand.LABEL, weight = 5) })
public class CompareMethodsCommand extends StainNormCommand {
	public static final String LABEL = "Compare Stain Normalization Methods";
	static final String CSV = "comparison.csv", SUMMARY = "comparison_summary.csv", PLOT = "comparison_plot.png",
		MONTAGE = "comparison_montage.png";

	@Parameter
	private StatusService status;

	@Parameter(label = "Source folder", style = "directory", description = "Images to normalize")
	private File source_folder;

	@Parameter(label = "Ground-truth folder", style = "directory", description = "The same tissue in the target style, same file names")
	private File ground_truth_folder;

	@Parameter(label = "Reference images (files)", required = false, style = "files,extensions:png/tif/tiff/jpg/jpeg",
		description = "Images of the target stain style for the classical methods (never the ground truth itself)")
	private File[] reference_images;

	@Parameter(label = "Methods", required = false, description = "all, or a comma-separated list such as macenko,vahadane")
	private String methods = "all";

	@Parameter(label = "STST model", required = false, style = "open", description = "Default: the bundled model")
	private File model;

	@Parameter(label = "Metric convention", choices = { "standard", "paper" },
		description = "standard: textbook definitions; paper: the STST paper's implementations (comparable with its Table I)")
	private String convention = "standard";

	@Parameter(label = "Plotted metric", required = false, initializer = "initChoices", description = "The metric of the box plot")
	private String plot_metric = "SSIM";

	@Parameter(label = "Output folder", style = "directory",
		description = "Receives " + CSV + ", " + SUMMARY + ", " + PLOT + ", " + MONTAGE + " (and the images if save_images)")
	private File output_folder;

	@Parameter(label = "Save normalized images", required = false, persist = false,
		description = "Also write each method's outputs to <output_folder>/<method>/")
	private boolean save_images;

	@Parameter(label = "Montage rows", required = false, min = "0", description = "Pairs shown in the montage (the first ones); 0 = none")
	private int montage_rows = 4;

	@Parameter(label = "Overwrite saved files", required = false, persist = false)
	private boolean overwrite;

	@Parameter(label = "Threads", required = false, persist = false, min = "0", description = "Pairs at once; 0 = one per core")
	private int threads;

	@Parameter(type = ItemIO.OUTPUT, label = "Comparison plot")
	private ImagePlus plot;

	@Parameter(type = ItemIO.OUTPUT, label = "Comparison montage")
	private ImagePlus montage;

	private ResultsTable results, summary;
	private MethodComparison.Result comparison;

	protected void initChoices() {
		getInfo().getMutableInput("plot_metric", String.class).setChoices(MethodComparison.columns(Convention.STANDARD));
	}

	public ResultsTable results() {
		return results;
	}

	public ResultsTable summary() {
		return summary;
	}

	public MethodComparison.Result comparison() {
		return comparison;
	}

	@Override
	protected void execute() {
		Convention conv = Convention.parse(convention);
		List<String> chosen = MethodComparison.parseMethods(methods);
		if (threads < 0) throw new InvalidSettingException("threads=" + threads + " must be 0 (one per core) or more");
		if (montage_rows < 0) throw new InvalidSettingException("montage_rows=" + montage_rows + " must be 0 or more");
		String metric = orEmpty(plot_metric).isEmpty() ? "SSIM" : plot_metric.trim();
		if (output_folder == null || output_folder.getPath().isBlank())
			throw new StainNormException("No output_folder given: name the folder for the tables, plot and montage");
		if (output_folder.isFile()) throw new StainNormException("output_folder " + output_folder + " is a file, not a folder");
		Path out = output_folder.toPath();
		List<Path> targets = new ArrayList<>(List.of(out.resolve(CSV), out.resolve(SUMMARY), out.resolve(PLOT), out.resolve(MONTAGE)));
		if (save_images) chosen.forEach(m -> targets.add(out.resolve(m)));
		for (Path p : targets)
			if (Files.exists(p) && !overwrite) throw new StainNormException(p + " exists; set overwrite to replace it");
		if (model != null && !model.getPath().isBlank() && !model.isFile()) throw new StainNormException("model " + model + " not found");
		List<MethodComparison.Pair> pairs = MethodComparison.matchFolders(source_folder == null ? null : source_folder.toPath(),
			ground_truth_folder == null ? null : ground_truth_folder.toPath());
		List<Path> inputs = new ArrayList<>();
		for (MethodComparison.Pair p : pairs)
			inputs.addAll(List.of(p.source(), p.groundTruth()));
		for (Path t : targets) // <output_folder>/<method>/ holds images named like the sources: never an input's folder
			if (Files.isDirectory(t) || t.getFileName().toString().indexOf('.') < 0) PathChecks.refuseOutputInInputFolder(t, inputs, "The output folder");
			else PathChecks.refuseOutputIsInput(t, inputs, "The output");
		List<RgbImage> references = NormalizerSetup.references(reference_images, null);
		int n = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
		MethodComparison.Settings settings = new MethodComparison.Settings(chosen,
			model == null || model.getPath().isBlank() ? null : model.toPath(), conv, n, montage_rows, save_images ? out : null);
		metric = MethodComparison.column(conv, metric); // before the long run, so that a typo does not cost it
		AtomicFile.requireWritableFolder(out, "output_folder");

		status.showStatus("Comparing " + String.join(", ", chosen) + " on " + pairs.size() + " pairs");
		comparison = MethodComparison.run(pairs, references, settings, new StatusProgress(status, log, LABEL, this::isStopRequested));
		if (comparison.cancelled() || isStopRequested()) throw new StainNormException("cancelled; the tables were not saved");
		if (comparison.methods().size() == 1)
			throw new StainNormException("no method could run: " + String.join("; ", comparison.skipped().entrySet().stream()
				.map(e -> e.getKey() + ": " + e.getValue()).toList()));

		results = ResultsTables.rows(comparison);
		summary = ResultsTables.summary(comparison);
		ij.gui.Plot chart = MethodComparison.chart(comparison, metric);
		MethodComparison.writeCsv(comparison, out.resolve(CSV));
		MethodComparison.writeSummaryCsv(comparison, out.resolve(SUMMARY));
		ImageFiles.write(sc.fiji.stainnorm.report.Plots.render(chart), out.resolve(PLOT));
		plot = ResultsTables.plotImage(chart, ResultsTables.COMPARISON + ResultsTables.PLOT + " (" + metric + ")");
		if (comparison.montage() != null) {
			ImageFiles.write(comparison.montage(), out.resolve(MONTAGE));
			montage = ImageFiles.toImagePlus(comparison.montage(), ResultsTables.COMPARISON + " Montage");
		}
		ResultsTables.showIfPossible(results, ResultsTables.COMPARISON);
		ResultsTables.showIfPossible(summary, ResultsTables.COMPARISON + ResultsTables.SUMMARY);
		String skipped = comparison.skipped().isEmpty() ? "" : "; skipped " + comparison.skipped();
		List<MethodComparison.Row> failed = comparison.failures();
		if (!failed.isEmpty()) log.warn(LABEL + ": " + failed.size() + " of " + comparison.rows().size() + " results could not be measured, e.g. "
			+ failed.get(0).method() + " " + failed.get(0).image() + ": " + failed.get(0).error() + " (see the Error column)");
		log.info(LABEL + ": " + String.join(", ", comparison.methods()) + " on " + pairs.size() + " pairs -> " + out + skipped);
		status.showStatus("Stain normalization comparison: done");
	}

}
