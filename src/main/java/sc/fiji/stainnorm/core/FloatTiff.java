package sc.fiji.stainnorm.core;

import java.nio.file.Path;

import ij.ImagePlus;
import ij.process.FloatProcessor;

/** Writes a 32-bit float plane (e.g. stain concentrations) as a TIFF, atomically like {@link ImageFiles#write}. */
public final class FloatTiff {
	private FloatTiff() {}

	public static void write(float[] values, int width, int height, Path path) {
		if ((long) width * height != values.length) throw new IllegalArgumentException("plane is not " + width + "x" + height);
		ImagePlus imp = new ImagePlus(path.getFileName().toString(), new FloatProcessor(width, height, values));
		ImageOutput.write(imp, path, true);
	}
}
