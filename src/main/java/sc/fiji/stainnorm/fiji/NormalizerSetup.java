package sc.fiji.stainnorm.fiji;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import ij.ImagePlus;
import ij.WindowManager;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;

/**
 * Turns the normalize commands' shared parameters (method, options, model, reference files, an open reference
 * image) into a fitted normalizer, checking each of them with a message that names the parameter.
 */
final class NormalizerSetup {
	/**
	 * Choice meaning "no open image", ImageJ's own spelling (Image Calculator, Merge Channels): it has no spaces
	 * or brackets, so the Macro Recorder writes it as it is and the recorded line replays.
	 */
	static final String NO_IMAGE = "*None*";

	private NormalizerSetup() {}

	/**
	 * @param referenceKeys the command's own parameters for references, named in the message when they are missing
	 */
	static StainNormalizer fitted(String method, String options, File model, File[] referenceFiles, String referenceImage,
		String referenceKeys, Consumer<String> warn)
	{
		if (method == null || method.isBlank())
			throw new InvalidSettingException("No method given: set method to one of " + String.join(", ", Methods.names()));
		MethodOptions parsed = MethodOptions.parse(options);
		StainNormalizer normalizer = Methods.create(method.trim(), parsed);
		boolean hasModel = model != null && !model.getPath().isBlank();
		if (hasModel) {
			if (normalizer.needsReference())
				throw new InvalidSettingException("Method " + method + " takes no model (it learns its style from reference images); leave model"
					+ " empty (given: " + model + ")");
			else {
				if (!model.isFile()) throw new StainNormException("model " + model + " not found (expected a model file)");
				normalizer = Methods.create(method.trim(), MethodOptions.parse(options).with("model", model.getPath()));
			}
		}
		if (!normalizer.needsReference() && (isGiven(referenceFiles) || isGiven(referenceImage)))
			throw Methods.referencesNotTaken(normalizer, isGiven(referenceFiles) && isGiven(referenceImage) ? "reference_images, reference_image"
				: isGiven(referenceFiles) ? "reference_images" : "reference_image");
		List<RgbImage> references = references(referenceFiles, referenceImage);
		if (normalizer.needsReference() && references.isEmpty())
			throw new InvalidSettingException("Method " + method + " needs a reference image of the target stain style: give " + referenceKeys);
		normalizer.fit(references);
		return normalizer;
	}

	private static boolean isGiven(File[] files) {
		if (files != null)
			for (File f : files)
				if (f != null && !f.getPath().isBlank()) return true;
		return false;
	}

	private static boolean isGiven(String openImageTitle) {
		return !isNoImage(openImageTitle);
	}

	static List<RgbImage> references(File[] files, String openImageTitle) {
		List<RgbImage> refs = new ArrayList<>();
		if (files != null)
			for (File f : files)
				if (f != null && !f.getPath().isBlank()) refs.add(ImageFiles.read(f.toPath()));
		String title = openImageTitle == null ? "" : openImageTitle.trim();
		if (!isNoImage(title)) {
			ImagePlus imp = WindowManager.getImage(title);
			if (imp == null) throw new StainNormException("reference_image: no open image titled \"" + title + "\"");
			refs.add(ImageFiles.fromImagePlus(imp));
		}
		return refs;
	}

	/**
	 * Blank, {@value #NO_IMAGE}, or the placeholders of earlier versions: "[none]", which the Recorder wrote as
	 * {@code [[none]]}, and "none", what a replay of {@code key=[none]} reads, unless an image has that title.
	 */
	static boolean isNoImage(String title) {
		String t = title == null ? "" : title.trim();
		return t.isEmpty() || t.equals(NO_IMAGE) || t.equals("[none]") || t.equalsIgnoreCase("none") && WindowManager.getImage(t) == null;
	}

	/** NO_IMAGE followed by the titles of the open images, for a choice list. */
	static List<String> openImageChoices() {
		List<String> choices = new ArrayList<>();
		choices.add(NO_IMAGE);
		String[] titles = WindowManager.getImageTitles();
		if (titles != null) choices.addAll(List.of(titles));
		return choices;
	}
}
