package sc.fiji.stainnorm.fiji;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import ij.ImageStack;
import ij.WindowManager;
import ij.process.ColorProcessor;
import sc.fiji.stainnorm.augment.AugmentBatch;
import sc.fiji.stainnorm.augment.Augmentation;
import sc.fiji.stainnorm.augment.StainAugmenter;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.PathChecks;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.BatchNormalizer;

/**
 * Stain augmentation ({@link StainAugmenter}): seeded variants of the current image as a stack, or of a folder's
 * images into an output folder ({@code NAME_aug01.png}, ..., {@code augmentation.csv}) as {@code ./stainnorm augment}.
 */
@Plugin(type = Command.class, headless = true, label = AugmentStainCommand.LABEL, description = "Seeded stain variants (HED jitter, Macenko/Vahadane stain augmentation) of the current image or a folder, for training.",
	menu = { @Menu(label = "Plugins"), @Menu(label = StainNormCommand.MENU), @Menu(label = AugmentStainCommand.LABEL, weight = 7) })
public class AugmentStainCommand extends StainNormCommand {
	public static final String LABEL = "Augment Stain";

	@Parameter
	private StatusService status;

	@Parameter(label = "Image", required = false, description = "The RGB image to augment (default: the current image)")
	private ImagePlus image;

	@Parameter(label = "Method", choices = { "hed", "macenko", "vahadane" },
		description = "hed: Tellez et al. HED jitter; macenko/vahadane: on the image's own stain vectors")
	private String method = "hed";

	@Parameter(label = "Copies", min = "1", description = "Variants per image")
	private int copies = 4;

	@Parameter(label = "sigma1 (scale)", min = "0", max = "0.99", stepSize = "0.01", description = "alpha ~ U(1 - sigma1, 1 + sigma1)")
	private double sigma1 = StainAugmenter.DEFAULT_SIGMA1;

	@Parameter(label = "sigma2 (shift)", min = "0", max = "1", stepSize = "0.01", description = "beta ~ U(-sigma2, sigma2), OD units")
	private double sigma2 = StainAugmenter.DEFAULT_SIGMA2;

	@Parameter(label = "Stain-vector rotation (degrees)", min = "0", max = "20", required = false,
		description = "Also turn each stain's vector by up to this angle (a slightly different dye colour); 0 = off")
	private double rotation;

	@Parameter(label = "Seed", description = "With the file name and copy number it fixes the variants")
	private long seed;

	@Parameter(label = "Input folder", required = false, style = "directory",
		description = "Augment every image of this folder instead of the current image")
	private File input_folder;

	@Parameter(label = "Input file", required = false, description = "Augment this file instead of the current image")
	private File input_file;

	@Parameter(label = "Output folder", required = false, style = "directory",
		description = "Save NAME_aug01.png, ... and augmentation.csv here (required with an input folder)")
	private File output_folder;

	@Parameter(label = "Overwrite existing outputs", required = false, persist = false)
	private boolean overwrite;

	@Parameter(type = ItemIO.OUTPUT, label = "Augmented")
	private ImagePlus augmented;

	@Override
	protected void execute() {
		StainAugmenter augmenter = StainAugmenter.of(StainAugmenter.Method.parse(method), sigma1, sigma2).withRotation(rotation);
		if (copies < 1) throw new InvalidSettingException("copies=" + copies + " must be at least 1");
		Path out = given(output_folder) ? output_folder.toPath() : null;
		StatusProgress progress = new StatusProgress(status, log, LABEL, this::isStopRequested);
		if (given(input_folder)) {
			Path in = NormalizeFolderCommand.requireFolder(input_folder);
			if (out == null) throw new InvalidSettingException("No output_folder given: name the folder for the variants of " + in);
			List<AugmentBatch.Row> rows = AugmentBatch.run(augmenter, BatchNormalizer.collectInputs(List.of(in), null), out, copies, seed,
				overwrite, Runtime.getRuntime().availableProcessors(), progress);
			log.info(LABEL + ": " + rows.size() + " variants (" + augmenter + ", seed " + seed + ") -> " + out);
			return;
		}
		RgbImage src;
		String name;
		if (given(input_file)) {
			src = ImageFiles.read(input_file.toPath());
			name = input_file.getName();
		}
		else {
			ImagePlus imp = isGiven(image) ? image : WindowManager.getCurrentImage();
			if (imp == null) throw new StainNormException("No image open: open an RGB image first (or give input_file or input_folder)");
			src = ImageFiles.fromImagePlus(imp);
			name = imp.getTitle();
		}
		List<Augmentation> variants;
		if (out != null) {
			if (given(input_file)) PathChecks.refuseOutputInInputFolder(out, List.of(input_file.toPath()), "output_folder");
			variants = AugmentBatch.runImage(augmenter, src, name, out, copies, seed, overwrite, progress).stream().map(AugmentBatch.Row::augmentation).toList();
		}
		else variants = AugmentBatch.variants(augmenter, src, name, copies, seed);
		if (variants.get(0).isUnchanged()) log.warn(LABEL + ": " + name + " copied unchanged (" + variants.get(0).unchanged() + ")");
		ImageStack stack = new ImageStack(src.width(), src.height());
		for (int k = 0; k < variants.size(); k++) {
			Augmentation a = variants.get(k);
			stack.addSlice(String.format(Locale.ROOT, "aug%02d alpha=%.3f,%.3f,%.3f beta=%.3f,%.3f,%.3f", k + 1, a.alpha()[0], a.alpha()[1],
				a.alpha()[2], a.beta()[0], a.beta()[1], a.beta()[2]), new ColorProcessor(src.width(), src.height(), a.image().pixels().clone()));
		}
		augmented = new ImagePlus(NormalizeImageCommand.baseName(name) + "-augmented", stack);
		status.showStatus(LABEL + ": " + copies + " variants of " + name);
	}

	private static boolean given(File f) {
		return f != null && !f.getPath().isBlank();
	}
}
