package sc.fiji.stainnorm.evaluate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;
import sc.fiji.stainnorm.synth.TestImages;

/** The evaluation data sets: the project's synthetic tissue, and the shared real H&amp;E images. */
public final class Datasets {
	/** Folder of the 40 glioblastoma tiles below the shared data folder. */
	public static final String GBM = "pengyzhang_cell_seg_matlab";
	/** The multi-scanner pair below the shared data folder. */
	public static final String SCANNERS = "DeepMicroscopy_MultiScanner_SCC";
	/**
	 * GBM tiles the bundled STST model never trained on (its validation tiles): the default test split. Every
	 * other tile is the train split, from which the classical methods' references are drawn.
	 */
	public static final List<String> GBM_TEST_TILES = List.of("22", "24", "34", "39");

	/** Other shared H&amp;E images (no ground truth), shown normalized in a montage: other labs, scanners and formats. */
	public static final List<String> GALLERY = List.of("EIDOSLAB_torchstain/source.png", "stardist_stardist/histo.jpg");

	private Datasets() {}

	/**
	 * Synthetic tissue of {@code size}² pixels: tests are tissues 1..{@code tests} in style B, references are
	 * other tissues in style B, and the pairs are the test tissues rendered in styles A and C with their
	 * style-B rendering as exact ground truth (the right answer is known pixel for pixel).
	 */
	public static EvaluationData synthetic(int size, int tests, int references) {
		if (size < 32) throw new StainNormException("Synthetic evaluation images must be at least 32 px, got " + size);
		List<EvaluationData.Named> testImages = new ArrayList<>(), refs = new ArrayList<>();
		List<EvaluationData.Pair> pairs = new ArrayList<>();
		for (int k = 0; k < references; k++) {
			long seed = 101 + k;
			refs.add(new EvaluationData.Named("tissue" + seed + "_B", render(seed, size, StainStyle.B)));
		}
		for (int t = 1; t <= tests; t++) {
			RgbImage truth = render(t, size, StainStyle.B);
			testImages.add(new EvaluationData.Named("tissue" + t + "_B", truth));
			for (StainStyle s : new StainStyle[] { StainStyle.A, StainStyle.C })
				pairs.add(new EvaluationData.Pair("tissue" + t + "_" + s.name() + "->B", render(t, size, s), truth, refs.get(0)));
		}
		return new EvaluationData("Synthetic Beer–Lambert tissue (synth/SyntheticTissue), " + size + "×" + size + " px, noise "
			+ TestImages.NOISE + " gray level: tests are tissues 1–" + tests + " in style B, references tissues 101–" + (100 + references)
			+ " in style B.", testImages, refs, pairs,
			"The test tissues rendered in styles A and C, normalized towards style B (reference " + refs.get(0).name()
				+ "); their style-B rendering is the exact ground truth.", List.of());
	}

	private static RgbImage render(long seed, int size, StainStyle style) {
		return SyntheticTissue.generate(seed, size, size).render(style, TestImages.NOISE);
	}

	/**
	 * The shared real images: GBM test tiles cut into {@code patchSize}² patches (at most {@code maxPatches},
	 * 0 = all) as matched-ground-truth tests; the central patch of {@code referenceChoices} train tiles
	 * (seeded choice) as references; and the multi-scanner pair, registered and cut into quadrants, as
	 * unmatched pairs.
	 */
	public static EvaluationData shared(Path he, List<String> testTiles, int patchSize, int maxPatches, int referenceChoices, long seed) {
		Path gbm = he.resolve(GBM);
		if (!Files.isDirectory(gbm))
			throw new StainNormException("Shared data folder " + he + " has no " + GBM + "/ (the 40 glioblastoma tiles); give --data the folder that holds it");
		List<String> train = new ArrayList<>();
		for (int i = 1; i <= 40; i++) {
			String id = String.format("%02d", i);
			if (!testTiles.contains(id)) train.add(id);
		}
		List<EvaluationData.Named> tests = new ArrayList<>();
		if (testTiles.isEmpty() || train.isEmpty()) throw new StainNormException("The GBM test split must hold between 1 and 39 of the 40 tiles, got " + testTiles);
		outer: for (String id : testTiles) {
			RgbImage tile = ImageFiles.read(gbm.resolve(id + ".tif"));
			for (int y = 0; y + patchSize <= tile.height(); y += patchSize)
				for (int x = 0; x + patchSize <= tile.width(); x += patchSize) {
					if (maxPatches > 0 && tests.size() >= maxPatches) break outer;
					tests.add(new EvaluationData.Named(id + ".tif@" + x + "," + y, tile.crop(x, y, patchSize, patchSize)));
				}
		}
		if (tests.isEmpty()) throw new StainNormException("No " + patchSize + " px patch fits the GBM tiles");
		List<String> shuffled = new ArrayList<>(train);
		Collections.shuffle(shuffled, new Random(seed));
		List<EvaluationData.Named> refs = new ArrayList<>();
		for (String id : shuffled.subList(0, Math.max(1, Math.min(referenceChoices, shuffled.size())))) {
			RgbImage tile = ImageFiles.read(gbm.resolve(id + ".tif"));
			int x = (tile.width() - patchSize) / 2, y = (tile.height() - patchSize) / 2;
			refs.add(new EvaluationData.Named(id + ".tif@centre", tile.crop(x, y, patchSize, patchSize)));
		}
		String description = "Matched ground truth: the 40 glioblastoma H&E tiles of " + GBM + " (512×512, one lab). Test split: tiles "
			+ String.join(", ", testTiles) + " (never trained on by the STST model used), cut into " + tests.size() + " patches of "
			+ patchSize + "×" + patchSize + "; train split: the other " + train.size() + " tiles, whose central " + patchSize
			+ " px patches serve as references (seeded choice).";

		List<EvaluationData.Pair> pairs = new ArrayList<>();
		String pairsDescription = "No multi-scanner pair found.";
		Path aperio = he.resolve(SCANNERS).resolve("aperio.png"), nz210 = he.resolve(SCANNERS).resolve("nz210.png");
		if (Files.exists(aperio) && Files.exists(nz210)) {
			Registration.Alignment al = Registration.align(ImageFiles.read(nz210), ImageFiles.read(aperio), Registration.DEFAULT_MAX_SHIFT);
			RgbImage truth = al.fixed(), source = al.moving();
			int w = truth.width() / 2, h = truth.height() / 2;
			int[][] corners = { { 0, 0 }, { w, 0 }, { 0, h }, { w, h } };
			String[] names = { "top-left", "top-right", "bottom-left", "bottom-right" };
			for (int q = 0; q < 4; q++) {
				int[] c = corners[q];
				// the reference is the other three Hamamatsu quadrants side by side: most of the tissue, none of this ground truth
				RgbImage mosaic = RgbImage.create(3 * w, h);
				int k = 0;
				for (int o = 0; o < 4; o++) {
					if (o == q) continue;
					RgbImage piece = truth.crop(corners[o][0], corners[o][1], w, h);
					for (int y = 0; y < h; y++)
						System.arraycopy(piece.pixels(), y * w, mosaic.pixels(), y * 3 * w + k * w, w);
					k++;
				}
				EvaluationData.Named ref = new EvaluationData.Named("nz210 without " + names[q], mosaic);
				pairs.add(new EvaluationData.Pair("scc " + names[q], source.crop(c[0], c[1], w, h), truth.crop(c[0], c[1], w, h), ref));
			}
			pairsDescription = String.format(java.util.Locale.ROOT,
				"Unmatched ground truth: %s, the same canine SCC field scanned by an Aperio CS2 (source) and a Hamamatsu NanoZoomer "
					+ "S210 (ground truth). Registration: the whole-pixel shift within ±%d px maximising the luma correlation is "
					+ "dx=%d, dy=%d (r=%.3f; r=%.3f unshifted); the %d×%d overlap is cut into four %d×%d quadrants, each normalized "
					+ "with the other three Hamamatsu quadrants (side by side in one reference image) as reference, never its own ground "
					+ "truth; a single quadrant holds too little haematoxylin for Macenko and Khan. The quadrants are too small for "
					+ "the standard 5-scale MS-SSIM (at least 176 px), which is therefore left blank. Residual misalignment "
					+ "(sub-pixel, focus, scanner optics) stays in the scores: they are a floor, not a target.",
				SCANNERS, Registration.DEFAULT_MAX_SHIFT, al.dx(), al.dy(), al.correlation(), al.unshifted(), truth.width(), truth.height(), w, h);
		}
		List<EvaluationData.Named> gallery = new ArrayList<>();
		for (String f : GALLERY) {
			Path file = he.resolve(f);
			if (!Files.exists(file)) continue;
			RgbImage img = ImageFiles.read(file);
			int side = Math.min(patchSize, Math.min(img.width(), img.height()));
			gallery.add(new EvaluationData.Named(f.substring(0, f.indexOf('/')).replaceFirst("_.*", "") + "/" + file.getFileName(),
				img.crop((img.width() - side) / 2, (img.height() - side) / 2, side, side)));
		}
		return new EvaluationData(description, tests, refs, pairs, pairsDescription, gallery);
	}
}
