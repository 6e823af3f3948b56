package sc.fiji.stainnorm.stst;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.deconvolution.ColourDeconvolution;
import sc.fiji.stainnorm.deconvolution.StainVectors;
import sc.fiji.stainnorm.metrics.Convention;
import sc.fiji.stainnorm.metrics.Metric;
import sc.fiji.stainnorm.metrics.Metrics;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.synth.StainStyle;

/**
 * Item 6 of the STST issue: each held-out glioblastoma tile is stain-shifted (Ruifrok H&E concentrations
 * re-mixed with other stain vectors and intensities in OD space) and every method must bring it back to the
 * original tile's colours. Scores: SSIM and PSNR against the original tile. Run as a program to print the
 * table; {@link BundledModelTest} checks that STST beats the unnormalized input.
 */
final class HeldOutValidation {
	static final String GBM = "pengyzhang_cell_seg_matlab";
	/** A training tile (never held out) as the reference of the classical methods. */
	static final String REFERENCE = "01.tif";
	static final Metric SSIM = Metrics.byName("SSIM", Convention.PAPER), PSNR = Metrics.byName("PSNR", Convention.PAPER);

	record Shift(String name, double[] hematoxylin, double[] eosin, double hScale, double eScale) {}

	/** Two shifts of about the size of a real scanner change (aperio vs nz210 of the same tissue: PSNR 18.8 dB). */
	static final List<Shift> SHIFTS = List.of(
		new Shift("B-like (H x1.4, E x0.6)", StainStyle.B.hematoxylin(), StainStyle.B.eosin(), 1.4, 0.6),
		new Shift("C-like (H x0.7, E x1.6)", StainStyle.C.hematoxylin(), StainStyle.C.eosin(), 0.7, 1.6));

	record Score(String method, String tile, String shift, double ssim, double psnr) {}

	private HeldOutValidation() {}

	static RgbImage shift(RgbImage tile, Shift s) {
		StainVectors source = StainVectors.H_E;
		float[][] c = new ColourDeconvolution(source, 255).concentrations(tile);
		for (int i = 0; i < c[0].length; i++) {
			c[0][i] *= s.hScale;
			c[1][i] *= s.eScale;
		}
		StainVectors target = StainVectors.of(new String[] { "H", "E", "residual" }, s.hematoxylin, s.eosin, source.vector(2));
		return new ColourDeconvolution(target, 255).reconstruct(tile.width(), tile.height(), c);
	}

	/**
	 * Scores for "none" (the shifted input itself) and every given method; a method is a name, optionally
	 * followed by {@code :options} (e.g. {@code stst:keep_structure=false}), and is reported under that label.
	 */
	static List<Score> run(Path gbmFolder, List<String> heldOut, List<String> methods) {
		RgbImage reference = ImageFiles.read(gbmFolder.resolve(REFERENCE));
		Map<String, StainNormalizer> normalizers = new LinkedHashMap<>();
		for (String m : methods) {
			int colon = m.indexOf(':');
			StainNormalizer n = colon < 0 ? Methods.create(m) : Methods.create(m.substring(0, colon), MethodOptions.parse(m.substring(colon + 1)));
			n.fit(n.needsReference() ? List.of(reference) : List.of());
			normalizers.put(m, n);
		}
		List<Score> scores = new ArrayList<>();
		for (String name : heldOut) {
			RgbImage tile = ImageFiles.read(gbmFolder.resolve(name));
			for (Shift s : SHIFTS) {
				RgbImage shifted = shift(tile, s);
				scores.add(new Score("none", name, s.name, SSIM.compute(tile, shifted), PSNR.compute(tile, shifted)));
				for (var e : normalizers.entrySet()) {
					RgbImage out = e.getValue().normalize(shifted).image();
					scores.add(new Score(e.getKey(), name, s.name, SSIM.compute(tile, out), PSNR.compute(tile, out)));
				}
			}
		}
		return scores;
	}

	static double mean(List<Score> scores, String method, boolean ssim) {
		return mean(scores, method, null, ssim);
	}

	/** Mean SSIM or PSNR of one method over one tile's shifts, or over all tiles if {@code tile} is null. */
	static double mean(List<Score> scores, String method, String tile, boolean ssim) {
		return scores.stream().filter(s -> s.method.equals(method) && (tile == null || s.tile.equals(tile)))
			.mapToDouble(s -> ssim ? s.ssim : s.psnr).average().orElse(Double.NaN);
	}

	static final String PAPER_STST = "stst:keep_structure=false";
	/** Tiles on which STST's structure_radius and structure_eps were chosen: training tiles, none held out. */
	static final List<String> TUNING_TILES = List.of("02.tif", "05.tif", "09.tif", "13.tif", "17.tif", "28.tif", "31.tif", "36.tif");

	/** The same test on training tiles for a grid of guided-filter settings: how the defaults were chosen. */
	static String structureSettings(Path gbm, List<String> heldOut) {
		for (String t : TUNING_TILES)
			if (heldOut.contains(t)) throw new IllegalStateException(t + " is held out: choose the filter settings on training tiles only");
		List<String> grid = new ArrayList<>(List.of(PAPER_STST));
		for (int radius : new int[] { 4, 8, 16, 24, 32 })
			for (int eps : new int[] { 1, 10, 100 }) grid.add("stst:structure_radius=" + radius + ",structure_eps=" + eps);
		List<Score> scores = run(gbm, TUNING_TILES, grid);
		StringBuilder sb = new StringBuilder("\n## Choosing keep_structure's radius and ridge (training tiles " + String.join(", ", TUNING_TILES) + ")\n\n");
		sb.append("The same stain shifts on training tiles, never the held-out ones. Default: radius ").append(Stst.DEFAULT_STRUCTURE_RADIUS).append(", eps ")
			.append(Stst.DEFAULT_STRUCTURE_EPS).append(" (chosen on these tiles with two more protocols: experiments.md, \"keep_structure for every tile\").\n\n");
		sb.append("| setting | mean SSIM | mean PSNR (dB) |\n|---|---|---|\n");
		List<String> rows = new ArrayList<>(List.of("none"));
		rows.addAll(grid);
		for (String m : rows)
			sb.append(String.format(Locale.ROOT, "| %s | %.4f | %.2f |%n", m.equals("none") ? "none (shifted input)" : m.equals(PAPER_STST) ? "keep_structure=false"
				: m.substring(m.indexOf(':') + 1).replace(",", ", "), mean(scores, m, true), mean(scores, m, false)));
		return sb.toString();
	}

	public static void main(String[] args) throws Exception {
		Path gbm = Path.of(args.length > 0 ? args[0] : "../shared/data/he/" + GBM);
		StstModel model = StstModel.bundled();
		List<String> heldOut = List.of(model.metadata("validationImages").split(" "));
		List<String> methods = new ArrayList<>(Methods.names());
		methods.add(1, PAPER_STST);
		List<Score> scores = run(gbm, heldOut, methods);
		StringBuilder sb = new StringBuilder();
		sb.append("Held-out tiles: ").append(String.join(", ", heldOut)).append("; reference for the classical methods: ").append(REFERENCE).append("\n\n");
		sb.append("| method | mean SSIM | mean PSNR (dB) |");
		for (String t : heldOut) sb.append(" ").append(t).append(" SSIM / PSNR |");
		sb.append("\n|---|---|---|");
		for (int i = 0; i < heldOut.size(); i++) sb.append("---|");
		sb.append("\n");
		List<String> rows = new ArrayList<>(List.of("none"));
		rows.addAll(methods);
		for (String m : rows) {
			String label = m.equals("none") ? "none (shifted input)" : m.equals(PAPER_STST) ? "stst, keep_structure=false (the paper's output)" : m;
			sb.append(String.format(Locale.ROOT, "| %s | %.4f | %.2f |", label, mean(scores, m, true), mean(scores, m, false)));
			for (String t : heldOut) {
				sb.append(String.format(Locale.ROOT, " %.3f / %.2f |", mean(scores, m, t, true), mean(scores, m, t, false)));
			}
			sb.append("\n");
		}
		sb.append("\nShifts (per tile, averaged): ");
		for (Shift s : SHIFTS) sb.append(s.name).append("; ");
		sb.append("\nSSIM and PSNR from sc.fiji.stainnorm.metrics, paper convention (sewar 0.4.3: SSIM with a uniform 11x11 window, mean over R, G, B; PSNR with MAX 255).\n");
		sb.append(structureSettings(gbm, heldOut));
		System.out.print(sb);
		if (args.length > 1) Files.writeString(Path.of(args[1]), sb);
	}
}
