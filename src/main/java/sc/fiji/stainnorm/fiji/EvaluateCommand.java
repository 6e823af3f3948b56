package sc.fiji.stainnorm.fiji;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.evaluate.EvaluateRun;

/**
 * Every method scored like the STST paper (matched and unmatched ground truth, stain separation, speed,
 * reference sensitivity), written as CSV, plots and a Markdown report: the Fiji face of {@link EvaluateRun}.
 */
@Plugin(type = Command.class, headless = true, label = EvaluateCommand.LABEL, description = "Scores every method as the STST paper does and writes tables, plots and a Markdown report into a folder.",
	menu = { @Menu(label = "Plugins"), @Menu(label = StainNormCommand.MENU), @Menu(label = StainNormCommand.TOOLS, weight = StainNormCommand.TOOLS_WEIGHT), @Menu(label = EvaluateCommand.LABEL, weight = 2) })
public class EvaluateCommand extends StainNormCommand {
	public static final String LABEL = "Evaluate Stain Normalization Methods";

	@Parameter
	private StatusService status;

	// File parameters are optional so that a headless run without them fails with our message instead of a silent cancel
	@Parameter(label = "Shared H&E data folder", style = "directory", required = false,
		description = "The folder holding pengyzhang_cell_seg_matlab/ and DeepMicroscopy_MultiScanner_SCC/")
	private File data_folder;

	@Parameter(label = "Use the synthetic test tissue instead", required = false, persist = false)
	private boolean synthetic;

	@Parameter(label = "Output folder", style = "directory", required = false, description = "Must be empty unless overwrite is checked")
	private File output_folder;

	@Parameter(label = "Seed", required = false, description = "Seed of the stain shifts and of the reference choice")
	private int seed = 1;

	@Parameter(label = "Test patches (0 = all)", required = false, min = "0")
	private int patches = 0;

	@Parameter(label = "Patch size", required = false, min = "32")
	private int patch_size = 256;

	@Parameter(label = "Reference images per method", required = false, min = "1", description = "The first one makes the tables")
	private int references = 5;

	@Parameter(label = "Patches for the speed table (0 = skip)", required = false, min = "0")
	private int timing_patches = 500;

	@Parameter(label = "STST model", style = "open", required = false, description = "Default: the bundled model")
	private File model;

	@Parameter(label = "Train STST first (steps, 0 = no)", required = false, min = "0")
	private int train_steps = 0;

	@Parameter(label = "Methods (comma-separated, empty = all)", required = false)
	private String methods = "";

	@Parameter(label = "Threads", required = false, min = "1")
	private int threads = Runtime.getRuntime().availableProcessors();

	@Parameter(label = "Overwrite a non-empty output folder", required = false, persist = false)
	private boolean overwrite;

	@Override
	protected void execute() {
		if (output_folder == null || output_folder.getPath().isEmpty())
			throw new InvalidSettingException("Missing parameter output_folder: the folder to write the report into");
		if (!synthetic && (data_folder == null || data_folder.getPath().isEmpty()))
			throw new InvalidSettingException("Missing parameter data_folder: the shared H&E folder (or synthetic=true)");
		List<String> names = new ArrayList<>();
		for (String m : orEmpty(methods).split(","))
			if (!m.isBlank()) names.add(m.trim().toLowerCase(Locale.ROOT));
		boolean hasModel = model != null && !model.getPath().isEmpty();
		String command = String.format(Locale.ROOT, "Fiji: %s (data_folder=%s, synthetic=%s, seed=%d, patches=%d, patch_size=%d, references=%d, "
			+ "timing_patches=%d, model=%s, train_steps=%d, methods=%s, threads=%d)", LABEL, data_folder, synthetic, seed, patches, patch_size,
			references, timing_patches, hasModel ? model : "", train_steps, orEmpty(methods), threads);
		EvaluateRun.Outcome r = EvaluateRun.run(new EvaluateRun.Options(synthetic ? null : data_folder.toPath(), synthetic, output_folder.toPath(),
			null, overwrite, seed, patches, patch_size, references, timing_patches, hasModel ? model.toPath() : null, train_steps, threads, names,
			command), new StatusProgress(status, log, LABEL, this::isStopRequested));
		log.info(LABEL + ": methods " + String.join(", ", r.methods()) + (r.skipped().isEmpty() ? "" : "; skipped " + r.skipped())
			+ "; report " + r.report());
	}
}
