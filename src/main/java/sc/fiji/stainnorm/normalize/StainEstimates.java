package sc.fiji.stainnorm.normalize;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * The stain matrix of one image as each classical method estimates it (rows H, E: unit OD vectors), and the
 * glass colour the methods use, for code outside this package (augmentation, the stain-vector report). The
 * methods' defaults apply; this only opens what they compute anyway.
 */
public final class StainEstimates {
	private StainEstimates() {}

	/** Macenko's stain vectors and 99th-percentile concentrations of the image. */
	public static Macenko.Stains macenko(RgbImage image) {
		return new Macenko(MethodOptions.none()).stainsOf(image);
	}

	/** Macenko's stain vectors alone (rows H, E), failing as {@link #macenko} does, faster. */
	public static double[][] macenkoVectors(RgbImage image) {
		return new Macenko(MethodOptions.none()).stainVectorsOf(image);
	}

	/** Vahadane's sparse-dictionary stain matrix, rows H, E; fails with a clear message on a patch without two stains. */
	public static double[][] vahadane(RgbImage image) {
		double[][] stains = new Vahadane().estimateStains(image);
		String problem = Vahadane.separationProblem(stains);
		if (problem != null) throw new StainNormException("the stains cannot be separated (" + problem + ")");
		return new double[][] { stains[0].clone(), stains[1].clone() };
	}

	/** Khan's classifier-based stain vectors, rows H, E. */
	public static double[][] khan(RgbImage image) {
		Khan.Analysis a = new Khan().analyse(image);
		if (a == null) throw new StainNormException("no tissue found");
		String problem = Khan.separationProblem(a.stains());
		if (problem != null) throw new StainNormException("the stains cannot be separated (" + problem + ")");
		return new double[][] { a.stains()[0].clone(), a.stains()[1].clone() };
	}

	/** The glass (background) intensity per channel, as Vahadane and Khan estimate it; 255 each when too little glass shows. */
	public static double[] glass(RgbImage image) {
		int[] p = image.pixels();
		return SlideBackground.intensity(p, Math.max(1, (int) Math.ceil(p.length / (double) Vahadane.MASK_CANDIDATES)),
			SlideBackground.DEFAULT_LUMINOSITY);
	}
}
