package sc.fiji.stainnorm.slide;

import java.io.IOException;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.normalize.SourceModel;
import sc.fiji.stainnorm.normalize.SourceModels;
import sc.fiji.stainnorm.normalize.StainNormalizer;

/**
 * A source normalized tile by tile into one image in memory, as a slide job does it: every tile with the same source model
 * ({@link StainNormalizer#normalize(SourceModel, RgbImage)}), tiles without tissue copied. For images small enough for
 * memory this is the reference a slide job's output is compared with, and for the four classical methods it equals the
 * image normalized whole with that model, {@code normalize(model, image)}, on every tile with tissue: their transfer is
 * pixel-wise once the model is fixed. STST is not pixel-wise (the network sees each pixel's neighbourhood and normalizes
 * per image), so its tiles need overlap and a halo instead.
 */
public final class TiledNormalization {
	private TiledNormalization() {}

	/**
	 * @param image  the normalized image
	 * @param tiles  tiles normalized
	 * @param copied of those, tiles without tissue ({@link SourceModels#hasTissue}), copied unchanged (Reinhard's
	 *               {@code glass=reference} draws them at the reference's glass level instead)
	 */
	public record Result(RgbImage image, int tiles, int copied) {}

	/** Tiles of {@code tileSize}² from the top left (the last column and row narrower), each normalized with {@code model}. */
	public static Result byTiles(StainNormalizer normalizer, SourceModel model, RegionSource source, int tileSize) throws IOException {
		if (tileSize < 1) throw new IllegalArgumentException("tile size " + tileSize);
		if (source.width() * source.height() > Integer.MAX_VALUE - 8)
			throw new IllegalArgumentException("A " + source.width() + "x" + source.height() + " image does not fit in one image in memory");
		int w = (int) source.width(), h = (int) source.height();
		int[] out = new int[w * h];
		int tiles = 0, copied = 0;
		for (int y = 0; y < h; y += tileSize)
			for (int x = 0; x < w; x += tileSize) {
				int tw = Math.min(tileSize, w - x), th = Math.min(tileSize, h - y);
				RgbImage tile = source.read(x, y, tw, th);
				tiles++;
				if (!SourceModels.hasTissue(tile)) copied++;
				RgbImage done = normalizer.normalize(model, tile).image();
				for (int row = 0; row < th; row++)
					System.arraycopy(done.pixels(), row * tw, out, (y + row) * w + x, tw);
			}
		return new Result(RgbImage.wrap(w, h, out), tiles, copied);
	}

	/** The largest difference of one channel of one pixel between two images of the same size (0: bit-identical). */
	public static int maxDifference(RgbImage a, RgbImage b) {
		if (a.width() != b.width() || a.height() != b.height())
			throw new IllegalArgumentException("images of different sizes: " + a + ", " + b);
		int max = 0;
		int[] p = a.pixels(), q = b.pixels();
		for (int i = 0; i < p.length; i++)
			for (int shift = 0; shift <= 16; shift += 8)
				max = Math.max(max, Math.abs(((p[i] >> shift) & 0xFF) - ((q[i] >> shift) & 0xFF)));
		return max;
	}
}
