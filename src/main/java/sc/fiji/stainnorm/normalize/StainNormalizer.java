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
}
