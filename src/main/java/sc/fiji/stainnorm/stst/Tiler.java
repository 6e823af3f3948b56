package sc.fiji.stainnorm.stst;

/**
 * Overlapping square tiles covering an image, and the blending weights that hide their borders: each tile's
 * weight rises as a raised cosine over the overlap from its edges, and every output pixel is the weighted
 * mean of the tiles covering it, so neighbouring tiles cross-fade instead of meeting at a seam.
 */
public final class Tiler {
	private final int tile, overlap;
	private final int[] xs, ys;
	private final float[] ramp;

	/**
	 * @param tile tile side
	 * @param overlap minimum overlap between neighbouring tiles (0 ≤ overlap < tile)
	 */
	public Tiler(int width, int height, int tile, int overlap) {
		if (overlap < 0 || overlap >= tile) throw new IllegalArgumentException("overlap " + overlap + " must be in [0, " + tile + ")");
		this.tile = tile;
		this.overlap = overlap;
		this.xs = positions(width, tile, overlap);
		this.ys = positions(height, tile, overlap);
		this.ramp = ramp(tile, overlap);
	}

	/** Tile origins along one axis: evenly spread, first at 0, last flush with the far edge. */
	static int[] positions(int size, int tile, int overlap) {
		if (size <= tile) return new int[] { 0 };
		int stride = tile - overlap;
		int n = (int) Math.ceil((double) (size - tile) / stride) + 1;
		int[] p = new int[n];
		for (int k = 0; k < n; k++) p[k] = (int) Math.round((double) k * (size - tile) / (n - 1));
		return p;
	}

	/** Weight profile across a tile: raised cosine over the outer {@code overlap} pixels, never zero. */
	static float[] ramp(int tile, int overlap) {
		float[] r = new float[tile];
		for (int i = 0; i < tile; i++) {
			double d = Math.min(i, tile - 1 - i) + 0.5;
			double v = overlap == 0 || d >= overlap ? 1 : Math.sin(Math.PI / 2 * d / overlap);
			r[i] = (float) Math.max(1e-3, v * v);
		}
		return r;
	}

	public int count() {
		return xs.length * ys.length;
	}

	public int tileX(int index) {
		return xs[index % xs.length];
	}

	public int tileY(int index) {
		return ys[index / xs.length];
	}

	public int tile() {
		return tile;
	}

	public int overlap() {
		return overlap;
	}

	/** The weight profile along either axis: {@code weight(x, y) == ramp()[x] * ramp()[y]}. Not a copy: not to be changed. */
	float[] ramp() {
		return ramp;
	}

	/** Blending weight of tile pixel (x, y). */
	public float weight(int x, int y) {
		return ramp[x] * ramp[y];
	}
}
