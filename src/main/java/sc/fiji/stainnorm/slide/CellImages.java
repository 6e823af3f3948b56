package sc.fiji.stainnorm.slide;

import java.io.IOException;
import java.io.UncheckedIOException;

import net.imglib2.Cursor;
import net.imglib2.FinalInterval;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.converter.Converters;
import net.imglib2.img.basictypeaccess.array.IntArray;
import net.imglib2.img.cell.Cell;
import net.imglib2.img.cell.CellGrid;
import net.imglib2.img.cell.LazyCellImg;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.view.Views;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.normalize.SourceModel;
import sc.fiji.stainnorm.normalize.StainNormalizer;

/**
 * The ImgLib2 side of whole slides: a {@link RegionSource} (a slide level, or its normalized view) as a cell image
 * whose cells are read or computed on demand and held in a bounded cache, and any
 * {@code RandomAccessibleInterval<ARGBType>} as a {@code RegionSource}, so a Groovy script or a viewer can show a
 * normalized slide without writing it, and the pyramid writer can consume cells:
 *
 * <pre>
 * RandomAccessibleInterval&lt;ARGBType&gt; slide = CellImages.cellImg(level0, 512, 64);
 * RandomAccessibleInterval&lt;ARGBType&gt; normalized = CellImages.normalized(slide, normalizer, sourceModel, 512, 64);
 * ImageJFunctions.show(normalized);   // cells are computed as the viewer asks for them
 * </pre>
 *
 * The cache here is the project's {@link CellCache} over ImgLib2's own {@link LazyCellImg} (ImgLib2's
 * {@code imglib2-cache} is not served by Maven Central, the only repository this build uses).
 */
public final class CellImages {
	/** Cell side used when a caller does not choose: the pyramid writer's default tile. */
	public static final int DEFAULT_CELL = 512;
	/** Cells kept by default: 64 cells of 512² ARGB are 64 MiB. */
	public static final int DEFAULT_CACHED_CELLS = 64;

	private CellImages() {}

	/**
	 * A cell image over {@code source}: square cells of side {@code cellSize} aligned to (0, 0) (so, with the writer's
	 * tile size, one cell per written tile), each read by one {@link RegionSource#read} call when first touched and
	 * kept among the {@code cachedCells} most recently used. A read failure surfaces as an
	 * {@link UncheckedIOException} naming the source's file.
	 */
	public static LazyCellImg<ARGBType, IntArray> cellImg(RegionSource source, int cellSize, int cachedCells) {
		if (cellSize < 1) throw new IllegalArgumentException("cell size " + cellSize + " must be positive");
		CellGrid grid = new CellGrid(new long[] { source.width(), source.height() }, new int[] { cellSize, cellSize });
		CellCache<Cell<IntArray>> cache = new CellCache<>(cachedCells, index -> readCell(source, grid, index));
		return new LazyCellImg<>(grid, new ARGBType(), cache::get);
	}

	public static LazyCellImg<ARGBType, IntArray> cellImg(RegionSource source) {
		return cellImg(source, DEFAULT_CELL, DEFAULT_CACHED_CELLS);
	}

	private static Cell<IntArray> readCell(RegionSource source, CellGrid grid, long index) {
		long[] min = new long[2];
		int[] size = new int[2];
		grid.getCellDimensions(index, min, size);
		try {
			RgbImage pixels = source.read(min[0], min[1], size[0], size[1]);
			return new Cell<>(size, min, new IntArray(pixels.pixels()));
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** A {@code RegionSource} over any 2-D ARGB interval (its min becomes (0, 0)), of unknown pixel size. */
	public static RegionSource regionSource(RandomAccessibleInterval<ARGBType> image) {
		return regionSource(image, PixelSize.UNKNOWN);
	}

	/**
	 * A {@code RegionSource} over any 2-D ARGB interval: each {@code read} copies only the asked rectangle, so a cell
	 * image is consumed cell by cell, never as a whole.
	 */
	public static RegionSource regionSource(RandomAccessibleInterval<ARGBType> image, PixelSize pixelSize) {
		if (image.numDimensions() != 2) throw new IllegalArgumentException("an RGB slide has 2 dimensions, this image has " + image.numDimensions());
		return new IntervalSource(image, pixelSize);
	}

	private record IntervalSource(RandomAccessibleInterval<ARGBType> image, PixelSize pixelSize) implements RegionSource {
		@Override
		public long width() {
			return image.dimension(0);
		}

		@Override
		public long height() {
			return image.dimension(1);
		}

		@Override
		public RgbImage read(long x, long y, int width, int height) {
			RegionSource.checkRegion(this, x, y, width, height);
			long x0 = image.min(0) + x, y0 = image.min(1) + y;
			int[] px = new int[Math.multiplyExact(width, height)];
			Cursor<ARGBType> c = Views.flatIterable(Views.interval(image, new FinalInterval(new long[] { x0, y0 },
				new long[] { x0 + width - 1, y0 + height - 1 }))).cursor();
			for (int i = 0; i < px.length; i++) px[i] = c.next().get() | 0xFF000000;
			return RgbImage.wrap(width, height, px);
		}
	}

	/**
	 * The normalized slide as a lazily computed cell image: each cell is computed when first touched, with the one
	 * slide-level {@code source} model (STST: with the halo of its blended tiles and guided filter, see
	 * {@link NormalizedRegions}), and held in a bounded cache.
	 */
	public static LazyCellImg<ARGBType, IntArray> normalized(RandomAccessibleInterval<ARGBType> slide, StainNormalizer normalizer,
		SourceModel source, int cellSize, int cachedCells) {
		return cellImg(new NormalizedRegions(regionSource(slide), normalizer, source), cellSize, cachedCells);
	}

	/**
	 * Three 8-bit channels (R, G, B) as a third dimension, writable through to the ARGB pixels: the form ImageJ's
	 * composite images and most ImgLib2 ops take.
	 */
	public static RandomAccessibleInterval<UnsignedByteType> channels(RandomAccessibleInterval<ARGBType> image) {
		return Converters.argbChannels(image, 1, 2, 3);
	}

	/** The ARGB image of three 8-bit channels (R, G, B in the last dimension), as {@link #channels} makes. */
	public static RandomAccessibleInterval<ARGBType> argb(RandomAccessibleInterval<UnsignedByteType> channels) {
		if (channels.numDimensions() != 3 || channels.dimension(2) != 3)
			throw new IllegalArgumentException("expected X x Y x 3 channels (R, G, B), got " + java.util.Arrays.toString(channels.dimensionsAsLongArray()));
		return Converters.mergeARGB(channels, net.imglib2.converter.ColorChannelOrder.RGB);
	}
}
