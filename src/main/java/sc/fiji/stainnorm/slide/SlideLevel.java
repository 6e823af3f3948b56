package sc.fiji.stainnorm.slide;

/**
 * One resolution level of a {@link Slide}: a {@link RegionSource} with the level's place in the pyramid and the size
 * of the tiles (or strips) it is stored in. Regions aligned to {@link #tileWidth()} × {@link #tileHeight()} decode each
 * stored tile once; any other region works too, decoding every tile it touches.
 */
public interface SlideLevel extends RegionSource {

	/** 0 for the full-resolution level, then 1, 2, ... coarser. */
	int index();

	/** How many level-0 pixels one pixel of this level spans (1 for level 0; the mean of the x and y ratios). */
	double downsample();

	/** Width of a stored tile; for a strip layout the image width. */
	int tileWidth();

	/** Height of a stored tile; for a strip layout the rows per strip. */
	int tileHeight();

	/** How the pixels are stored, e.g. "JPEG", "LZW", "deflate", "none", "in memory". */
	String compression();
}
