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
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.report.Plots;
import sc.fiji.stainnorm.stst.StstTrainer;

/**
 * Trains an STST model (grayscale to one target stain style) on a folder of images of that style: the Fiji
 * face of {@link StstTrainer}. Progress in the status bar, cancellable (Escape or the module's cancel) with
 * checkpoints that {@code resume} continues from; the loss plot is shown at the end.
 */
@Plugin(type = Command.class, headless = true, label = TrainStstCommand.LABEL, description = "Trains an STST model on images of one target stain style; Escape stops it (resumable when a checkpoint folder is set).",
	menu = { @Menu(label = "Plugins"), @Menu(label = StainNormCommand.MENU), @Menu(label = TrainStstCommand.LABEL, weight = 6) })
public class TrainStstCommand extends StainNormCommand {
	public static final String LABEL = "Train STST Model";

	@Parameter
	private StatusService status;

	@Parameter(label = "Training images folder", style = "directory", description = "RGB images of ONE target stain style (any sizes)")
	private File images_folder;

	@Parameter(label = "Output model file", style = "save,extensions:zip", description = "e.g. mystain.zip; never replaced unless overwrite is set")
	private File output_model;

	@Parameter(label = "Steps", min = "1", description = "Optimisation steps, one patch each")
	private int steps = 4000;

	@Parameter(label = "Network width", min = "1", description = "ngf = ndf; 16 by default, the paper used 64")
	private int width = 16;

	@Parameter(label = "Patch size", min = "16", description = "Training patch side, a power of two")
	private int patch_size = 256;

	@Parameter(label = "Random seed", required = false, description = "Same settings and seed on the same machine give the same model")
	private long seed = 1;

	@Parameter(label = "Validation share", required = false, min = "0", max = "0.99", stepSize = "0.05",
		description = "Share of the images held out to measure validation L1")
	private double validation_fraction = 0.1;

	@Parameter(label = "Validate every (steps)", required = false, min = "1")
	private int validate_every = 200;

	@Parameter(label = "Learning rate", required = false)
	private double learning_rate = 2e-4;

	@Parameter(label = "L1 weight (lambda)", required = false)
	private double lambda = 100;

	@Parameter(label = "Checkpoint folder", required = false, style = "directory", description = "Checkpoints go here; needed to resume")
	private File checkpoint_folder;

	@Parameter(label = "Checkpoint every (steps)", required = false, min = "1")
	private int checkpoint_every = 1000;

	@Parameter(label = "Resume from the newest checkpoint", required = false, persist = false)
	private boolean resume;

	@Parameter(label = "Overwrite output model", required = false, persist = false)
	private boolean overwrite;

	@Parameter(label = "Threads", required = false, persist = false, min = "0", description = "TensorFlow threads; 0 = all cores")
	private int threads;

	@Parameter(label = "Description", required = false, description = "Stored in the model, e.g. what the images are")
	private String description = "";

	@Parameter(type = ItemIO.OUTPUT, label = "Training losses")
	private ImagePlus losses;

	private StstTrainer.Result result;

	public StstTrainer.Result result() {
		return result;
	}

	@Override
	protected void execute() {
		if (images_folder == null || images_folder.getPath().isBlank()) throw new StainNormException("No images_folder given: the folder of target-style images");
		if (!images_folder.isDirectory())
			throw new StainNormException("images_folder " + images_folder + (images_folder.exists() ? " is a file, not a folder" : " not found"));
		if (output_model == null || output_model.getPath().isBlank()) throw new StainNormException("No output_model given: name the model file to write, e.g. mystain.zip");
		Path model = output_model.toPath();
		if (Files.isDirectory(model)) throw new StainNormException("output_model " + model + " is a folder; name a file such as mystain.zip");
		if (Files.exists(model) && !overwrite) throw new StainNormException("output_model " + model + " exists; set overwrite to replace it");
		if (threads < 0) throw new InvalidSettingException("threads=" + threads + " must be 0 (all cores) or more");
		Path checkpoints = checkpoint_folder == null || checkpoint_folder.getPath().isBlank() ? null : checkpoint_folder.toPath();
		StstTrainer.Settings settings = StstTrainer.Settings.builder(images_folder.toPath(), model).steps(steps).width(width)
			.patchSize(patch_size).seed(seed).validationFraction(validation_fraction).validateEvery(validate_every)
			.learningRate(learning_rate).lambda(lambda).checkpoints(checkpoints).checkpointEvery(checkpoint_every).resume(resume)
			.overwrite(overwrite).threads(threads).description(description).build();
		status.showStatus("STST training: preparing");
		result = StstTrainer.train(settings, new StatusProgress(status, log, "STST training", this::isStopRequested) {
			@Override
			public void update(long done, long total, String message) {
				super.update(done, total, message);
				if (done < 0 && !message.isBlank()) log.info(LABEL + ": " + message);
			}
		});
		String summary = String.format(java.util.Locale.ROOT, "%d steps in %.0f s; final L1 %.4f, validation L1 %.4f; model = step %d -> %s", result.steps(),
			result.seconds(), result.finalL1(), result.validationL1(), result.selectedStep(), result.model());
		log.info(LABEL + ": " + summary);
		status.showStatus("STST training: done, " + summary);
		losses = lossChart(result.lossCsv());
		if (losses == null && Files.isRegularFile(result.lossPlot())) // through ImageFiles: never an ImageJ error dialog in a batch run
			losses = ImageFiles.toImagePlus(ImageFiles.read(result.lossPlot()), result.lossPlot().getFileName().toString());
	}

	/**
	 * The losses of the CSV as an ImageJ plot (a Plot window: List, Save data, zoom), the L1 smoothed as in the
	 * PNG; steps the trainer found collapsed (the CSV's health column) are a line at 0 named by their kind. Null
	 * when the CSV cannot be read, and the PNG is shown instead.
	 */
	static ImagePlus lossChart(Path csv) {
		try {
			List<String> lines = Files.readAllLines(csv);
			int n = lines.size() - 1;
			if (n < 1) return null;
			double[] step = new double[n], d = new double[n], gan = new double[n], l1 = new double[n], collapsed = new double[n];
			java.util.Set<String> kinds = new java.util.TreeSet<>();
			List<double[]> val = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				String[] f = lines.get(i + 1).split(",", -1);
				step[i] = Double.parseDouble(f[0]);
				d[i] = Double.parseDouble(f[1]);
				gan[i] = Double.parseDouble(f[2]);
				l1[i] = Double.parseDouble(f[3]);
				if (!f[4].isEmpty()) val.add(new double[] { step[i], Double.parseDouble(f[4]) });
				boolean health = f.length > 6 && !f[6].isEmpty(); // NaN: a gap in the line
				collapsed[i] = health ? 0 : Double.NaN;
				if (health) kinds.add(f[6]);
			}
			int window = Math.max(1, Math.min(50, n / 10));
			List<String> names = new ArrayList<>(List.of("discriminator", "generator cGAN", "generator L1 (smoothed)", "validation L1"));
			List<double[]> xs = new ArrayList<>(List.of(step, step, step, val.stream().mapToDouble(v -> v[0]).toArray()));
			List<double[]> ys = new ArrayList<>(List.of(Plots.movingAverage(d, window), Plots.movingAverage(gan, window), Plots.movingAverage(l1, window),
				val.stream().mapToDouble(v -> v[1]).toArray()));
			if (!kinds.isEmpty()) {
				names.add(String.join(" and ", kinds) + " collapse (training health)");
				xs.add(step);
				ys.add(collapsed);
			}
			Plot plot = Plots.lineChart("STST Training Losses", "step", "loss", names, xs, ys, "auto");
			return ResultsTables.plotImage(plot, "STST Training Losses");
		}
		catch (java.io.IOException | RuntimeException e) {
			return null;
		}
	}
}
