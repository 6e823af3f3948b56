package sc.fiji.stainnorm.normalize;

import java.util.List;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * One stain-normalization method: learn the target style once ({@link #fit}), then re-colour any number of
 * images ({@link #normalize}). After {@code fit} an instance is read-only, so {@code normalize} may be called
 * from several threads at once.
 */
public interface StainNormalizer {

	/** The lower-case name used on the command line and in macros, e.g. {@code macenko}. */
	String name();

	/** False for methods that carry their target style with them (STST's trained model). */
	boolean needsReference();

	/** True for methods that read only the grayscale of their input (STST), so gray files are fine. */
	default boolean acceptsGrayscale() {
		return false;
	}

	/**
	 * Learns the target style from one or more reference images (statistics pooled or stain matrices
	 * averaged, as each method documents). Methods that need no reference accept an empty list.
	 *
	 * @throws sc.fiji.stainnorm.core.StainNormException when the references cannot be used (e.g. no tissue)
	 */
	void fit(List<RgbImage> references);

	/** Re-colours one image; never returns NaN-derived pixels, and reports oddities as warnings. */
	Normalized normalize(RgbImage source);

	/**
	 * How many pixels of images {@link #normalizeAll} takes at a time to its advantage (STST: {@code batch} tiles, one
	 * TensorFlow call); 0 for methods that gain nothing from groups. Callers with many images group them until the group
	 * holds this many pixels (an image that large goes alone), so memory stays bounded.
	 */
	default long groupPixels() {
		return 0;
	}

	/**
	 * How many worker threads callers with many images ({@link BatchNormalizer}, the benchmark) run when asked for
	 * {@code threads}: as many, for methods that compute on their workers' threads; more where a worker spends much of
	 * its time waiting in a library that computes on threads of its own (STST's TensorFlow).
	 */
	default int workers(int threads) {
		return threads;
	}

	/**
	 * {@link #normalize(RgbImage)} of each image, in order, with the same results; a method may share work among them
	 * (STST batches their tiles into the generator's calls). A failure fails the whole group: to tell which image
	 * failed, normalize them one by one.
	 */
	default List<Normalized> normalizeAll(List<RgbImage> sources) {
		List<Normalized> out = new java.util.ArrayList<>(sources.size());
		for (RgbImage s : sources)
			out.add(normalize(s));
		return out;
	}

	/**
	 * Learns the source side (see {@link SourceModel}) from samples of the image or slide to be re-coloured; the samples'
	 * pixels are pooled as if they were one image. {@code normalize(image)} is {@code normalize(learnSource(List.of(image)),
	 * image)}. Methods without a source model return {@link SourceModel#NONE}.
	 *
	 * @throws sc.fiji.stainnorm.core.StainNormException when the samples cannot be used (e.g. no tissue)
	 */
	default SourceModel learnSource(List<RgbImage> samples) {
		if (!needsReference()) return SourceModel.NONE;
		throw new UnsupportedOperationException(name() + " has no separate source model yet");
	}

	/**
	 * Re-colours one tile of a larger image with a source model learned once for all of it, so that neighbouring tiles
	 * get the same transform. Tiles without tissue are drawn with the same model (no per-tile warnings), so that glass
	 * tiles meet their neighbours without a step; the result equals {@code normalize(source, wholeImage)} cropped.
	 */
	default Normalized normalize(SourceModel source, RgbImage tile) {
		if (source == SourceModel.NONE) return normalize(tile);
		throw new UnsupportedOperationException(name() + " has no separate source model yet");
	}

	/**
	 * Whether {@link #normalize(SourceModel, RgbImage)} maps every pixel by its RGB colour alone under {@code source}:
	 * never by its position, its neighbours or the rest of the tile, so that the same colour always gives the same
	 * pixel and tiles may be normalized through a memo ({@link ColourMemo}). False unless a method says so.
	 */
	default boolean isPixelwise(SourceModel source) {
		return false;
	}
}
