package sc.fiji.stainnorm.slide;

import java.io.IOException;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * A large RGB image that is read, or computed, one rectangle at a time: a slide level, or a normalized view of one.
 * Implementations are safe to call from several threads at once; a region is never larger than the caller asked for
 * and always lies inside {@code [0, width) × [0, height)}.
 */
public interface RegionSource {

	long width();

	long height();

	/**
	 * The pixels of the rectangle at ({@code x}, {@code y}) of the given size, as a new image the caller may keep.
	 *
	 * @throws IOException when the underlying file cannot be read; the message names the file
	 * @throws IllegalArgumentException when the rectangle is not inside the image
	 */
	RgbImage read(long x, long y, int width, int height) throws IOException;

	/** Physical size of a pixel; {@link PixelSize#UNKNOWN} when the source does not say. */
	default PixelSize pixelSize() {
		return PixelSize.UNKNOWN;
	}

	/** Checks that a requested rectangle lies inside a source of the given size. */
	static void checkRegion(RegionSource source, long x, long y, int width, int height) {
		if (width <= 0 || height <= 0 || x < 0 || y < 0 || x + width > source.width() || y + height > source.height())
			throw new IllegalArgumentException("Region " + x + "," + y + " " + width + "x" + height
				+ " is outside the " + source.width() + "x" + source.height() + " image");
	}
}
