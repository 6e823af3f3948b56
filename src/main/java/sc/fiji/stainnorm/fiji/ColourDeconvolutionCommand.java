package sc.fiji.stainnorm.fiji;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.scijava.ItemIO;
import org.scijava.ItemVisibility;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import ij.ImageStack;
import ij.WindowManager;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.ImageOutput;
import sc.fiji.stainnorm.core.PathChecks;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.deconvolution.ColourDeconvolution;
import sc.fiji.stainnorm.deconvolution.StainVectors;

/**
 * Ruifrok colour deconvolution of the current image (or {@code input_file}): a 32-bit stack of stain
 * concentrations and/or an RGB stack of what each stain alone looks like; optionally saved to a folder.
 */
@Plugin(type = Command.class, headless = true, label = ColourDeconvolutionCommand.LABEL, description = "Separates an RGB image into its stains (Ruifrok & Johnston): concentrations as a 32-bit stack, each stain alone as RGB.",
	menu = { @Menu(label = "Plugins"), @Menu(label = StainNormCommand.MENU), @Menu(label = ColourDeconvolutionCommand.LABEL, weight = 3) })
public class ColourDeconvolutionCommand extends StainNormCommand {
	public static final String LABEL = "Colour Deconvolution (Stain Normalization)";
	static final String HE = "H&E", HE_DAB = "H&E DAB", CUSTOM = "custom";
	static final String BOTH = "both", CONCENTRATIONS = "concentrations", COLOUR = "colour";

	@Parameter
	private StatusService status;

	@Parameter(label = "Image", required = false, description = "The RGB image to separate (default: the current image)")
	private ImagePlus image;

	@Parameter(label = "Stain vectors", choices = { HE, HE_DAB, CUSTOM },
		description = "Ruifrok & Johnston's H&E or H&E-DAB vectors, or your own (custom_vectors)")
	private String vectors = HE;

	@Parameter(label = "Custom vectors", required = false,
		description = "Two or three optical-density vectors 'r g b; r g b[; r g b]'; a missing third one is the residual")
	private String custom_vectors = "";

	@Parameter(label = "Background intensity (io)", min = "1", max = "255", description = "Intensity of empty glass; ImageJ uses 255")
	private double io = 255;

	@Parameter(label = "Outputs", choices = { BOTH, CONCENTRATIONS, COLOUR },
		description = "concentrations: 32-bit stack; colour: what each stain alone looks like (RGB stack)")
	private String outputs = BOTH;

	@Parameter(label = "Input file", required = false, visibility = ItemVisibility.INVISIBLE,
		description = "Read this file instead of using an open image (headless use)")
	private File input_file;

	@Parameter(label = "Save to folder", required = false, style = "directory", visibility = ItemVisibility.INVISIBLE,
		description = "Also save the outputs into this folder as <name>_concentrations.tif and <name>_<stain>.png")
	private File output_folder;

	@Parameter(label = "Overwrite saved files", required = false, persist = false, visibility = ItemVisibility.INVISIBLE)
	private boolean overwrite;

	@Parameter(type = ItemIO.OUTPUT, label = "Stain concentrations")
	private ImagePlus concentrations;

	@Parameter(type = ItemIO.OUTPUT, label = "Stain colour images")
	private ImagePlus stain_images;

	@Override
	protected void execute() {
		StainVectors stains = stainVectors();
		if (!List.of(BOTH, CONCENTRATIONS, COLOUR).contains(orEmpty(outputs)))
			throw new InvalidSettingException("outputs=" + outputs + " is not one of " + BOTH + ", " + CONCENTRATIONS + ", " + COLOUR);
		boolean wantConcentrations = !outputs.trim().equals(COLOUR), wantColour = !outputs.trim().equals(CONCENTRATIONS);
		if (!(io > 0 && io <= 255)) throw new InvalidSettingException("io=" + io + " must be in (0, 255]");

		String title;
		RgbImage src;
		Path sourceFile = null;
		boolean fromFile = input_file != null && !input_file.getPath().isBlank();
		if (fromFile) {
			src = ImageFiles.read(input_file.toPath());
			title = input_file.getName();
			sourceFile = input_file.toPath();
		}
		else {
			ImagePlus imp = isGiven(image) ? image : WindowManager.getCurrentImage();
			if (imp == null) throw new StainNormException("No image open: open an RGB image first (or give input_file)");
			src = ImageFiles.fromImagePlus(imp);
			title = imp.getTitle();
			var origin = imp.getOriginalFileInfo();
			if (origin != null && origin.directory != null && origin.fileName != null && !origin.directory.isBlank())
				sourceFile = Path.of(origin.directory, origin.fileName);
		}
		String base = NormalizeImageCommand.baseName(title);
		List<Path> targets = new ArrayList<>();
		Path folder = output_folder == null || output_folder.getPath().isBlank() ? null : output_folder.toPath();
		if (folder != null) {
			if (Files.exists(folder) && !Files.isDirectory(folder)) throw new StainNormException("output_folder " + folder + " is a file, not a folder");
			if (wantConcentrations) targets.add(folder.resolve(base + "_concentrations.tif"));
			if (wantColour) for (String name : stains.names())
				targets.add(folder.resolve(base + "_" + name.replaceAll("[^A-Za-z0-9]+", "_") + ".png"));
			if (fromFile) // like ./stainnorm deconvolve: never into the input file's folder
				PathChecks.refuseOutputInInputFolder(folder, List.of(sourceFile), "output_folder");
			for (Path t : targets)
				if (sourceFile != null) PathChecks.refuseOutputIsInput(t, List.of(sourceFile), "The output");
			if (!overwrite) for (Path t : targets)
				if (Files.exists(t)) throw new StainNormException(t + " exists; set overwrite to replace it (nothing was written)");
		}

		status.showStatus("Colour deconvolution: " + title);
		ColourDeconvolution cd = new ColourDeconvolution(stains, io);
		int w = src.width(), h = src.height();
		float[][] c = cd.concentrations(src);
		ImageStack concStack = new ImageStack(w, h), colourStack = new ImageStack(w, h);
		List<RgbImage> singles = new ArrayList<>();
		for (int s = 0; s < 3; s++) {
			if (isStopRequested()) throw new StainNormException("cancelled");
			if (wantConcentrations) concStack.addSlice(stains.names()[s], new FloatProcessor(w, h, c[s]));
			if (wantColour) {
				RgbImage single = cd.singleStain(w, h, c, s);
				singles.add(single);
				colourStack.addSlice(stains.names()[s], new ColorProcessor(w, h, single.pixels().clone()));
			}
		}
		concentrations = wantConcentrations ? new ImagePlus(base + "-concentrations", concStack) : null;
		if (concentrations != null) concentrations.resetDisplayRange();
		stain_images = wantColour ? new ImagePlus(base + "-stains", colourStack) : null;

		if (folder != null) {
			int t = 0;
			if (wantConcentrations) writeTiffAtomically(concentrations, targets.get(t++));
			for (RgbImage single : singles)
				ImageFiles.write(single, targets.get(t++));
		}
		status.showStatus("Colour deconvolution: done");
	}

	private StainVectors stainVectors() {
		String v = orEmpty(vectors);
		if (v.equals(HE)) return StainVectors.H_E;
		if (v.equals(HE_DAB)) return StainVectors.H_E_DAB;
		if (!v.equals(CUSTOM)) throw new InvalidSettingException("vectors=" + vectors + " is not one of " + HE + ", " + HE_DAB + ", " + CUSTOM);
		return parseVectors(custom_vectors);
	}

	/** "r g b; r g b[; r g b]" (commas also accepted between numbers) into stain vectors. */
	static StainVectors parseVectors(String text) {
		String t = orEmpty(text);
		if (t.isEmpty()) throw new InvalidSettingException("vectors=custom needs custom_vectors, e.g. '0.65 0.70 0.29; 0.07 0.99 0.11'");
		String[] groups = t.split(";");
		if (groups.length < 2 || groups.length > 3)
			throw new InvalidSettingException("custom_vectors '" + text + "' has " + groups.length + " vector(s); give 2 or 3, separated by ';'");
		double[][] v = new double[groups.length][];
		for (int i = 0; i < groups.length; i++) {
			String[] parts = groups[i].trim().split("[\\s,]+");
			if (parts.length != 3) throw new InvalidSettingException("custom_vectors: '" + groups[i].trim() + "' is not three numbers r g b");
			v[i] = new double[3];
			for (int k = 0; k < 3; k++) {
				try {
					v[i][k] = Double.parseDouble(parts[k]);
				}
				catch (NumberFormatException e) {
					throw new InvalidSettingException("custom_vectors: '" + parts[k] + "' is not a number");
				}
				if (!(v[i][k] >= 0) || Double.isInfinite(v[i][k]))
					throw new InvalidSettingException("custom_vectors: " + parts[k] + " must be a finite number >= 0 (optical densities)");
			}
			if (v[i][0] + v[i][1] + v[i][2] == 0) throw new InvalidSettingException("custom_vectors: vector " + (i + 1) + " is all zero");
		}
		String[] names = { "Stain 1", "Stain 2", groups.length == 3 ? "Stain 3" : "Residual" };
		StainVectors sv = groups.length == 2 ? StainVectors.of(names, v[0], v[1]) : StainVectors.of(names, v[0], v[1], v[2]);
		if (Math.abs(sc.fiji.stainnorm.core.Matrix3.determinant(sv.vectors())) < 1e-6)
			throw new InvalidSettingException("custom_vectors: the vectors are (nearly) parallel, so the stains cannot be separated");
		return sv;
	}

	private static void writeTiffAtomically(ImagePlus imp, Path path) {
		ImageOutput.write(imp, path, true);
	}
}
