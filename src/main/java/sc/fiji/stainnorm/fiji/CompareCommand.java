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
import ij.gui.Plot;
import ij.WindowManager;
import ij.measure.ResultsTable;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.metrics.Convention;
import sc.fiji.stainnorm.metrics.ImagePair;
import sc.fiji.stainnorm.metrics.MetricTable;
import sc.fiji.stainnorm.metrics.Metrics;
import sc.fiji.stainnorm.report.Plots;

/**
 * The paper's metrics of a prediction (e.g. a normalized image) against its ground truth: two open images,
 * two files, or two folders matched by file name. Results go into a ResultsTable (one row per pair), a summary
 * table (mean and std) and a plot of the similarity metrics; with {@code output_folder} also into
 * {@value #CSV} and {@value #PLOT}.
 */
@Plugin(type = Command.class, headless = true, label = CompareCommand.LABEL, description = "Image-quality metrics of a prediction against its ground truth: two open images, two files, or two folders paired by name.",
	menu = { @Menu(label = "Plugins"), @Menu(label = StainNormCommand.MENU), @Menu(label = CompareCommand.LABEL, weight = 4) })
public class CompareCommand extends StainNormCommand {
	public static final String LABEL = "Compare Stain Normalization (Metrics)";
	static final String CSV = "metrics.csv", PLOT = "metrics_plot.png";
	/** The metrics that share the scale of a correlation (1 = identical), so one plot can hold them. */
	static final List<String> PLOTTED = List.of("SSIM", "MS-SSIM", "FSIM", "FSIMc", "SCC", "PCC", "UQI");

	@Parameter
	private StatusService status;

	@Parameter(label = "Ground truth (file or folder)", required = false, style = "both")
	private File ground_truth;

	@Parameter(label = "Prediction (file or folder)", required = false, style = "both",
		description = "A folder's images are paired with the ground truth's by file name")
	private File prediction;

	@Parameter(label = "Ground truth (open image)", required = false, persist = false, initializer = "initChoices")
	private String ground_truth_image = NormalizerSetup.NO_IMAGE;

	@Parameter(label = "Prediction (open image)", required = false, persist = false)
	private String prediction_image = NormalizerSetup.NO_IMAGE;

	@Parameter(label = "Metric convention", choices = { "standard", "paper" },
		description = "standard: textbook definitions; paper: the STST paper's implementations (comparable with its Table I)")
	private String convention = "standard";

	@Parameter(label = "Save to folder", required = false, style = "directory",
		description = "Writes " + CSV + " and " + PLOT + " here; existing files are kept unless overwrite is set")
	private File output_folder;

	@Parameter(label = "Overwrite saved files", required = false, persist = false)
	private boolean overwrite;

	@Parameter(label = "Threads", required = false, persist = false, min = "0", description = "Pairs at once; 0 = one per core")
	private int threads;

	@Parameter(type = ItemIO.OUTPUT, label = "Metrics plot")
	private ImagePlus plot;

	private ResultsTable results, summary;

	protected void initChoices() {
		for (String name : List.of("ground_truth_image", "prediction_image"))
			getInfo().getMutableInput(name, String.class).setChoices(NormalizerSetup.openImageChoices());
	}

	/** The table of the last run, one row per pair (also shown in a window when there is a screen). */
	public ResultsTable results() {
		return results;
	}

	/** Mean and std of each metric over the pairs of the last run. */
	public ResultsTable summary() {
		return summary;
	}

	@Override
	protected void execute() {
		Convention conv = Convention.parse(convention);
		if (threads < 0) throw new InvalidSettingException("threads=" + threads + " must be 0 (one per core) or more");
		Path csv = null, plotFile = null;
		if (output_folder != null && !output_folder.getPath().isBlank()) {
			if (output_folder.isFile()) throw new StainNormException("output_folder " + output_folder + " is a file, not a folder");
			csv = output_folder.toPath().resolve(CSV);
			plotFile = output_folder.toPath().resolve(PLOT);
			for (Path p : List.of(csv, plotFile))
				if (Files.exists(p) && !overwrite) throw new StainNormException(p + " exists; set overwrite to replace it");
			for (File input : new File[] { ground_truth, prediction })
				if (input != null && !input.getPath().isBlank() && input.isFile())
					for (Path p : List.of(csv, plotFile))
						sc.fiji.stainnorm.core.PathChecks.refuseOutputIsInput(p, List.of(input.toPath()), "The output");
		}
		List<ImagePair> pairs = pairs();
		status.showStatus("Stain normalization metrics: " + pairs.size() + " pair" + (pairs.size() == 1 ? "" : "s"));
		Progress progress = new StatusProgress(status, log, LABEL, this::isStopRequested);
		int n = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
		MetricTable table = Metrics.evaluate(pairs, conv, n, progress);
		boolean single = pairs.size() == 1;
		if (single && !table.failures().isEmpty()) throw new StainNormException(table.failures().get(0).error());
		if (isStopRequested()) throw new StainNormException("cancelled; nothing was saved");

		results = ResultsTables.of(table);
		summary = ResultsTables.summary(table);
		List<double[]> values = new ArrayList<>();
		for (String metric : PLOTTED) {
			int c = table.columnIndex(metric);
			values.add(table.rows().stream().filter(r -> r.values() != null).mapToDouble(r -> r.values()[c]).toArray());
		}
		Plot chart = Plots.metricChart((single ? pairs.get(0).name() : pairs.size() + " pairs") + ", " + conv.label() + " convention",
			"similarity (1 = identical)", PLOTTED, values);
		if (csv != null) {
			table.writeCsv(csv);
			ImageFiles.write(Plots.render(chart), plotFile);
		}
		plot = ResultsTables.plotImage(chart, ResultsTables.METRICS + ResultsTables.PLOT);
		ResultsTables.showIfPossible(results, ResultsTables.METRICS);
		ResultsTables.showIfPossible(summary, ResultsTables.METRICS + ResultsTables.SUMMARY);
		log.info(LABEL + ": " + table.toText().strip() + (csv == null ? "" : "\nsaved " + csv + " and " + plotFile));
		status.showStatus("Stain normalization metrics: done");
		if (!table.failures().isEmpty())
			throw new StainNormException(table.failures().size() + " of " + pairs.size() + " pairs could not be compared, e.g. "
				+ table.failures().get(0).name() + ": " + table.failures().get(0).error());
	}

	private List<ImagePair> pairs() {
		boolean gtOpen = chosen(ground_truth_image), predOpen = chosen(prediction_image);
		boolean gtFile = given(ground_truth), predFile = given(prediction);
		if (gtOpen || predOpen) {
			if (!gtOpen || !predOpen) throw new StainNormException("Give both ground_truth_image and prediction_image (titles of open images)");
			if (gtFile || predFile) throw new StainNormException("Give either open images or files/folders, not both");
			return List.of(ImagePair.ofImages(prediction_image.trim(), open(ground_truth_image, "ground_truth_image"),
				open(prediction_image, "prediction_image")));
		}
		if (!gtFile || !predFile)
			throw new StainNormException("Give ground_truth and prediction (two image files or two folders), or ground_truth_image and prediction_image");
		for (File f : List.of(ground_truth, prediction))
			if (!f.exists()) throw new StainNormException((f == ground_truth ? "ground_truth " : "prediction ") + f + " not found");
		if (ground_truth.isDirectory() && prediction.isDirectory()) return ImagePair.matchFolders(ground_truth.toPath(), prediction.toPath());
		if (ground_truth.isDirectory() || prediction.isDirectory())
			throw new StainNormException("ground_truth and prediction must both be files or both be folders");
		return List.of(ImagePair.ofFiles(ground_truth.toPath(), prediction.toPath()));
	}

	private static boolean chosen(String title) {
		return !NormalizerSetup.isNoImage(title);
	}

	private static boolean given(File f) {
		return f != null && !f.getPath().isBlank();
	}

	private static RgbImage open(String title, String key) {
		ImagePlus imp = WindowManager.getImage(title.trim());
		if (imp == null) throw new StainNormException(key + ": no open image titled \"" + title.trim() + "\"");
		return ImageFiles.fromImagePlus(imp);
	}
}
