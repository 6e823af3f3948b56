package sc.fiji.stainnorm.augment;

import java.util.Arrays;

import sc.fiji.stainnorm.core.RgbImage;

/**
 * One augmented variant and what was drawn for it: per stain (H, E, DAB for HED jitter; H, E, residual for the
 * stain-matrix methods, whose residual is never perturbed) the scale α and the shift β of the concentrations.
 *
 * @param rotation      per stain, the angle (degrees) its vector was turned by for rendering; 0 without rotation
 * @param axis          per stain, the direction (degrees around the vector) of the axis it was turned about
 * @param clippedValues channel values the perturbed stain amounts pushed outside 0–255, set to 0 or 255
 * @param unchanged     null, or why the input was returned as it is (no tissue, no two stains to separate)
 * @param stains        the rows of the stain matrix used (unit OD vectors), or null when unchanged
 * @param renderStains  the stain matrix the output was rendered with (the turned vectors), or null when unchanged
 * @param glass         the glass intensity per channel the optical densities were taken against, or null when unchanged
 */
public record Augmentation(RgbImage image, double[] alpha, double[] beta, double[] rotation, double[] axis, long clippedValues, String unchanged,
	double[][] stains, double[][] renderStains, double[] glass) {

	public Augmentation {
		alpha = alpha.clone();
		beta = beta.clone();
		rotation = rotation.clone();
		axis = axis.clone();
	}

	@Override
	public double[] rotation() {
		return rotation.clone();
	}

	@Override
	public double[] axis() {
		return axis.clone();
	}

	@Override
	public double[] alpha() {
		return alpha.clone();
	}

	@Override
	public double[] beta() {
		return beta.clone();
	}

	public boolean isUnchanged() {
		return unchanged != null;
	}

	@Override
	public String toString() {
		return "Augmentation(alpha=" + Arrays.toString(alpha) + ", beta=" + Arrays.toString(beta) + ", clipped=" + clippedValues
			+ (unchanged != null ? ", unchanged: " + unchanged : "") + ")";
	}
}
