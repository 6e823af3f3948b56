package sc.fiji.stainnorm.slide;

/**
 * Physical pixel size and objective magnification of a slide level, as scanners record them (TIFF resolution tags,
 * Aperio's {@code MPP} and {@code AppMag}, OME-TIFF's {@code PhysicalSizeX}). NaN where the file does not say.
 */
public record PixelSize(double micronsX, double micronsY, double magnification) {
	public static final PixelSize UNKNOWN = new PixelSize(Double.NaN, Double.NaN, Double.NaN);

	public boolean known() {
		return micronsX > 0 && micronsY > 0;
	}

	/** The same physical size for a level {@code factor} times coarser. */
	public PixelSize downsampled(double factor) {
		return new PixelSize(micronsX * factor, micronsY * factor, magnification / factor);
	}
}
