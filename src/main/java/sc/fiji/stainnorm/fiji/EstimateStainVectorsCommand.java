package sc.fiji.stainnorm.fiji;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.Roi;
import ij.measure.ResultsTable;
import ij.process.ImageProcessor;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.vectors.OdScatterPlot;
import sc.fiji.stainnorm.vectors.StainVectorEstimate;

/**
 * The stain vectors of the current image, or of its ROI when one is drawn ({@link StainVectorEstimate}): a
 * ResultsTable, the optical-density scatter plots as an image, and optionally a CSV and a PNG of them.
 */
@Plugin(type = Command.class, headless = true, label = EstimateStainVectorsCommand.LABEL, description = "The stain vectors of the current image or its ROI: table, OD scatter plots, strings for Colour Deconvolution.",
	menu = { @Menu(label = "Plugins"), @Menu(label = StainNormCommand.MENU), @Menu(label = EstimateStainVectorsCommand.LABEL, weight = 8) })
public class EstimateStainVectorsCommand extends StainNormCommand {
	public static final String LABEL = "Estimate Stain Vectors";

	@Parameter
	private StatusService status;

	@Parameter(label = "Image", required = false, description = "The RGB image (default: the current image; its ROI when one is drawn)")
	private ImagePlus image;

	@Parameter(label = "Method", choices = { "macenko", "vahadane", "khan" }, description = "Whose stain-vector estimator to use")
	private String method = "macenko";

	@Parameter(label = "Input file", required = false, description = "Read this file instead of using an open image (headless use)")
	private File input_file;

	@Parameter(label = "CSV file", required = false, style = "save", description = "Also save the table here")
	private File csv_file;

	@Parameter(label = "Plot file (PNG)", required = false, style = "save", description = "Also save the OD scatter plots here")
	private File plot_file;

	@Parameter(label = "Overwrite saved files", required = false, persist = false)
	private boolean overwrite;

	@Parameter(type = ItemIO.OUTPUT, label = "OD scatter plots")
	private ImagePlus od_plot;

	@Parameter(type = ItemIO.OUTPUT, label = "Vectors for Colour Deconvolution")
	private String deconvolve_vectors;

	private ResultsTable results;

	/** The table of the last run (also shown in a window when there is a screen). */
	public ResultsTable results() {
		return results;
	}

	@Override
	protected void execute() {
		Path csv = given(csv_file) ? csv_file.toPath() : null, plot = given(plot_file) ? plot_file.toPath() : null;
		if (plot != null && !ImageFiles.isImageFile(plot)) throw new InvalidSettingException("plot_file " + plot + " must end in .png, .tif or .jpg");
		for (Path p : new Path[] { csv, plot })
			if (p != null && !overwrite && Files.exists(p)) throw new StainNormException(p + " exists; set overwrite to replace it (nothing was written)");
		RgbImage src;
		String title;
		if (given(input_file)) {
			src = ImageFiles.read(input_file.toPath());
			title = input_file.getName();
		}
		else {
			ImagePlus imp = isGiven(image) ? image : WindowManager.getCurrentImage();
			if (imp == null) throw new StainNormException("No image open: open an RGB image first (or give input_file)");
			src = withinRoi(ImageFiles.fromImagePlus(imp), imp.getRoi());
			title = imp.getTitle() + (imp.getRoi() != null && imp.getRoi().isArea() ? " (ROI)" : "");
		}
		status.showStatus(LABEL + ": " + title);
		StainVectorEstimate e = StainVectorEstimate.of(src, method);
		results = new ResultsTable();
		for (int s = 0; s < 2; s++) {
			results.addRow();
			results.addValue("Image", title);
			results.addValue("Method", e.method());
			results.addValue("Stain", StainVectorEstimate.STAINS[s]);
			results.addValue("OD red", e.vectors()[s][0]);
			results.addValue("OD green", e.vectors()[s][1]);
			results.addValue("OD blue", e.vectors()[s][2]);
			results.addValue("Angle to Ruifrok (deg)", e.anglesToRuifrok()[s]);
			results.addValue("p99 concentration", e.maxConcentrations()[s]);
			results.addValue("Glass red", e.glass()[0]);
			results.addValue("Glass green", e.glass()[1]);
			results.addValue("Glass blue", e.glass()[2]);
			results.addValue("Tissue pixels", e.tissuePixels());
		}
		deconvolve_vectors = e.deconvolveVectors();
		RgbImage plotImage = OdScatterPlot.render(List.of(title), List.of(src), List.of(e));
		od_plot = ImageFiles.toImagePlus(plotImage, NormalizeImageCommand.baseName(title) + "-od-plot");
		if (csv != null) AtomicFile.writeString(csv, StainVectorEstimate.csvHeader() + "\n" + e.csvRows(title));
		if (plot != null) ImageFiles.write(plotImage, plot);
		log.info(LABEL + ": " + title + " (" + e.method() + ")\n" + e.describe());
		ResultsTables.showIfPossible(results, "Stain Vectors");
		status.showStatus(LABEL + ": done");
	}

	/** The pixels inside an area ROI, as one row (the estimators do not need their positions); the whole image without one. */
	static RgbImage withinRoi(RgbImage image, Roi roi) {
		if (roi == null || !roi.isArea()) return image;
		java.awt.Rectangle r = roi.getBounds().intersection(new java.awt.Rectangle(image.width(), image.height()));
		ImageProcessor mask = roi.getMask();
		int[] inside = new int[r.width * r.height];
		int n = 0;
		java.awt.Rectangle b = roi.getBounds();
		for (int y = r.y; y < r.y + r.height; y++)
			for (int x = r.x; x < r.x + r.width; x++)
				if (mask == null || mask.get(x - b.x, y - b.y) != 0) inside[n++] = image.get(x, y);
		if (n == 0) throw new StainNormException("The ROI holds no pixels of the image");
		return RgbImage.wrap(n, 1, java.util.Arrays.copyOf(inside, n));
	}

	private static boolean given(File f) {
		return f != null && !f.getPath().isBlank();
	}
}
