package sc.fiji.stainnorm.stst;

import java.util.Locale;

import sc.fiji.stainnorm.core.InvalidSettingException;

/**
 * The parts of an STST training recipe beyond the paper's hyper-parameters: how images become the
 * generator's input, and two GAN stabilisers. {@link #PAPER} is the paper's pix2pix (gray input, the
 * discriminator at the generator's learning rate, hard real labels).
 *
 * @param input               the generator's input ({@link StstInput.Mode})
 * @param discriminatorLrScale the discriminator's learning rate as a multiple of the generator's (paper: 1)
 * @param realLabel           the target of real pairs in the discriminator's loss (paper: 1; 0.9 is one-sided label smoothing)
 * @param inputJitter         strength of the stain and light jitter of the generator's input ({@link InputJitter}; paper: 0, none)
 */
public record StstRecipe(StstInput.Mode input, double discriminatorLrScale, double realLabel, double inputJitter) {
	public static final StstRecipe PAPER = new StstRecipe(StstInput.Mode.GRAY, 1, 1, 0);

	public StstRecipe {
		if (input == null) throw new InvalidSettingException("Missing input mode");
		if (!(discriminatorLrScale > 0) || discriminatorLrScale > 10)
			throw new InvalidSettingException("The discriminator's learning-rate scale must be in (0, 10], got " + discriminatorLrScale);
		if (!(realLabel >= 0.5) || realLabel > 1) throw new InvalidSettingException("The real label must be in [0.5, 1], got " + realLabel);
		if (!(inputJitter >= 0) || inputJitter > 0.6) throw new InvalidSettingException("The input jitter must be in [0, 0.6], got " + inputJitter);
	}

	/** As stored in a model's training settings and checkpoints. */
	public String describe() {
		return String.format(Locale.ROOT, "input=%s dLrScale=%s realLabel=%s inputJitter=%s", input.key(), discriminatorLrScale, realLabel, inputJitter);
	}
}
