package sc.fiji.stainnorm.stst;

import java.util.Random;

import sc.fiji.stainnorm.augment.StainAugmenter;
import sc.fiji.stainnorm.core.RgbImage;

/**
 * Stain and light jitter of the generator's input in training (the target stays the patch's own colours):
 * the generator learns to paint the training style from the gray of a differently stained, lit or scanned
 * copy of the same tissue, which is what it meets at inference. Per patch: Tellez et al.'s HED jitter with
 * stain-vector rotation ({@link StainAugmenter}: concentrations α·c + β, α ~ U(1−s, 1+s), β ~ U(−s/4, s/4),
 * vectors turned by up to 30·s degrees), then the lamp and the camera: every channel scaled by
 * U(1 − s/3, 1) and raised to a gamma, log-uniform in [1/(1+s), 1+s].
 */
final class InputJitter {
	private final double strength;
	private final StainAugmenter stains;

	InputJitter(double strength) {
		this.strength = strength;
		this.stains = StainAugmenter.hed(strength, strength / 4).withRotation(Math.min(StainAugmenter.MAX_ROTATION, 30 * strength));
	}

	RgbImage apply(RgbImage patch, Random r) {
		RgbImage stained = stains.augment(patch, r.nextLong()).image();
		double intensity = 1 - strength / 3 * r.nextDouble();
		double gamma = Math.exp((2 * r.nextDouble() - 1) * Math.log(1 + strength));
		int[] lut = new int[256];
		for (int v = 0; v < 256; v++) lut[v] = RgbImage.toByte(255 * Math.pow(intensity * v / 255.0, gamma));
		int[] px = stained.pixels().clone();
		for (int i = 0; i < px.length; i++) {
			int p = px[i];
			px[i] = RgbImage.pack(lut[RgbImage.red(p)], lut[RgbImage.green(p)], lut[RgbImage.blue(p)]);
		}
		return RgbImage.wrap(patch.width(), patch.height(), px);
	}
}
