package sc.fiji.stainnorm.normalize;

import java.util.List;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.core.TissueMask;

/** What the four classical methods share in learning a {@link SourceModel} and applying it to tiles. */
public final class SourceModels {
	private SourceModels() {}

	/**
	 * Whether a tile shows tissue: the project's one rule, {@link TissueMask#enough}. Under a slide-level source model a
	 * tile without tissue is still drawn with that model, like the glass inside its neighbours: copying it would leave a
	 * step in the glass wherever it meets a tissue tile (Vahadane and Khan draw glass at the target's glass level, Reinhard
	 * without its mask tints it: steps of 8–61 in |ΔR|+|ΔG|+|ΔB| measured on synthetic slides). A slide job counts such
	 * tiles instead of warning about each.
	 */
	public static boolean hasTissue(RgbImage tile) {
		return TissueMask.enough(TissueMask.count(tile), tile.pixelCount());
	}

	/**
	 * The samples' pixels as one image, as the methods see a single image (they read its pixels in raster order and never
	 * their neighbourhood): the samples stacked when they are equally wide, else one row after the other. One sample is
	 * returned as it is, so that {@code learnSource(List.of(image))} sees exactly the image.
	 */
	public static RgbImage pooled(List<RgbImage> samples) {
		if (samples.isEmpty()) throw new StainNormException("No samples to learn the source stain model from");
		if (samples.size() == 1) return samples.get(0);
		long total = 0;
		boolean sameWidth = true;
		for (RgbImage s : samples) {
			total += s.pixelCount();
			sameWidth &= s.width() == samples.get(0).width();
		}
		if (total > Integer.MAX_VALUE - 8)
			throw new StainNormException("The samples hold " + total + " pixels; at most " + (Integer.MAX_VALUE - 8) + " can be pooled");
		int[] all = new int[(int) total];
		int at = 0;
		for (RgbImage s : samples) {
			System.arraycopy(s.pixels(), 0, all, at, s.pixelCount());
			at += s.pixelCount();
		}
		int width = sameWidth ? samples.get(0).width() : (int) total;
		return RgbImage.wrap(width, (int) (total / width), all);
	}

	/** The model as the type a method learns, or a clear error when it was learned by another method or setting. */
	static <T extends SourceModel> T expect(SourceModel model, Class<T> type, StainNormalizer method) {
		if (!type.isInstance(model))
			throw new IllegalArgumentException(method.name() + " cannot apply a source model learned by another method: " + model.describe());
		return type.cast(model);
	}
}
