package sc.fiji.stainnorm.core;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

/** Writes a 32-bit float plane (e.g. stain concentrations) as a TIFF, atomically like {@link ImageFiles#write}. */
public final class FloatTiff {
	private FloatTiff() {}

	public static void write(float[] values, int width, int height, Path path) {
		if ((long) width * height != values.length) throw new IllegalArgumentException("plane is not " + width + "x" + height);
		Path dir = path.toAbsolutePath().getParent();
		try {
			Files.createDirectories(dir);
		}
		catch (IOException e) {
			throw new StainNormException("Cannot create folder " + dir + ": " + e.getMessage());
		}
		Path tmp = dir.resolve("." + path.getFileName() + ".part.tif");
		ImagePlus imp = new ImagePlus(path.getFileName().toString(), new FloatProcessor(width, height, values));
		if (!new FileSaver(imp).saveAsTiff(tmp.toString()) || !Files.exists(tmp)) throw new StainNormException("Cannot write " + path);
		try {
			try {
				Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException e) {
				Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException e) {
			try {
				Files.deleteIfExists(tmp);
			}
			catch (IOException ignored) {
				// the error being reported matters more
			}
			throw new StainNormException("Cannot write " + path + ": " + e.getMessage());
		}
	}
}
