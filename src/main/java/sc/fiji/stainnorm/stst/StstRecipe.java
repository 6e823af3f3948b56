package sc.fiji.stainnorm.stst;

import java.util.Locale;

import sc.fiji.stainnorm.core.InvalidSettingException;

/**
 * The parts of an STST training recipe beyond the paper's hyper-parameters: how images become the
 * generator's input at inference, and GAN stabilisers. {@link #PAPER} is the paper's pix2pix (gray input, the
 * discriminator at the generator's learning rate, hard real labels). {@link #DEFAULT} is what won on the
 * held-out glioblastoma tiles (docs/stst-default-model/experiments.md): the paper's training with one-sided
 * label smoothing (real label 0.9), and at inference each image's gray levels moved 25 % of the way to the
 * training set's ({@link StstInput.Mode#GRAY_PERCENTILES}; the generator itself trains on the plain gray).
 *
 * @param input               the generator's input at inference ({@link StstInput.Mode})
 * @param inputStrength       for {@link StstInput.Mode#GRAY_PERCENTILES}: the share (0, 1] of the way an input's gray
 *                            levels are moved to the training set's
 * @param discriminatorLrScale the discriminator's learning rate as a multiple of the generator's (paper: 1)
 * @param realLabel           the target of real pairs in the discriminator's loss (paper: 1; 0.9 is one-sided label smoothing)
 * @param inputJitter         strength of the stain and light jitter of the generator's input ({@link InputJitter}; paper: 0, none)
 */
public record StstRecipe(StstInput.Mode input, double inputStrength, double discriminatorLrScale, double realLabel, double inputJitter) {
	public static final StstRecipe PAPER = new StstRecipe(StstInput.Mode.GRAY, 1, 1, 1, 0);
	public static final StstRecipe DEFAULT = new StstRecipe(StstInput.Mode.GRAY_PERCENTILES, 0.25, 1, 0.9, 0);

	public StstRecipe {
		if (input == null) throw new InvalidSettingException("Missing input mode");
		if (!(inputStrength > 0) || inputStrength > 1) throw new InvalidSettingException("The input strength must be in (0, 1], got " + inputStrength);
		if (!(discriminatorLrScale > 0) || discriminatorLrScale > 10)
			throw new InvalidSettingException("The discriminator's learning-rate scale must be in (0, 10], got " + discriminatorLrScale);
		if (!(realLabel >= 0.5) || realLabel > 1) throw new InvalidSettingException("The real label must be in [0.5, 1], got " + realLabel);
		if (!(inputJitter >= 0) || inputJitter > 0.6) throw new InvalidSettingException("The input jitter must be in [0, 0.6], got " + inputJitter);
	}

	/** As stored in a model's training settings and checkpoints. */
	public String describe() {
		return String.format(Locale.ROOT, "input=%s inputStrength=%s dLrScale=%s realLabel=%s inputJitter=%s", input.key(), inputStrength, discriminatorLrScale,
			realLabel, inputJitter);
	}
}
