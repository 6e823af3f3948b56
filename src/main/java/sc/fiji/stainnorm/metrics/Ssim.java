package sc.fiji.stainnorm.metrics;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * SSIM (Wang et al. 2004), per RGB channel then averaged; K1 = 0.01, K2 = 0.03, L = 255, population statistics,
 * mean of the map over the "valid" window positions. Standard: 11x11 Gaussian window, sigma 1.5. Paper (sewar
 * 0.4.3 {@code ssim}): 11x11 uniform window.
 */
final class Ssim extends NamedMetric {
	private final double[] window;

	Ssim(Convention convention) {
		super("SSIM", true);
		this.window = convention == Convention.PAPER ? StructuralSimilarity.UNIFORM : StructuralSimilarity.GAUSSIAN;
	}

	/** True for the Gaussian window, which the standard MS-SSIM's finest scale shares. */
	boolean isStandard() {
		return window == StructuralSimilarity.GAUSSIAN;
	}

	@Override
	public double compute(RgbImage groundTruth, RgbImage prediction) {
		Planes.checkSameSize(groundTruth, prediction);
		Planes.checkAtLeast(groundTruth, StructuralSimilarity.WINDOW, name(), "one 11x11 window");
		return Planes.channelMean(groundTruth, prediction, (x, y, w, h) -> StructuralSimilarity.stats(x, y, w, h, window, false).ssim());
	}
}
