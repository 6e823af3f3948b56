package sc.fiji.stainnorm.slide;

import java.io.IOException;
import java.nio.file.Path;

import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;

/**
 * A child JVM for {@link PyramidTiffKillTest}: writes the test slide as {@link PyramidTiffKillTest#options()} says,
 * from a source that takes 100 ms per tile (like a slow normalization), so that the parent can kill it mid-run.
 */
public final class SlowPyramidWrite {
	private SlowPyramidWrite() {}

	public static void main(String[] args) throws IOException {
		RegionSource fast = TestSlides.source();
		RegionSource slow = new RegionSource() {
			@Override
			public long width() {
				return fast.width();
			}

			@Override
			public long height() {
				return fast.height();
			}

			@Override
			public RgbImage read(long x, long y, int w, int h) throws IOException {
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
				return fast.read(x, y, w, h);
			}

			@Override
			public PixelSize pixelSize() {
				return fast.pixelSize();
			}
		};
		System.out.println("started");
		PyramidTiffWriter.write(slow, Path.of(args[0]), PyramidTiffKillTest.options(), Progress.NONE);
		System.out.println("finished");
	}
}
