package sc.fiji.stainnorm.metrics;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * A full-reference image-quality metric comparing a prediction (e.g. a normalized image) with its ground truth.
 * Implementations are stateless and thread-safe.
 */
public interface Metric {
	/** The name used in the STST paper's tables, e.g. {@code SSIM}, {@code MS-SSIM}, {@code PSNR}. */
	String name();

	/**
	 * @throws sc.fiji.stainnorm.core.StainNormException when the images differ in size or the metric is undefined
	 *         for them (e.g. too small for its window)
	 */
	double compute(RgbImage groundTruth, RgbImage prediction);

	/** True for similarities (SSIM, PSNR, ...), false for errors (MSE, ERGAS, ...). */
	boolean higherIsBetter();
}
