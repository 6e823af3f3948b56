package sc.fiji.stainnorm.evaluate;

import java.util.Arrays;

import sc.fiji.stainnorm.core.ColorSpaces;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.TissueMask;

/**
 * How much a normalization damaged an image, measured against its input with no ground truth: the properties an H&amp;E
 * image must keep whatever its target colours (issue 12, "image-damage checks"). Regions come from the input:
 * <ul>
 * <li><b>glass</b>: bright, near-neutral input pixels (CIE L* at least {@value #GLASS_LIGHTNESS}, chroma at most
 * {@value #GLASS_CHROMA}); in the output they must stay bright and neutral;</li>
 * <li><b>tissue</b>: {@link TissueMask} pixels that are not glass; <b>nuclei</b>: its darkest tenth by luma, <b>stroma</b>:
 * its brighter half.</li>
 * </ul>
 * Measures are over a regular grid of at most {@value #GRID} pixels; each is NaN when its region is (nearly) empty.
 */
public final class ImageDamage {
	static final double GLASS_LIGHTNESS = 85, GLASS_CHROMA = 8;
	/** Cyan to green: CIE hue angles an H&amp;E stain cannot produce (H is blue-violet to purple, E pink to red). */
	static final double CYAN_FROM = 120, CYAN_TO = 250, CYAN_MIN_CHROMA = 8;
	static final int GRID = 1 << 14, MIN_REGION = 64;

	/**
	 * @param glassFraction      share of the input's (grid) pixels that are glass
	 * @param glassChroma        mean CIE chroma of the output over the input's glass (input: {@code glassChromaIn})
	 * @param glassLightness     mean CIE L* of the output over the input's glass (input: {@code glassLightnessIn})
	 * @param newCyan            share of tissue pixels that are cyan/green in the output minus that share in the input
	 * @param nucleiContrast     (stroma − nuclei) mean luma in the output over the same in the input: 1 kept, ≤ 0 nuclei no
	 *                           longer darker
	 * @param nucleiBlueness     mean b* of stroma minus mean b* of nuclei in the output (positive: nuclei bluer, i.e. more
	 *                           haematoxylin-hued); {@code nucleiBluenessIn} for the input
	 * @param lumaRank           Spearman rank correlation of input and output luma over tissue pixels
	 * @param newClipped         share of tissue pixels with a channel at 0 or 255 in the output but not in the input
	 */
	public record Measures(double glassFraction, double glassChromaIn, double glassChroma, double glassLightnessIn, double glassLightness,
		double newCyan, double nucleiContrast, double nucleiBluenessIn, double nucleiBlueness, double lumaRank, double newClipped) {

		public static final String CSV_HEADER = "glass_fraction,glass_chroma_in,glass_chroma,glass_lightness_in,glass_lightness,new_cyan,"
			+ "nuclei_contrast,nuclei_blueness_in,nuclei_blueness,luma_rank,new_clipped";

		public String csv() {
			double[] v = { glassFraction, glassChromaIn, glassChroma, glassLightnessIn, glassLightness, newCyan, nucleiContrast, nucleiBluenessIn,
				nucleiBlueness, lumaRank, newClipped };
			StringBuilder b = new StringBuilder();
			for (int i = 0; i < v.length; i++)
				b.append(i == 0 ? "" : ",").append(sc.fiji.stainnorm.core.Csv.number(v[i]));
			return b.toString();
		}
	}

	private ImageDamage() {}

	public static Measures measure(RgbImage input, RgbImage output) {
		if (input.width() != output.width() || input.height() != output.height())
			throw new IllegalArgumentException("input and output differ in size: " + input + " vs " + output);
		int[] in = input.pixels(), out = output.pixels();
		int step = Math.max(1, (int) Math.ceil(in.length / (double) GRID));
		int n = (in.length + step - 1) / step;
		double[] lIn = new double[n], lumaIn = new double[n], lumaOut = new double[n], bIn = new double[n], bOut = new double[n];
		byte[] region = new byte[n]; // 0 glass, 1 tissue, 2 other (bright tinted, not tissue)
		int glass = 0, tissue = 0;
		double gcIn = 0, gcOut = 0, glIn = 0, glOut = 0;
		int cyanIn = 0, cyanOut = 0, clipped = 0;
		for (int k = 0, i = 0; k < n; k++, i += step) {
			double[] a = lab(in[i]), b = lab(out[i]);
			lIn[k] = a[0];
			bIn[k] = a[2];
			bOut[k] = b[2];
			lumaIn[k] = luma(in[i]);
			lumaOut[k] = luma(out[i]);
			double chromaIn = Math.hypot(a[1], a[2]), chromaOut = Math.hypot(b[1], b[2]);
			if (a[0] >= GLASS_LIGHTNESS && chromaIn <= GLASS_CHROMA) {
				region[k] = 0;
				glass++;
				gcIn += chromaIn;
				gcOut += chromaOut;
				glIn += a[0];
				glOut += b[0];
			}
			else if (TissueMask.isTissue(in[i])) {
				region[k] = 1;
				tissue++;
				if (isCyan(a)) cyanIn++;
				if (isCyan(b)) cyanOut++;
				if (clipped(out[i]) && !clipped(in[i])) clipped++;
			}
			else region[k] = 2;
		}
		boolean hasGlass = glass >= Math.max(MIN_REGION, 0.01 * n);
		double nan = Double.NaN;
		double glassFraction = glass / (double) n;
		if (tissue < MIN_REGION)
			return new Measures(glassFraction, hasGlass ? gcIn / glass : nan, hasGlass ? gcOut / glass : nan, hasGlass ? glIn / glass : nan,
				hasGlass ? glOut / glass : nan, nan, nan, nan, nan, nan, nan);
		double[] tLumaIn = new double[tissue], tLumaOut = new double[tissue];
		int[] index = new int[tissue];
		for (int k = 0, t = 0; k < n; k++)
			if (region[k] == 1) {
				index[t] = k;
				tLumaIn[t] = lumaIn[k];
				tLumaOut[t++] = lumaOut[k];
			}
		double[] sorted = tLumaIn.clone();
		Arrays.sort(sorted);
		double nucleiMax = sorted[(int) (0.1 * (tissue - 1))], stromaMin = sorted[(int) (0.5 * (tissue - 1))];
		double nIn = 0, nOut = 0, sIn = 0, sOut = 0, nbIn = 0, nbOut = 0, sbIn = 0, sbOut = 0;
		int nn = 0, ns = 0;
		for (int t = 0; t < tissue; t++) {
			int k = index[t];
			if (tLumaIn[t] <= nucleiMax) {
				nn++;
				nIn += tLumaIn[t];
				nOut += tLumaOut[t];
				nbIn += bIn[k];
				nbOut += bOut[k];
			}
			else if (tLumaIn[t] >= stromaMin) {
				ns++;
				sIn += tLumaIn[t];
				sOut += tLumaOut[t];
				sbIn += bIn[k];
				sbOut += bOut[k];
			}
		}
		double contrastIn = sIn / ns - nIn / nn, contrastOut = sOut / ns - nOut / nn;
		double nucleiContrast = nn > 0 && ns > 0 && contrastIn > 1 ? contrastOut / contrastIn : nan;
		double bluenessIn = nn > 0 && ns > 0 ? sbIn / ns - nbIn / nn : nan, bluenessOut = nn > 0 && ns > 0 ? sbOut / ns - nbOut / nn : nan;
		return new Measures(glassFraction, hasGlass ? gcIn / glass : nan, hasGlass ? gcOut / glass : nan, hasGlass ? glIn / glass : nan,
			hasGlass ? glOut / glass : nan, (cyanOut - cyanIn) / (double) tissue, nucleiContrast, bluenessIn, bluenessOut,
			spearman(tLumaIn, tLumaOut), clipped / (double) tissue);
	}

	private static double[] lab(int p) {
		return ColorSpaces.rgbToLab(RgbImage.red(p), RgbImage.green(p), RgbImage.blue(p));
	}

	private static double luma(int p) {
		return ColorSpaces.luma(RgbImage.red(p), RgbImage.green(p), RgbImage.blue(p));
	}

	static boolean isCyan(double[] lab) {
		double chroma = Math.hypot(lab[1], lab[2]);
		if (chroma < CYAN_MIN_CHROMA) return false;
		double hue = Math.toDegrees(Math.atan2(lab[2], lab[1]));
		if (hue < 0) hue += 360;
		return hue >= CYAN_FROM && hue <= CYAN_TO;
	}

	private static boolean clipped(int p) {
		int r = RgbImage.red(p), g = RgbImage.green(p), b = RgbImage.blue(p);
		return r == 0 || g == 0 || b == 0 || r == 255 || g == 255 || b == 255;
	}

	/** Spearman's ρ: Pearson correlation of the ranks (ties get their mean rank); NaN when either side is constant. */
	static double spearman(double[] x, double[] y) {
		double[] rx = ranks(x), ry = ranks(y);
		double mx = 0, my = 0;
		for (int i = 0; i < rx.length; i++) {
			mx += rx[i];
			my += ry[i];
		}
		mx /= rx.length;
		my /= ry.length;
		double sxy = 0, sxx = 0, syy = 0;
		for (int i = 0; i < rx.length; i++) {
			sxy += (rx[i] - mx) * (ry[i] - my);
			sxx += (rx[i] - mx) * (rx[i] - mx);
			syy += (ry[i] - my) * (ry[i] - my);
		}
		return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Double.NaN;
	}

	private static double[] ranks(double[] v) {
		Integer[] order = new Integer[v.length];
		for (int i = 0; i < v.length; i++)
			order[i] = i;
		Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
		double[] r = new double[v.length];
		for (int i = 0; i < v.length;) {
			int j = i;
			while (j + 1 < v.length && v[order[j + 1]] == v[order[i]])
				j++;
			double mean = (i + j) / 2.0;
			for (int k = i; k <= j; k++)
				r[order[k]] = mean;
			i = j + 1;
		}
		return r;
	}
}
