package sc.fiji.stainnorm.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.stst.StstInput;
import sc.fiji.stainnorm.stst.StstRecipe;
import sc.fiji.stainnorm.stst.StstTrainer;

/** {@code ./stainnorm train}: trains an STST model on a folder of target-style images. */
final class TrainCli implements Subcommand {

	@Override
	public String name() {
		return "train";
	}

	@Override
	public String summary() {
		return "train an STST model (gray -> target stain style) on a folder of images";
	}

	@Override
	public Set<String> valuedOptions() {
		return Set.of("images", "output", "steps", "epochs", "width", "patch", "lr", "beta1", "lambda", "seed", "validation",
			"validate-every", "checkpoints", "checkpoint-every", "threads", "description", "input", "input-strength", "d-lr-scale", "real-label", "input-jitter");
	}

	@Override
	public Set<String> flagOptions() {
		return Set.of("overwrite", "resume", "paper");
	}

	@Override
	public String help() {
		return """
			Usage: ./stainnorm train --images DIR --output MODEL.zip [options]

			Trains STST (pix2pix: ITU-601 grayscale -> colour) on images of ONE target stain style (any sizes; random
			patch crops, horizontal flips and 90-degree rotations). Writes MODEL.zip, MODEL.zip.losses.csv and
			MODEL.zip.losses.png. Same settings and seed on the same machine give the same model. With validation
			images the model is the generator of the validation step with the lowest validation L1 (its step is
			printed and stored in the model). A collapsed discriminator or generator is a WARNING line when it
			begins and is marked in the loss CSV (column health) and plot.

			  --images DIR          folder of target-style images (png, tif, jpg)
			  --output MODEL        model file to write (refused if it exists, unless --overwrite)
			  --steps N             optimisation steps, one patch each (default 4000)
			  --epochs E            alternatively: E passes over the training images (steps = E x images)
			  --width N             network width ngf = ndf (default 16; the paper: 64, ~54 M parameters)
			  --patch N             patch size, a power of two (default 256)
			  --lr X                Adam learning rate (default 0.0002), --beta1 X (default 0.5)
			  --lambda X            weight of the L1 term (default 100)
			  --seed N              random seed for weights, crops and dropout (default 1)
			  --validation F        share of images held out for validation (default 0.1)
			  --validate-every N    steps between validation and progress lines (default 200)
			  --checkpoints DIR     write checkpoints there (every --checkpoint-every N steps, default 1000)
			  --resume              continue from the newest checkpoint in --checkpoints
			  --threads N           TensorFlow threads (default: all cores)
			  --input MODE          the generator's input at inference: gray-percentiles (default: the luma mapped
			                        so that each image's 1st and 99th percentiles move --input-strength of the
			                        way to the training set's mean levels) or gray (the paper's ITU-601 luma);
			                        training uses the plain luma either way
			  --input-strength X    share of that way, in (0, 1] (default 0.25)
			  --d-lr-scale X        discriminator learning rate as a multiple of --lr (default 1, the paper's)
			  --real-label X        target of real pairs in the discriminator loss (default 0.9, one-sided
			                        label smoothing; the paper's: 1)
			  --paper               the paper's recipe: --input gray --real-label 1
			  --input-jitter S      stain and light jitter of the generator's input, strength 0..0.6 (default 0):
			                        HED jitter with stain rotation, lamp and gamma; the target keeps its colours
			  --description TEXT    stored in the model metadata
			  --overwrite           replace an existing MODEL

			Example: ./stainnorm train --images tiles/ --output mystain.zip --steps 6000 --width 16 --seed 1
			""";
	}

	@Override
	public int run(CliArgs args, PrintStream out) {
		return run(args, out, System.err);
	}

	@Override
	public int run(CliArgs args, PrintStream out, PrintStream err) {
		Path images = Path.of(args.require("images")), output = Path.of(args.require("output"));
		int steps = args.integer("steps", 4000);
		if (args.get("epochs", null) != null) {
			if (args.get("steps", null) != null) throw new UsageException("Give --steps or --epochs, not both");
			int epochs = args.integer("epochs", 1);
			if (epochs < 1) throw new UsageException("--epochs must be at least 1");
			steps = -epochs; // resolved below once the image count is known
		}
		double validation = args.number("validation", 0.1);
		if (steps < 0) {
			long n;
			try (var s = java.nio.file.Files.list(images)) {
				n = s.filter(f -> !f.getFileName().toString().startsWith(".")).filter(sc.fiji.stainnorm.core.ImageFiles::isImageFile).count();
			}
			catch (java.io.IOException e) {
				throw new StainNormException("Cannot list " + images + ": " + e.getMessage());
			}
			long train = n - (validation > 0 ? Math.max(1, Math.round(validation * n)) : 0);
			steps = (int) Math.max(1, -steps * Math.max(train, 1));
		}
		StstTrainer.Settings s = StstTrainer.Settings.builder(images, output).steps(steps).width(args.integer("width", 16))
			.patchSize(args.integer("patch", 256)).learningRate(args.number("lr", 2e-4)).beta1(args.number("beta1", 0.5))
			.lambda(args.number("lambda", 100)).seed(args.integer("seed", 1)).validationFraction(validation)
			.validateEvery(args.integer("validate-every", 200)).checkpoints(args.path("checkpoints", null))
			.checkpointEvery(args.integer("checkpoint-every", 1000)).resume(args.flag("resume")).overwrite(args.flag("overwrite"))
			.threads(args.integer("threads", 0)).description(args.get("description", ""))
			.recipe(recipe(args)).build();
		StstTrainer.Result r = StstTrainer.train(s, ConsoleProgress.to(out, err));
		out.printf("train: %d steps in %.0f s; final L1 %.4f, validation L1 %.4f; model = step %d%s -> %s%n", r.steps(), r.seconds(), r.finalL1(),
			r.validationL1(), r.selectedStep(), Double.isNaN(r.selectedValidationL1()) ? "" : String.format(" (validation L1 %.4f)", r.selectedValidationL1()), r.model());
		return Main.OK;
	}

	private static StstRecipe recipe(CliArgs args) {
		StstRecipe base = args.flag("paper") ? StstRecipe.PAPER : StstRecipe.DEFAULT;
		return new StstRecipe(inputMode(args.get("input", base.input().key())), args.number("input-strength", base.inputStrength()),
			args.number("d-lr-scale", base.discriminatorLrScale()), args.number("real-label", base.realLabel()), args.number("input-jitter", base.inputJitter()));
	}

	private static StstInput.Mode inputMode(String key) {
		for (StstInput.Mode m : StstInput.Mode.values())
			if (m.key().equals(key)) return m;
		throw new UsageException("Unknown --input '" + key + "'; choose gray or gray-percentiles");
	}
}
