package sc.fiji.stainnorm.normalize;

/**
 * What a method learned about the images it re-colours (the "source" side), as opposed to the target style it learned
 * from references in {@link StainNormalizer#fit}: Reinhard's channel statistics, Macenko's, Vahadane's or Khan's stain
 * matrix, maximum concentrations and glass colour. Learned once, from one image or from a tissue sample of a whole
 * slide, then applied to every tile, so that neighbouring tiles of one slide get one colour transform.
 * Immutable; safe to share between threads.
 */
public interface SourceModel {

	/** For methods that need nothing from their input before applying (STST). */
	SourceModel NONE = () -> "none";

	/** One line for logs, e.g. {@code "H (0.65, 0.70, 0.29), E (0.07, 0.99, 0.11), maxC (1.9, 1.0)"}. */
	String describe();

	/**
	 * What the user should know about the samples the model was learned from (e.g. "a pale slide", "hardly any eosin"):
	 * said once for a whole slide, where {@link StainNormalizer#normalize(sc.fiji.stainnorm.core.RgbImage)} says it with every image.
	 */
	default java.util.List<String> warnings() {
		return java.util.List.of();
	}
}
