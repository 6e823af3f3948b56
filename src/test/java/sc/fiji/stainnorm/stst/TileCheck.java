package sc.fiji.stainnorm.stst;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.evaluate.Evaluation;
import sc.fiji.stainnorm.metrics.Convention;
import sc.fiji.stainnorm.metrics.Metric;
import sc.fiji.stainnorm.metrics.Metrics;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.synth.StainShift;

/**
 * How keep_structure's settings were chosen for #15's every-tile target (docs/stst-default-model/experiments.md):
 * the evaluation's matched protocol (256 px patches of GBM tiles, the evaluation's seeded {@link StainShift}s by
 * patch index, {@code standard} SSIM and PSNR) on the tiles given, for STST with each option string given.
 * Prints per variant the mean, every tile's mean, the worst tile's gain over the unnormalized input and the tiles
 * won on both metrics. {@code TileCheck GBM_FOLDER TILES(02,05,...) OPTIONS1 OPTIONS2 ...} ("-" = the defaults).
 */
final class TileCheck {
	static final Metric SSIM = Metrics.byName("SSIM", Convention.STANDARD), PSNR = Metrics.byName("PSNR", Convention.STANDARD);

	private TileCheck() {}

	record Patch(String tile, RgbImage truth, RgbImage shifted) {}

	static List<Patch> patches(Path gbm, List<String> tiles, long seed) {
		List<Patch> out = new ArrayList<>();
		for (String id : tiles) {
			RgbImage tile = ImageFiles.read(gbm.resolve(id + ".tif"));
			for (int y = 0; y + 256 <= tile.height(); y += 256)
				for (int x = 0; x + 256 <= tile.width(); x += 256) {
					RgbImage truth = tile.crop(x, y, 256, 256);
					out.add(new Patch(id, truth, StainShift.random(Evaluation.shiftSeed(seed, out.size())).apply(truth)));
				}
		}
		return out;
	}

	/**
	 * An option string's {@code strength=S} (not an STST option) becomes {@code model=} a copy of the bundled model
	 * with gray-matching strength S, written to the temporary folder.
	 */
	static String withStrength(String options) {
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("(^|,)strength=([0-9.]+)").matcher(options);
		if (!m.find()) return options;
		StstModel bundled = StstModel.bundled();
		java.util.Properties meta = bundled.metadata();
		meta.setProperty(StstModel.INPUT_STRENGTH, m.group(2));
		Path copy = Path.of(System.getProperty("java.io.tmpdir"), "tilecheck-strength-" + m.group(2) + ".zip");
		new StstModel(bundled.spec(), bundled.weights(), meta).write(copy);
		String rest = (options.substring(0, m.start()) + options.substring(m.end())).replaceAll("^,|,$", "");
		return "model=" + copy + (rest.isEmpty() ? "" : "," + rest);
	}

	public static void main(String[] args) {
		Path gbm = Path.of(args[0]);
		for (int i = 2; i < args.length; i++) args[i] = withStrength(args[i]);
		if (args[1].startsWith("large:")) {
			largeShifts(gbm, List.of(args[1].substring(6).split(",")), List.of(args).subList(2, args.length));
			return;
		}
		List<String> tiles = List.of(args[1].split(","));
		List<Patch> patches = patches(gbm, tiles, 1);
		Map<String, double[][]> scores = new LinkedHashMap<>(); // variant -> [patch][ssim, psnr]
		double[][] none = new double[patches.size()][];
		for (int i = 0; i < patches.size(); i++)
			none[i] = new double[] { SSIM.compute(patches.get(i).truth, patches.get(i).shifted), PSNR.compute(patches.get(i).truth, patches.get(i).shifted) };
		scores.put("none", none);
		for (int v = 2; v < args.length; v++) {
			if (args[v].startsWith("flips=")) {
				scores.put(args[v], flips(patches, Integer.parseInt(args[v].substring(6))));
				continue;
			}
			StainNormalizer n = Methods.create("stst", args[v].equals("-") ? MethodOptions.none() : MethodOptions.parse(args[v]));
			n.fit(List.of());
			double[][] s = new double[patches.size()][];
			long t0 = System.nanoTime();
			for (int i = 0; i < patches.size(); i++) {
				RgbImage out = n.normalize(patches.get(i).shifted).image();
				s[i] = new double[] { SSIM.compute(patches.get(i).truth, out), PSNR.compute(patches.get(i).truth, out) };
			}
			System.err.printf(Locale.ROOT, "%s: %.1f s%n", args[v], (System.nanoTime() - t0) / 1e9);
			scores.put(args[v], s);
		}
		for (var e : scores.entrySet()) System.out.println(line(e.getKey(), e.getValue(), none, patches, tiles));
	}

	/**
	 * Test-time flips, measured outside STST: the generator's output ({@code keep_structure=false}, rounded to bytes)
	 * for {@code n} of the 8 flips and transposes of each patch, turned back and averaged, then keep_structure's
	 * per-channel guided filter at the defaults. {@code flips=1} is the same path without averaging, the fair baseline.
	 */
	static double[][] flips(List<Patch> patches, int n) {
		StainNormalizer raw = Methods.create("stst", MethodOptions.parse("keep_structure=false"));
		raw.fit(List.of());
		double[][] s = new double[patches.size()][];
		long t0 = System.nanoTime();
		for (int i = 0; i < patches.size(); i++) {
			RgbImage in = patches.get(i).shifted;
			int w = in.width(), h = in.height();
			float[][] sum = new float[3][w * h];
			for (int f = 0; f < n; f++) {
				RgbImage out = unflip(raw.normalize(flip(in, f)).image(), f);
				for (int c = 0; c < 3; c++) {
					float[] ch = out.channel(c);
					for (int j = 0; j < ch.length; j++) sum[c][j] += ch[j] / n;
				}
			}
			float[][] kept = new float[3][];
			for (int c = 0; c < 3; c++) kept[c] = sc.fiji.stainnorm.core.GuidedFilter.filter(in.channel(c), sum[c], w, h, Stst.DEFAULT_STRUCTURE_RADIUS, Stst.DEFAULT_STRUCTURE_EPS);
			RgbImage out = RgbImage.fromChannels(w, h, kept[0], kept[1], kept[2]);
			s[i] = new double[] { SSIM.compute(patches.get(i).truth, out), PSNR.compute(patches.get(i).truth, out) };
		}
		System.err.printf(Locale.ROOT, "flips=%d: %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
		return s;
	}

	/** Flip f of the dihedral group: bit 0 mirrors x, bit 1 mirrors y, bit 2 transposes (square images). */
	static RgbImage flip(RgbImage im, int f) {
		int w = im.width(), h = im.height();
		int[] src = im.pixels(), dst = new int[src.length];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int sx = (f & 1) != 0 ? w - 1 - x : x, sy = (f & 2) != 0 ? h - 1 - y : y;
				dst[(f & 4) != 0 ? sx * w + sy : y * w + x] = src[sy * w + sx];
			}
		return RgbImage.wrap(w, h, dst);
	}

	/** The inverse of {@link #flip}. */
	static RgbImage unflip(RgbImage im, int f) {
		int w = im.width(), h = im.height();
		int[] src = im.pixels(), dst = new int[src.length];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int sx = (f & 1) != 0 ? w - 1 - x : x, sy = (f & 2) != 0 ? h - 1 - y : y;
				dst[sy * w + sx] = src[(f & 4) != 0 ? sx * w + sy : y * w + x];
			}
		return RgbImage.wrap(w, h, dst);
	}

	/** HeldOutValidation's two large shifts of whole tiles (paper convention), for the same option strings. */
	static void largeShifts(Path gbm, List<String> tiles, List<String> options) {
		List<String> names = tiles.stream().map(t -> t + ".tif").toList(), methods = new ArrayList<>();
		for (String o : options) methods.add(o.equals("-") ? "stst" : "stst:" + o);
		List<HeldOutValidation.Score> scores = HeldOutValidation.run(gbm, names, methods);
		List<String> rows = new ArrayList<>(List.of("none"));
		rows.addAll(methods);
		for (String r : rows) {
			StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-60s %.4f / %.2f ", r, HeldOutValidation.mean(scores, r, true), HeldOutValidation.mean(scores, r, false)));
			double worstS = Double.POSITIVE_INFINITY, worstP = Double.POSITIVE_INFINITY;
			int won = 0;
			StringBuilder per = new StringBuilder();
			for (String t : names) {
				double s = HeldOutValidation.mean(scores, r, t, true), p = HeldOutValidation.mean(scores, r, t, false);
				double ds = s - HeldOutValidation.mean(scores, "none", t, true), dp = p - HeldOutValidation.mean(scores, "none", t, false);
				worstS = Math.min(worstS, ds);
				worstP = Math.min(worstP, dp);
				if (ds > 0 && dp > 0) won++;
				per.append(String.format(Locale.ROOT, " %s %.3f/%.2f", t, s, p));
			}
			System.out.println(sb.append(String.format(Locale.ROOT, " worst tile gain %+.4f / %+.2f  tiles won %d/%d |", worstS, worstP, won, names.size())).append(per));
		}
	}

	static String line(String name, double[][] s, double[][] none, List<Patch> patches, List<String> tiles) {
		StringBuilder sb = new StringBuilder();
		double ms = 0, mp = 0, worstS = Double.POSITIVE_INFINITY, worstP = Double.POSITIVE_INFINITY;
		int tileWins = 0, patchWins = 0;
		StringBuilder per = new StringBuilder();
		for (int i = 0; i < s.length; i++) {
			ms += s[i][0] / s.length;
			mp += s[i][1] / s.length;
			if (s[i][0] > none[i][0] && s[i][1] > none[i][1]) patchWins++;
		}
		for (String t : tiles) {
			double ts = 0, tp = 0, ns = 0, np = 0;
			int k = 0;
			for (int i = 0; i < s.length; i++)
				if (patches.get(i).tile.equals(t)) {
					ts += s[i][0];
					tp += s[i][1];
					ns += none[i][0];
					np += none[i][1];
					k++;
				}
			ts /= k;
			tp /= k;
			ns /= k;
			np /= k;
			worstS = Math.min(worstS, ts - ns);
			worstP = Math.min(worstP, tp - np);
			if (ts > ns && tp > np) tileWins++;
			per.append(String.format(Locale.ROOT, " %s %.4f/%.2f", t, ts, tp));
		}
		sb.append(String.format(Locale.ROOT, "%-60s %.4f / %.2f  worst tile gain %+.4f / %+.2f  tiles won %d/%d  patches won %d/%d |%s", name, ms, mp, worstS,
			worstP, tileWins, tiles.size(), patchWins, s.length, per));
		return sb.toString();
	}
}
