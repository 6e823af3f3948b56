package sc.fiji.stainnorm.fiji;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import sc.fiji.stainnorm.bench.Benchmark;
import sc.fiji.stainnorm.compare.MethodComparison;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.report.Plots;

/**
 * Times each method on many patches (the STST paper's "500 patches of 256x256"): the Fiji face of
 * {@link Benchmark}. One row per method in a ResultsTable, optionally saved as CSV, and a bar plot of the seconds.
 */
@Plugin(type = Command.class, headless = true, label = BenchmarkCommand.LABEL, description = "Seconds each method needs for many patches, like the STST paper's 500 patches of 256x256.",
	menu = { @Menu(label = "Plugins"), @Menu(label = StainNormCommand.MENU), @Menu(label = StainNormCommand.TOOLS, weight = StainNormCommand.TOOLS_WEIGHT), @Menu(label = BenchmarkCommand.LABEL, weight = 1) })
public class BenchmarkCommand extends StainNormCommand {
	public static final String LABEL = "Benchmark Stain Normalization";

	@Parameter
	private StatusService status;

	@Parameter(label = "Patches", min = "1", description = "How many patches each method normalizes (the paper: 500)")
	private int patches = 500;

	@Parameter(label = "Patch size", min = "8", max = "4096", description = "Width and height of each patch in pixels")
	private int size = 256;

	@Parameter(label = "Methods", required = false, description = "all, or a comma-separated list such as reinhard,macenko")
	private String methods = "all";

	@Parameter(label = "Threads", required = false, persist = false, min = "0", description = "Patches at once; 0 = one per core")
	private int threads;

	@Parameter(label = "Images folder", required = false, style = "directory",
		description = "Random crops of these RGB images; default: synthetic tissue")
	private File images_folder;

	@Parameter(label = "Random seed", required = false, description = "Which crops; the same seed gives the same patches")
	private long seed = 42;

	@Parameter(label = "Save table as CSV", required = false, style = "save,extensions:csv")
	private File csv_file;

	@Parameter(label = "Overwrite CSV file", required = false, persist = false)
	private boolean overwrite;

	@Parameter(type = ItemIO.OUTPUT, label = "Benchmark plot")
	private ImagePlus plot;

	private ResultsTable results;

	public ResultsTable results() {
		return results;
	}

	@Override
	protected void execute() {
		List<String> chosen = MethodComparison.parseMethods(methods);
		if (threads < 0) throw new InvalidSettingException("threads=" + threads + " must be 0 (one per core) or more");
		if (patches < 1) throw new InvalidSettingException("patches=" + patches + " must be at least 1");
		Path csv = csv_file == null || csv_file.getPath().isBlank() ? null : csv_file.toPath();
		if (csv != null) {
			if (Files.isDirectory(csv)) throw new StainNormException("csv_file " + csv + " is a folder; name a file");
			if (Files.exists(csv) && !overwrite) throw new StainNormException("csv_file " + csv + " exists; set overwrite to replace it");
		}
		Path folder = images_folder == null || images_folder.getPath().isBlank() ? null : images_folder.toPath();
		if (folder != null && !Files.isDirectory(folder)) throw new StainNormException("images_folder " + folder + " is not a folder");
		int n = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;

		status.showStatus("Benchmark: preparing " + patches + " patches");
		Benchmark.Workload workload = Benchmark.workload(patches, size, folder, seed);
		log.info(LABEL + ": " + Benchmark.machine() + "; " + workload.description() + "; " + n + " threads");
		results = new ResultsTable();
		results.setPrecision(4);
		Map<String, String> skipped = new LinkedHashMap<>();
		List<String> names = new ArrayList<>();
		List<double[]> seconds = new ArrayList<>();
		for (int i = 0; i < chosen.size(); i++) {
			String m = chosen.get(i);
			if (isStopRequested()) throw new StainNormException("cancelled after " + i + " of " + chosen.size() + " methods");
			status.showStatus(i, chosen.size(), "Benchmark: " + m + " on " + patches + " patches");
			Benchmark.Result r;
			try {
				r = Benchmark.run(m, workload, n);
			}
			catch (StainNormException e) {
				skipped.put(m, e.getMessage());
				log.warn(LABEL + ": " + m + " skipped: " + e.getMessage());
				continue;
			}
			results.incrementCounter();
			results.addValue("Method", m);
			results.addValue("Patches", r.patches());
			results.addValue("Size", size);
			results.addValue("Threads", r.threads());
			results.addValue("Fit s", r.fitSeconds());
			results.addValue("Normalize s", r.transformSeconds());
			results.addValue("Total s", r.fitSeconds() + r.transformSeconds());
			results.addValue("CPU s", r.cpuSeconds());
			results.addValue("MP/s", r.megapixelsPerSecond());
			results.addValue("Patches with warnings", r.warnings());
			results.addValue("Patch source", workload.description().startsWith("real") ? "real" : "synthetic");
			names.add(m);
			seconds.add(new double[] { r.fitSeconds() + r.transformSeconds() });
		}
		status.showStatus(chosen.size(), chosen.size(), "Benchmark: done");
		if (names.isEmpty()) throw new StainNormException("no method could run: " + skipped);
		plot = ResultsTables.plotImage(Plots.metricChart("Seconds for " + patches + " patches of " + size + "x" + size + " on " + n + " threads",
			"seconds (fit + normalize)", names, seconds), ResultsTables.BENCHMARK + ResultsTables.PLOT);
		if (csv != null) {
			results.showRowNumbers(false);
			if (!results.save(csv.toString())) throw new StainNormException("Cannot write " + csv);
		}
		ResultsTables.showIfPossible(results, ResultsTables.BENCHMARK);
	}
}
