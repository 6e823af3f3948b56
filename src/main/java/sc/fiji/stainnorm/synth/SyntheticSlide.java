package sc.fiji.stainnorm.synth;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.slide.RegionSource;

/**
 * A slide of any size computed on the fly, with no file and no memory that grows with its size: blocks of synthetic
 * tissue (a few {@link SyntheticTissue} patches rendered once in one {@link StainStyle}, chosen and flipped per block by
 * a hash of its position) inside a margin of glass, as a real slide has around its tissue. For the memory checks and the
 * benchmark of whole-slide normalization.
 */
public final class SyntheticSlide implements RegionSource {
	private static final int PATCHES = 4;
	private final long width, height;
	private final int block;
	private final long margin;
	private final int[][] patches;
	private final int glass;

	/**
	 * @param block side of the tissue blocks (and of the patches rendered for them)
	 */
	public SyntheticSlide(long width, long height, StainStyle style, int block, long seed) {
		if (width <= 0 || height <= 0) throw new IllegalArgumentException("slide size " + width + "x" + height + " must be positive");
		this.width = width;
		this.height = height;
		this.block = block;
		this.margin = Math.min(width, height) / 12;
		this.patches = new int[PATCHES][];
		for (int k = 0; k < PATCHES; k++) patches[k] = SyntheticTissue.generate(seed * 31 + k, block, block).render(style, 1.0).pixels();
		// the glass of the style: the brightest pixel of its rendering
		int brightest = 0xFF000000, best = -1;
		for (int p : patches[0]) {
			int sum = RgbImage.red(p) + RgbImage.green(p) + RgbImage.blue(p);
			if (sum > best) {
				best = sum;
				brightest = p;
			}
		}
		this.glass = brightest | 0xFF000000;
	}

	public SyntheticSlide(long width, long height) {
		this(width, height, StainStyle.A, 512, 1);
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
		int[] px = new int[Math.multiplyExact(w, h)];
		for (int j = 0; j < h; j++) {
			long gy = y + j;
			boolean glassRow = gy < margin || gy >= height - margin;
			for (int i = 0; i < w; i++) {
				long gx = x + i;
				if (glassRow || gx < margin || gx >= width - margin) {
					px[j * w + i] = glass;
					continue;
				}
				long bx = Math.floorDiv(gx, block), by = Math.floorDiv(gy, block);
				long hash = (bx * 0x9E3779B97F4A7C15L) ^ (by * 0xC2B2AE3D27D4EB4FL);
				hash ^= hash >>> 31;
				int[] patch = patches[(int) Math.floorMod(hash, PATCHES)];
				int px0 = (int) (gx - bx * block), py0 = (int) (gy - by * block);
				if ((hash & 0x100) != 0) px0 = block - 1 - px0;
				if ((hash & 0x200) != 0) py0 = block - 1 - py0;
				px[j * w + i] = patch[py0 * block + px0];
			}
		}
		return RgbImage.wrap(w, h, px);
	}
}
