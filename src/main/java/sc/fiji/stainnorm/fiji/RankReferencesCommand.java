package sc.fiji.stainnorm.fiji;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.measure.ResultsTable;
import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.BatchNormalizer;
import sc.fiji.stainnorm.normalize.ReferenceRanking;

/** Ranks a folder's images by how typical their stain profile is ({@link ReferenceRanking}): which one to use as reference. */
@Plugin(type = Command.class, headless = true, label = RankReferencesCommand.LABEL, description = "Ranks a folder's images by how typical their stain profile is, to choose a reference.",
	menu = { @Menu(label = "Plugins"), @Menu(label = StainNormCommand.MENU), @Menu(label = RankReferencesCommand.LABEL, weight = 9) })
public class RankReferencesCommand extends StainNormCommand {
	public static final String LABEL = "Rank Reference Images";

	@Parameter
	private StatusService status;

	@Parameter(label = "Candidate images folder", style = "directory")
	private File input_folder;

	@Parameter(label = "Method", choices = { "macenko", "vahadane", "khan", "reinhard" }, description = "Whose stain profile to compare")
	private String method = "macenko";

	@Parameter(label = "Method options", required = false, description = "key=value settings of the method, e.g. io=240")
	private String options = "";

	@Parameter(label = "CSV file", required = false, style = "save", description = "Also save the ranking here")
	private File csv_file;

	@Parameter(label = "Overwrite saved files", required = false, persist = false)
	private boolean overwrite;

	private ResultsTable results;

	/** The ranking of the last run (also shown in a window when there is a screen). */
	public ResultsTable results() {
		return results;
	}

	@Override
	protected void execute() {
		Path in = NormalizeFolderCommand.requireFolder(input_folder);
		Path csv = csv_file == null || csv_file.getPath().isBlank() ? null : csv_file.toPath();
		if (csv != null && !overwrite && Files.exists(csv)) throw new StainNormException(csv + " exists; set overwrite to replace it");
		List<Path> files = BatchNormalizer.collectInputs(List.of(in), null);
		status.showStatus(LABEL + ": fitting " + method + " on " + files.size() + " images");
		List<ReferenceRanking.Candidate> ranked = ReferenceRanking.rank(files, method.trim(), options, Runtime.getRuntime().availableProcessors(),
			new StatusProgress(status, log, LABEL, this::isStopRequested));
		results = new ResultsTable();
		int rank = 0;
		for (ReferenceRanking.Candidate c : ranked) {
			results.addRow();
			if (c.failure() == null) results.addValue("Rank", ++rank);
			results.addValue("Image", c.file().getFileName().toString());
			results.addValue("Distance", c.distance());
			results.addValue("Problem", c.failure() == null ? "" : c.failure());
			if (c.failure() != null) log.warn(LABEL + ": " + c.file().getFileName() + " not ranked: " + c.failure());
		}
		if (csv != null) AtomicFile.writeString(csv, ReferenceRanking.csv(ranked));
		log.info(LABEL + ": most typical of " + in + ": " + ranked.get(0).file().getFileName());
		ResultsTables.showIfPossible(results, "Reference Ranking");
		status.showStatus(LABEL + ": most typical " + ranked.get(0).file().getFileName());
	}
}
