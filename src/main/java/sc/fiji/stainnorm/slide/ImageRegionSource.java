package sc.fiji.stainnorm.slide;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * An image in memory seen as a {@link RegionSource}: for images that fit in memory, and for tests that build a slide
 * in memory. Regions are copies, so callers may keep and change them.
 */
public record ImageRegionSource(RgbImage image, PixelSize pixelSize) implements RegionSource {

	public ImageRegionSource(RgbImage image) {
		this(image, PixelSize.UNKNOWN);
	}

	@Override
	public long width() {
		return image.width();
	}

	@Override
	public long height() {
		return image.height();
	}

	@Override
	public RgbImage read(long x, long y, int width, int height) {
		RegionSource.checkRegion(this, x, y, width, height);
		return image.crop((int) x, (int) y, width, height);
	}
}
