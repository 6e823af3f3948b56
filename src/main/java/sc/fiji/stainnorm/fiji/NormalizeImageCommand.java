package sc.fiji.stainnorm.fiji;

import java.io.File;
import java.nio.file.Files;

import java.awt.GraphicsEnvironment;

import org.scijava.ItemIO;
import org.scijava.ItemVisibility;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.module.MutableModuleItem;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import ij.WindowManager;
import ij.macro.Interpreter;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.Normalized;
import sc.fiji.stainnorm.normalize.StainNormalizer;

/**
 * Normalizes the current image (or {@code input_file}) into a new image with the chosen method. Headless use
 * gives {@code input_file} and {@code output_file}.
 */
@Plugin(type = Command.class, headless = true, label = NormalizeImageCommand.LABEL, description = "Normalizes the current image (or input_file) towards one method's target stain style; the result opens in a new window.",
	menu = { @Menu(label = "Plugins"), @Menu(label = StainNormCommand.MENU), @Menu(label = NormalizeImageCommand.LABEL, weight = 1) })
public class NormalizeImageCommand extends StainNormCommand {
	public static final String LABEL = "Normalize Stain (Current Image)";

	@Parameter
	private StatusService status;

	@Parameter(label = "Image", required = false, description = "The H&E image to normalize (default: the current image)")
	private ImagePlus image;

	@Parameter(label = "Method", initializer = "initChoices",
		description = "STST needs no reference (its style is in the model); the classical methods need one")
	private String method;

	@Parameter(label = "Reference images (files)", required = false, style = "files,extensions:png/tif/tiff/jpg/jpeg",
		description = "Images of the target stain style; several are pooled")
	private File[] reference_images;

	@Parameter(label = "Reference image (open)", required = false, persist = false,
		description = "An open image of the target stain style, instead of or besides the files")
	private String reference_image = NormalizerSetup.NO_IMAGE;

	@Parameter(label = "STST model", required = false, style = "open", description = "Default: the bundled model")
	private File model;

	@Parameter(label = "Method options", required = false, description = "key=value settings of the method, e.g. io=240")
	private String options = "";

	@Parameter(label = "Input file", required = false, visibility = ItemVisibility.INVISIBLE,
		description = "Read this file instead of using an open image (headless use)")
	private File input_file;

	@Parameter(label = "Output file", required = false, visibility = ItemVisibility.INVISIBLE,
		description = "Also save the result here (headless use); an existing file is kept unless overwrite is set")
	private File output_file;

	@Parameter(label = "Overwrite output file", required = false, persist = false, visibility = ItemVisibility.INVISIBLE)
	private boolean overwrite;

	@Parameter(type = ItemIO.OUTPUT)
	private ImagePlus normalized;

	protected void initChoices() {
		MutableModuleItem<String> m = getInfo().getMutableInput("method", String.class);
		if (!Methods.names().isEmpty()) m.setChoices(Methods.names());
		MutableModuleItem<String> r = getInfo().getMutableInput("reference_image", String.class);
		r.setChoices(NormalizerSetup.openImageChoices());
	}

	@Override
	protected void execute() {
		if (output_file != null) {
			if (!ImageFiles.isImageFile(output_file.toPath()))
				throw new StainNormException("output_file " + output_file + " must end in one of " + String.join(", ", ImageFiles.EXTENSIONS));
			if (Files.isDirectory(output_file.toPath())) throw new StainNormException("output_file " + output_file + " is a folder");
			if (Files.exists(output_file.toPath()) && !overwrite)
				throw new StainNormException("output_file " + output_file + " exists; set overwrite to replace it");
		}
		ImagePlus open = input_file == null || input_file.getPath().isBlank() ? openSource() : null;
		status.showStatus("Stain normalization: preparing " + method);
		StainNormalizer normalizer = NormalizerSetup.fitted(method, options, model, reference_images, reference_image,
			"reference_images (one or more image files) or reference_image (the title of an open image)", w -> log.warn(LABEL + ": " + w));
		if (open == null && output_file == null && GraphicsEnvironment.isHeadless() && !Interpreter.isBatchMode())
			throw new InvalidSettingException("No output_file given: without a display or a batch macro the normalized image would be shown nowhere;"
				+ " give output_file=<path.png|.tif>");
		boolean gray = normalizer.acceptsGrayscale();
		String title = open != null ? open.getTitle() : input_file.getName();
		RgbImage src = open != null ? ImageFiles.fromImagePlus(open, gray)
			: gray ? ImageFiles.readAcceptingGray(input_file.toPath()) : ImageFiles.read(input_file.toPath());
		if (isStopRequested()) throw new StainNormException("cancelled");
		status.showStatus("Stain normalization: " + normalizer.name() + " on " + title);
		Normalized result = normalizer.normalize(src);
		for (String w : result.warnings())
			log.warn(LABEL + ": " + title + ": " + w);
		normalized = ImageFiles.toImagePlus(result.image(), baseName(title) + "-" + normalizer.name());
		if (open != null && open.getCalibration() != null) normalized.setCalibration(open.getCalibration().copy());
		if (output_file != null) ImageFiles.write(result.image(), output_file.toPath());
		status.showStatus("Stain normalization: done (" + normalizer.name() + ")");
	}

	private ImagePlus openSource() {
		if (isGiven(image)) return image;
		ImagePlus current = WindowManager.getCurrentImage();
		if (current == null) throw new StainNormException("No image open: open an RGB H&E image first (or give input_file)");
		return current;
	}

	static String baseName(String title) {
		int dot = title.lastIndexOf('.');
		return dot > 0 ? title.substring(0, dot) : title;
	}
}
