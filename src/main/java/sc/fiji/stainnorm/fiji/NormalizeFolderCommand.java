package sc.fiji.stainnorm.fiji;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.module.MutableModuleItem;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.stainnorm.core.PathChecks;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.Shard;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.BatchNormalizer;
import sc.fiji.stainnorm.normalize.BatchNormalizer.FileResult;
import sc.fiji.stainnorm.normalize.BatchNormalizer.Outcome;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;

/**
 * Normalizes every image of a folder into another folder under the same names: the Fiji face of
 * {@link BatchNormalizer} (skip existing outputs, atomic writes, shards for cluster job arrays).
 */
@Plugin(type = Command.class, headless = true, label = NormalizeFolderCommand.LABEL, description = "Normalizes every image of a folder into another folder under the same names; existing outputs are kept, so a stopped run resumes.",
	menu = { @Menu(label = "Plugins"), @Menu(label = StainNormCommand.MENU), @Menu(label = NormalizeFolderCommand.LABEL, weight = 2) })
public class NormalizeFolderCommand extends StainNormCommand {
	public static final String LABEL = "Normalize Stain (Folder)";

	@Parameter
	private StatusService status;

	@Parameter(label = "Input folder", style = "directory")
	private File input_folder;

	@Parameter(label = "Output folder", style = "directory", description = "Created if needed; must not be the input folder")
	private File output_folder;

	@Parameter(label = "Method", initializer = "initChoices")
	private String method;

	@Parameter(label = "Reference images (files)", required = false, style = "files,extensions:png/tif/tiff/jpg/jpeg",
		description = "Images of the target stain style, for the classical methods; several are pooled")
	private File[] reference_images;

	@Parameter(label = "STST model", required = false, style = "open", description = "Default: the bundled model")
	private File model;

	@Parameter(label = "Method options", required = false, description = "key=value settings of the method, e.g. io=240")
	private String options = "";

	@Parameter(label = "File pattern", required = false, description = "Only files whose name matches this glob, e.g. *.tif")
	private String file_pattern = "*";

	@Parameter(label = "Overwrite existing outputs", required = false, persist = false,
		description = "Unchecked: outputs that exist are kept, so a stopped run resumes where it ended")
	private boolean overwrite;

	@Parameter(label = "Shard (i/n)", required = false, persist = false,
		description = "Process only part i of n of the sorted files (cluster job arrays); 1/1 = all")
	private String shard = "1/1";

	@Parameter(label = "Threads", required = false, persist = false, min = "0", description = "Files at once; 0 = one per core")
	private int threads;

	protected void initChoices() {
		MutableModuleItem<String> m = getInfo().getMutableInput("method", String.class);
		if (!Methods.names().isEmpty()) m.setChoices(Methods.names());
	}

	@Override
	protected void execute() {
		Path in = requireFolder(input_folder);
		if (output_folder == null || output_folder.getPath().isBlank())
			throw new StainNormException("No output_folder given: name the folder for the normalized images");
		Path out = output_folder.toPath();
		if (output_folder.exists() && !output_folder.isDirectory())
			throw new StainNormException("output_folder " + output_folder + " is a file, not a folder");
		if (PathChecks.sameLocation(in, out))
			throw new StainNormException("output_folder " + out + " is the input folder " + in
				+ (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize()) ? "" : " (both are " + PathChecks.realPath(in) + ")")
				+ ": choose another one so that no input is overwritten");
		Shard part = Shard.parse(shard);
		if (threads < 0) throw new InvalidSettingException("threads=" + threads + " must be 0 (one per core) or more");
		int nThreads = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
		String pattern = orEmpty(file_pattern).isEmpty() || orEmpty(file_pattern).equals("*") ? null : file_pattern.trim();
		List<Path> inputs = BatchNormalizer.collectInputs(List.of(in), pattern);

		status.showStatus("Stain normalization: preparing " + method);
		StainNormalizer normalizer = NormalizerSetup.fitted(method, options, model, reference_images, null,
			"reference_images (one or more image files; in macros/Batch_Normalize_Folder.ijm the key is reference)", w -> log.warn(LABEL + ": " + w));
		StatusProgress progress = new StatusProgress(status, log, "Stain normalization", this::isStopRequested);
		BatchNormalizer.Report report = BatchNormalizer.run(normalizer, inputs, out, overwrite, part, nThreads, progress);

		String summary = normalizer.name() + " on " + in + (part.equals(Shard.ALL) ? "" : " (shard " + part + ")") + ": "
			+ report.summary() + " -> " + out;
		log.info(LABEL + ": " + summary);
		status.showStatus("Stain normalization: " + report.summary());
		int todo = part.select(inputs).size();
		if (isStopRequested() && report.files().size() < todo)
			throw new StainNormException("cancelled after " + report.files().size() + " of " + todo + " files ("
				+ report.summary() + "); run again to resume");
		long failed = report.count(Outcome.FAILED);
		if (failed > 0) {
			FileResult first = report.files().stream().filter(f -> f.outcome() == Outcome.FAILED).findFirst().orElseThrow();
			throw new StainNormException(failed + " of " + report.files().size() + " images failed (" + report.failedNames(5) + "), e.g. "
				+ first.input().getFileName() + ": " + String.join("; ", first.messages()) + " (" + report.summary() + ")");
		}
	}

	static Path requireFolder(File folder) {
		if (folder == null || folder.getPath().isBlank()) throw new StainNormException("No input_folder given: name the folder of images to normalize");
		if (!folder.exists()) throw new StainNormException("input_folder " + folder + " not found");
		if (!folder.isDirectory()) throw new StainNormException("input_folder " + folder + " is a file, not a folder");
		return folder.toPath();
	}
}
