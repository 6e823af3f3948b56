package sc.fiji.stainnorm.slide;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;

import net.imglib2.Cursor;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.basictypeaccess.array.IntArray;
import net.imglib2.img.cell.LazyCellImg;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.view.Views;
import sc.fiji.stainnorm.core.RgbImage;

/** The ImgLib2 side of slides: cell images over region sources and region sources over intervals give the same pixels. */
public class CellImagesTest {

	/** A slide that computes each pixel from its coordinates (no file), counting its reads. */
	static final class CoordinateSlide implements RegionSource {
		final long width, height;
		final AtomicInteger reads = new AtomicInteger();

		CoordinateSlide(long width, long height) {
			this.width = width;
			this.height = height;
		}

		static int pixel(long x, long y) {
			long h = x * 0x9E3779B97F4A7C15L ^ y * 0xC2B2AE3D27D4EB4FL;
			h ^= h >>> 29;
			return 0xFF000000 | (int) (h & 0xFFFFFF);
		}

		@Override
		public long width() {
			return width;
		}

		@Override
		public long height() {
			return height;
		}

		@Override
		public RgbImage read(long x, long y, int w, int h) {
			RegionSource.checkRegion(this, x, y, w, h);
			reads.incrementAndGet();
			int[] px = new int[w * h];
			for (int j = 0; j < h; j++)
				for (int i = 0; i < w; i++) px[j * w + i] = pixel(x + i, y + j);
			return RgbImage.wrap(w, h, px);
		}
	}

	@Test
	public void cellImagePixelsAreTheSourcePixels() {
		CoordinateSlide slide = new CoordinateSlide(1000, 700);
		LazyCellImg<ARGBType, IntArray> img = CellImages.cellImg(slide, 128, 4);
		assertEquals(1000, img.dimension(0));
		assertEquals(700, img.dimension(1));
		// the cell image's own cursor goes cell by cell (a row-major walk would need a whole row of cells cached)
		Cursor<ARGBType> c = img.localizingCursor();
		long n = 0;
		while (c.hasNext()) {
			int v = c.next().get();
			if (v != CoordinateSlide.pixel(c.getLongPosition(0), c.getLongPosition(1)))
				fail("pixel " + c.getLongPosition(0) + "," + c.getLongPosition(1) + " differs");
			n++;
		}
		assertEquals(700_000, n);
		// 8 x 6 cells (the last row and column partial), each read once, with never more than 4 in memory
		assertEquals(48, slide.reads.get());
		// a cell dropped from the bounded cache is read again when it is touched again
		RandomAccess<ARGBType> ra = img.randomAccess();
		ra.setPosition(new long[] { 0, 0 });
		assertEquals(CoordinateSlide.pixel(0, 0), ra.get().get());
		assertEquals(49, slide.reads.get());
	}

	@Test
	public void regionSourceOverAnIntervalCopiesOnlyTheRegion() throws IOException {
		CoordinateSlide slide = new CoordinateSlide(900, 500);
		RandomAccessibleInterval<ARGBType> cells = CellImages.cellImg(slide, 256, 8);
		// a shifted view: its min becomes (0, 0)
		RegionSource view = CellImages.regionSource(Views.interval(cells, new long[] { 100, 50 }, new long[] { 899, 449 }), new PixelSize(0.5, 0.5, 20));
		assertEquals(800, view.width());
		assertEquals(400, view.height());
		assertEquals(0.5, view.pixelSize().micronsX(), 0);
		RgbImage r = view.read(250, 120, 300, 200);
		for (int y = 0; y < 200; y++)
			for (int x = 0; x < 300; x++)
				assertEquals(CoordinateSlide.pixel(350 + x, 170 + y), r.get(x, y));
		// the region touched cells 1..2 x 0..1 only
		assertEquals(4, slide.reads.get());
		try {
			view.read(700, 0, 101, 10);
			fail("a region past the edge must be refused");
		}
		catch (IllegalArgumentException expected) {
			assertTrue(expected.getMessage(), expected.getMessage().contains("outside the 800x400 image"));
		}
	}

	@Test
	public void channelsViewGivesRgbBytesAndBack() {
		CoordinateSlide slide = new CoordinateSlide(300, 200);
		RandomAccessibleInterval<ARGBType> img = CellImages.cellImg(slide, 64, 8);
		RandomAccessibleInterval<UnsignedByteType> ch = CellImages.channels(img);
		assertEquals(3, ch.numDimensions());
		assertEquals(3, ch.dimension(2));
		RandomAccess<UnsignedByteType> ra = ch.randomAccess();
		for (long[] p : new long[][] { { 0, 0 }, { 299, 199 }, { 63, 64 }, { 150, 77 } }) {
			int rgb = CoordinateSlide.pixel(p[0], p[1]);
			for (int c = 0; c < 3; c++) {
				ra.setPosition(new long[] { p[0], p[1], c });
				assertEquals("channel " + c + " at " + p[0] + "," + p[1], (rgb >> (16 - 8 * c)) & 0xFF, ra.get().get());
			}
		}
		RandomAccess<ARGBType> back = CellImages.argb(ch).randomAccess();
		back.setPosition(new long[] { 150, 77 });
		assertEquals(CoordinateSlide.pixel(150, 77) & 0xFFFFFF, back.get().get() & 0xFFFFFF);
	}

	@Test
	public void readFailuresNameTheFile() {
		RegionSource broken = new RegionSource() {
			public long width() {
				return 100;
			}

			public long height() {
				return 100;
			}

			public RgbImage read(long x, long y, int w, int h) throws IOException {
				throw new IOException("/data/slide.svs: tile 3 is truncated");
			}
		};
		RandomAccess<ARGBType> ra = CellImages.cellImg(broken, 64, 2).randomAccess();
		try {
			ra.setPosition(new long[] { 70, 10 });
			ra.get().get();
			fail("a failed read must not give pixels");
		}
		catch (UncheckedIOException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("/data/slide.svs"));
		}
	}

	@Test
	public void cacheComputesEachCellOnceUnderConcurrency() throws Exception {
		AtomicInteger computed = new AtomicInteger();
		CellCache<Long> cache = new CellCache<>(3, i -> {
			computed.incrementAndGet();
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException e) {
				throw new IllegalStateException(e);
			}
			return i * 10;
		});
		Thread[] threads = new Thread[6];
		for (int t = 0; t < threads.length; t++) {
			threads[t] = new Thread(() -> assertEquals(70L, (long) cache.get(7)));
			threads[t].start();
		}
		for (Thread t : threads) t.join();
		assertEquals(1, computed.get());
		for (long i = 0; i < 10; i++) cache.get(i);
		assertEquals(3, cache.size());
	}
}
