package sc.fiji.stainnorm.synth;

import java.util.Random;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * A deterministic Beer–Lambert tissue synthesiser: haematoxylin-rich nuclei in eosin-stained cytoplasm and
 * stroma, with white background, as concentration maps that can be rendered under any {@link StainStyle}.
 * The same seed gives the same tissue on every machine (only {@link Random} and {@code StrictMath}), so
 * renderings of one tissue under two styles are a pair with exactly known ground truth.
 */
public final class SyntheticTissue {
	private final int width, height;
	/** Stain concentrations (OD units at strength 1) per pixel. */
	private final float[] hematoxylin, eosin;
	private final long seed;

	private SyntheticTissue(int width, int height, float[] h, float[] e, long seed) {
		this.width = width;
		this.height = height;
		this.hematoxylin = h;
		this.eosin = e;
		this.seed = seed;
	}

	public static SyntheticTissue generate(long seed, int width, int height) {
		Random rnd = new Random(seed);
		int n = width * height;
		float[] tissue = smoothNoise(rnd, width, height, 48);
		float[] texture = smoothNoise(rnd, width, height, 9);
		float[] h = new float[n], e = new float[n];
		boolean[] inTissue = new boolean[n];
		for (int i = 0; i < n; i++) {
			// ~75% of the field is tissue, with soft edges
			double t = clamp01((tissue[i] + 0.35) * 4);
			inTissue[i] = t > 0.5;
			e[i] = (float) (t * (0.35 + 0.35 * texture[i] + 0.15));
			h[i] = (float) (t * 0.06);
		}
		int nuclei = Math.max(1, n / 700);
		for (int k = 0; k < nuclei; k++) {
			double cx = rnd.nextDouble() * width, cy = rnd.nextDouble() * height;
			int ci = (int) cy * width + (int) cx;
			if (!inTissue[Math.min(ci, n - 1)]) continue;
			double rx = 3 + rnd.nextDouble() * 5, ry = 3 + rnd.nextDouble() * 5, angle = rnd.nextDouble() * Math.PI;
			double strength = 0.7 + rnd.nextDouble() * 0.6;
			double cos = StrictMath.cos(angle), sin = StrictMath.sin(angle);
			int r = (int) Math.ceil(Math.max(rx, ry)) + 2;
			for (int y = Math.max(0, (int) cy - r); y < Math.min(height, (int) cy + r + 1); y++)
				for (int x = Math.max(0, (int) cx - r); x < Math.min(width, (int) cx + r + 1); x++) {
					double dx = x - cx, dy = y - cy;
					double u = (dx * cos + dy * sin) / rx, v = (-dx * sin + dy * cos) / ry;
					double d = u * u + v * v;
					if (d > 1.6) continue;
					// solid nucleus with a soft rim and chromatin texture
					double w = d < 1 ? 1 : 1 - (d - 1) / 0.6;
					int i = y * width + x;
					h[i] = Math.max(h[i], (float) (w * strength * (0.85 + 0.3 * texture[i])));
					e[i] *= (float) (1 - 0.6 * w);
				}
		}
		return new SyntheticTissue(width, height, h, e, seed);
	}

	/** Value noise in about [-0.5, 0.5]: random lattice values every {@code cell} pixels, smoothly interpolated. */
	private static float[] smoothNoise(Random rnd, int width, int height, int cell) {
		int gw = width / cell + 2, gh = height / cell + 2;
		double[] grid = new double[gw * gh];
		for (int i = 0; i < grid.length; i++)
			grid[i] = rnd.nextDouble() - 0.5;
		float[] out = new float[width * height];
		for (int y = 0; y < height; y++) {
			double gy = (double) y / cell;
			int y0 = (int) gy;
			double fy = smoothstep(gy - y0);
			for (int x = 0; x < width; x++) {
				double gx = (double) x / cell;
				int x0 = (int) gx;
				double fx = smoothstep(gx - x0);
				double a = grid[y0 * gw + x0], b = grid[y0 * gw + x0 + 1];
				double c = grid[(y0 + 1) * gw + x0], d = grid[(y0 + 1) * gw + x0 + 1];
				out[y * width + x] = (float) ((a + (b - a) * fx) * (1 - fy) + (c + (d - c) * fx) * fy);
			}
		}
		return out;
	}

	private static double smoothstep(double t) {
		return t * t * (3 - 2 * t);
	}

	private static double clamp01(double v) {
		return v < 0 ? 0 : v > 1 ? 1 : v;
	}

	/** Renders {@code I = io · exp(-(sH·cH·H + sE·cE·E))} per channel, plus Gaussian noise of {@code noise} levels. */
	public RgbImage render(StainStyle style, double noise) {
		Random rnd = new Random(seed * 31 + style.name().hashCode());
		int n = width * height;
		int[] p = new int[n];
		double[] hv = style.hematoxylin(), ev = style.eosin();
		for (int i = 0; i < n; i++) {
			int[] rgb = new int[3];
			double ch = style.hStrength() * hematoxylin[i], ce = style.eStrength() * eosin[i];
			for (int c = 0; c < 3; c++) {
				double intensity = style.io() * StrictMath.exp(-(ch * hv[c] + ce * ev[c]));
				rgb[c] = RgbImage.toByte(intensity + noise * rnd.nextGaussian());
			}
			p[i] = RgbImage.pack(rgb[0], rgb[1], rgb[2]);
		}
		return RgbImage.wrap(width, height, p);
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	/** Haematoxylin concentration per pixel at strength 1 (a copy). */
	public float[] hematoxylin() {
		return hematoxylin.clone();
	}

	/** Eosin concentration per pixel at strength 1 (a copy). */
	public float[] eosin() {
		return eosin.clone();
	}
}
