package sc.fiji.stainnorm.stst;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * Trains an STST model (pix2pix: ITU-601 gray → colour of one stain style) from a folder of images of the
 * target style: random patch crops, horizontal flips and 90° rotations, Adam, cGAN + λ·L1 loss. Writes the
 * model, a loss log ({@code <model>.losses.csv}), a loss plot ({@code <model>.losses.png}) and, if asked,
 * checkpoints to resume from. Same settings and seed on the same machine give the same model.
 * <p>
 * {@link TrainingHealth} watches the losses: a collapse is a warning when it begins, a line when it is over, and is
 * marked in the loss CSV and plot. With validation images the model keeps the generator of the validation with the
 * lowest L1 (the paper kept "one of the best-stored models"), not necessarily the last step's; its step is in the
 * model's metadata ({@code selectedStep}) and in the log.
 * <p>
 * Usage from a command or script:
 * <pre>
 * StstTrainer.Result r = StstTrainer.train(StstTrainer.Settings.builder(imagesDir, modelZip).steps(4000).width(16).build(), progress);
 * </pre>
 */
public final class StstTrainer {
	private StstTrainer() {}

	/**
	 * @param steps optimisation steps (one patch each); the paper's 30 epochs of 3000 patches are 90000
	 * @param width generator and discriminator width ngf = ndf (paper: 64)
	 * @param patchSize training patch side, a power of two (paper: 256)
	 * @param validationFraction share of the images held out for validation (0 for none)
	 * @param validateEvery steps between validation L1 measurements (and progress lines)
	 * @param checkpoints folder for checkpoints, or null for none
	 * @param checkpointEvery steps between checkpoints
	 * @param resume continue from the newest checkpoint in {@code checkpoints}
	 * @param threads TensorFlow threads (0 = all cores); fixed thread counts keep runs reproducible
	 * @param description free text stored in the model's metadata (e.g. what the images are)
	 * @param recipe input mode and GAN stabilisers ({@link StstRecipe#DEFAULT}; {@link StstRecipe#PAPER}: the paper's)
	 */
	public record Settings(Path images, Path output, int steps, int width, int patchSize, double learningRate, double beta1,
		double lambda, long seed, double validationFraction, int validateEvery, Path checkpoints, int checkpointEvery,
		boolean resume, boolean overwrite, int threads, String description, StstRecipe recipe) {

		public static Builder builder(Path images, Path output) {
			return new Builder(images, output);
		}

		void check() {
			if (steps < 1) throw new InvalidSettingException("Training needs at least 1 step, got " + steps);
			if (learningRate <= 0 || !Double.isFinite(learningRate)) throw new InvalidSettingException("Learning rate must be positive, got " + learningRate);
			if (beta1 < 0 || beta1 >= 1) throw new InvalidSettingException("Adam beta1 must be in [0, 1), got " + beta1);
			if (lambda < 0 || !Double.isFinite(lambda)) throw new InvalidSettingException("Lambda (L1 weight) must be >= 0, got " + lambda);
			if (validationFraction < 0 || validationFraction >= 1) throw new InvalidSettingException("Validation fraction must be in [0, 1), got " + validationFraction);
			if (validateEvery < 1 || checkpointEvery < 1) throw new InvalidSettingException("Validation and checkpoint intervals must be at least 1 step");
			if (threads < 0) throw new InvalidSettingException("Threads must be 0 (all cores) or more, got " + threads);
			if (resume && checkpoints == null) throw new InvalidSettingException("Resuming needs a checkpoint folder");
			// a resume that silently starts from scratch would cost hours without a word
			if (resume && Checkpoint.newestFile(checkpoints) == null)
				throw new StainNormException("Nothing to resume: no checkpoint (checkpoint-<step>.zip) in " + checkpoints
					+ (Files.isDirectory(checkpoints) ? "" : " (no such folder)") + "; leave out resume to start from scratch");
			try {
				new UNetSpec(width, patchSize);
			}
			catch (StainNormException e) { // here a setting, not a damaged model
				throw new InvalidSettingException(e.getMessage());
			}
		}
	}

	public static final class Builder {
		private final Path images, output;
		private int steps = 4000, width = 16, patchSize = 256, validateEvery = 200, checkpointEvery = 1000, threads = 0;
		private double learningRate = 2e-4, beta1 = 0.5, lambda = 100, validationFraction = 0.1;
		private long seed = 1;
		private Path checkpoints;
		private boolean resume, overwrite;
		private String description = "";
		private StstRecipe recipe = StstRecipe.DEFAULT;

		Builder(Path images, Path output) {
			this.images = images;
			this.output = output;
		}

		public Builder steps(int v) { steps = v; return this; }
		public Builder width(int v) { width = v; return this; }
		public Builder patchSize(int v) { patchSize = v; return this; }
		public Builder learningRate(double v) { learningRate = v; return this; }
		public Builder beta1(double v) { beta1 = v; return this; }
		public Builder lambda(double v) { lambda = v; return this; }
		public Builder seed(long v) { seed = v; return this; }
		public Builder validationFraction(double v) { validationFraction = v; return this; }
		public Builder validateEvery(int v) { validateEvery = v; return this; }
		public Builder checkpoints(Path v) { checkpoints = v; return this; }
		public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
		public Builder resume(boolean v) { resume = v; return this; }
		public Builder overwrite(boolean v) { overwrite = v; return this; }
		public Builder threads(int v) { threads = v; return this; }
		public Builder description(String v) { description = v == null ? "" : v; return this; }
		public Builder recipe(StstRecipe v) { recipe = v == null ? StstRecipe.DEFAULT : v; return this; }

		public Settings build() {
			return new Settings(images, output, steps, width, patchSize, learningRate, beta1, lambda, seed, validationFraction,
				validateEvery, checkpoints, checkpointEvery, resume, overwrite, threads, description, recipe);
		}
	}

	/**
	 * What a run produced: final training losses are the mean of the last 100 steps; {@code validationL1} is the last
	 * step's, {@code selectedValidationL1} that of the generator kept as the model, from step {@code selectedStep}
	 * (the last step when there are no validation images); {@code health} the collapsed spans.
	 */
	public record Result(Path model, Path lossCsv, Path lossPlot, int steps, double seconds, List<String> trainingImages,
		List<String> validationImages, double finalL1, double validationL1, int selectedStep, double selectedValidationL1,
		List<TrainingHealth.Span> health) {}

	/** The generator with the lowest validation L1 so far, at a regular validation step. */
	record Best(int step, double validationL1, NamedTensors weights) {}

	public static Path lossCsvOf(Path model) {
		return model.resolveSibling(model.getFileName() + ".losses.csv");
	}

	public static Path lossPlotOf(Path model) {
		return model.resolveSibling(model.getFileName() + ".losses.png");
	}

	public static Result train(Settings s, Progress progress) {
		s.check();
		if (Files.exists(s.output()) && !s.overwrite())
			throw new StainNormException("Model " + s.output() + " exists already; choose another name or allow overwriting");
		UNetSpec spec = new UNetSpec(s.width(), s.patchSize());
		List<Path> files = imageFiles(s.images());
		checkOutputLocations(s);
		List<Path> shuffled = new ArrayList<>(files);
		Collections.shuffle(shuffled, new Random(s.seed()));
		int nVal = s.validationFraction() > 0 ? Math.max(1, (int) Math.round(s.validationFraction() * files.size())) : 0;
		if (nVal >= files.size()) throw new StainNormException("Only " + files.size() + " images: nothing left for training after holding out " + nVal + " for validation");
		List<Path> valFiles = new ArrayList<>(shuffled.subList(0, nVal)), trainFiles = new ArrayList<>(shuffled.subList(nVal, shuffled.size()));
		Collections.sort(valFiles);
		Collections.sort(trainFiles);
		List<RgbImage> train = load(trainFiles, spec.patchSize(), progress);
		List<RgbImage> val = load(valFiles, spec.patchSize(), progress);
		if (train.isEmpty()) throw new StainNormException("No training image is at least " + spec.patchSize() + "x" + spec.patchSize() + " pixels");
		progress.update(-1, -1, "STST training: " + train.size() + " training images, " + val.size() + " validation images ("
			+ names(valFiles) + "), width " + s.width() + ", patch " + s.patchSize() + ", " + s.steps() + " steps, "
			+ UNetSpec.parameterCount(spec.generatorVariables()) + " generator parameters");
		int p = spec.patchSize();
		StstRecipe recipe = s.recipe();
		// the generator trains on the plain gray; the training set's mean levels are what inference maps inputs towards
		StstInput.Levels inputLevels = recipe.input() == StstInput.Mode.GRAY ? null
			: StstInput.Levels.mean(train.stream().map(StstInput.Levels::of).toList());
		InputJitter jitter = recipe.inputJitter() > 0 ? new InputJitter(recipe.inputJitter()) : null;
		float[] valGray = new float[val.size() * p * p], valRgb = new float[val.size() * p * p * 3];
		for (int k = 0; k < val.size(); k++) {
			RgbImage v = val.get(k);
			int x0 = (v.width() - p) / 2, y0 = (v.height() - p) / 2;
			// validated as the model will be used: with the inference's gray map
			NhwcBatch.putGray(v, StstInput.GrayMap.of(recipe.input(), inputLevels, recipe.inputStrength(), v), x0, y0, p, p, valGray, k * p * p);
			NhwcBatch.putRgb(v, x0, y0, p, p, valRgb, k * p * p * 3);
		}
		StstEngine engine = EngineLoader.engine();
		progress.update(-1, -1, engine.describe());
		Path csv = lossCsvOf(s.output()), plot = lossPlotOf(s.output());
		long started = System.nanoTime();
		try (StstEngine.Training t = engine.training(spec, new StstEngine.Hyper(s.width(), (float) s.learningRate(), (float) s.beta1(),
			(float) s.lambda(), s.seed(), s.threads(), (float) recipe.discriminatorLrScale(), (float) recipe.realLabel()))) {
			int first = 1, checkpointed = 0;
			List<LossLog.Row> rows = new ArrayList<>();
			TrainingHealth health = new TrainingHealth();
			Best best = null;
			if (s.resume()) {
				Checkpoint c = Checkpoint.newest(s.checkpoints());
				if (c != null) {
					c.check(s);
					t.restore(c.variables);
					first = c.step + 1;
					checkpointed = c.step;
					rows.addAll(LossLog.read(csv, c.step));
					for (LossLog.Row r : rows) health.add(r.step(), r.lossD(), r.lossGan(), r.l1());
					best = c.best;
					progress.update(-1, -1, "Resumed from " + c.path + " at step " + c.step
						+ (best == null ? "" : String.format(" (best validation L1 so far %.4f, step %d)", best.validationL1(), best.step())));
					if (health.current() != null) progress.warn(health.current().describe() + ", still going on at the checkpoint");
				}
				else progress.update(-1, -1, "No checkpoint in " + s.checkpoints() + ": starting from scratch");
			}
			float[] gray = new float[p * p], rgb = new float[p * p * 3];
			double recentSeconds = 0;
			int recentSteps = 0;
			for (int step = first; step <= s.steps(); step++) {
				if (progress.isCancelled()) throw new StainNormException("Training cancelled at step " + step + "; " + resumeHint(s, checkpointed));
				Random r = new Random(mix(s.seed(), step));
				int index = r.nextInt(train.size());
				RgbImage patch = augment(train.get(index), p, r);
				RgbImage input = jitter == null ? patch : jitter.apply(patch, r);
				NhwcBatch.putGray(input, 0, 0, p, p, gray, 0);
				NhwcBatch.putRgb(patch, 0, 0, p, p, rgb, 0);
				long t0 = System.nanoTime();
				float[] losses = t.step(gray, rgb, r.nextLong());
				recentSeconds += (System.nanoTime() - t0) / 1e9;
				recentSteps++;
				for (float l : losses)
					if (!Float.isFinite(l)) throw new StainNormException("Training diverged at step " + step + " (loss " + l + "); try a lower learning rate");
				double valL1 = Double.NaN;
				if (!val.isEmpty() && (step % s.validateEvery() == 0 || step == s.steps())) valL1 = t.validationL1(valGray, valRgb, val.size());
				// only regular validation steps compete during the run, so that a resumed run keeps the same best as an uninterrupted one
				if (!Double.isNaN(valL1) && step % s.validateEvery() == 0 && (best == null || valL1 < best.validationL1()))
					best = new Best(step, valL1, t.generatorWeights());
				rows.add(new LossLog.Row(step, losses[0], losses[1], losses[2], valL1, (System.nanoTime() - started) / 1e9));
				TrainingHealth.Event news = health.add(step, losses[0], losses[1], losses[2]);
				if (news != null && !news.ended()) progress.warn(news.message());
				else if (news != null) progress.update(-1, -1, news.message());
				if (step % s.validateEvery() == 0 || step == s.steps() || step == first) {
					double perStep = recentSeconds / recentSteps;
					recentSeconds = 0;
					recentSteps = 0;
					TrainingHealth.Span collapse = health.current();
					progress.update(step, s.steps(), String.format("D %.3f  G %.3f  L1 %.4f%s  %.3f s/step  ETA %s%s", losses[0], losses[1], losses[2],
						Double.isNaN(valL1) ? "" : String.format("  val L1 %.4f", valL1), perStep, eta(perStep * (s.steps() - step)),
						collapse == null ? "" : "  [" + collapse.kind().label + " since step " + collapse.first() + "]"));
				}
				if (s.checkpoints() != null && (step % s.checkpointEvery() == 0 || step == s.steps())) {
					Checkpoint.write(s, step, t.allVariables(), best);
					LossLog.write(csv, rows);
					checkpointed = step;
				}
			}
			LossLog.write(csv, rows);
			LossLog.plot(rows, s.lambda(), plot, "STST training, width " + s.width() + ", patch " + p);
			List<TrainingHealth.Span> spans = health.spans();
			progress.update(-1, -1, TrainingHealth.summary(spans, s.steps()));
			double lastVal = rows.stream().filter(x -> !Double.isNaN(x.valL1())).mapToDouble(LossLog.Row::valL1).reduce((a, b) -> b).orElse(Double.NaN);
			int lastValStep = rows.stream().filter(x -> !Double.isNaN(x.valL1())).mapToInt(LossLog.Row::step).reduce((a, b) -> b).orElse(0);
			NamedTensors kept;
			int selectedStep;
			double selectedVal;
			if (best != null && !(lastValStep == s.steps() && lastVal < best.validationL1())) {
				kept = best.weights();
				selectedStep = best.step();
				selectedVal = best.validationL1();
			}
			else {
				kept = t.generatorWeights();
				selectedStep = s.steps();
				selectedVal = lastValStep == s.steps() ? lastVal : Double.NaN;
			}
			progress.update(-1, -1, val.isEmpty() ? "Model: the generator of the last step " + s.steps() + " (no validation images to choose a better one)"
				: String.format("Model: the generator of step %d, the lowest validation L1 (%.4f%s)", selectedStep, selectedVal,
					selectedStep == s.steps() ? "" : String.format("; last step %d: %.4f", s.steps(), lastVal)));
			if (TrainingHealth.at(spans, selectedStep) != null)
				progress.warn("the model's step " + selectedStep + " lies in a collapsed span (" + TrainingHealth.at(spans, selectedStep).label + "); train longer or with other settings");
			Properties meta = new Properties();
			meta.setProperty("trainingImages", s.images().toAbsolutePath().getFileName() + ": " + train.size() + " images (" + names(trainFiles) + ")");
			meta.setProperty("validationImages", names(valFiles));
			meta.setProperty("trainingDescription", s.description());
			meta.setProperty("trainingSettings", String.format("steps=%d width=%d patch=%d lr=%s beta1=%s lambda=%s seed=%d", s.steps(), s.width(), p,
				s.learningRate(), s.beta1(), s.lambda(), s.seed()) + (recipe.equals(StstRecipe.PAPER) ? "" : " " + recipe.describe()));
			meta.setProperty(StstModel.INPUT, recipe.input().key());
			if (inputLevels != null) {
				meta.setProperty(StstModel.INPUT_LEVELS, inputLevels.format());
				meta.setProperty(StstModel.INPUT_STRENGTH, Double.toString(recipe.inputStrength()));
			}
			TrainingStyle style = TrainingStyle.of(train);
			if (style != null) style.store(meta);
			else progress.warn("Macenko found no two stains in any training image: the model records no training style, so STST cannot warn about other styles");
			meta.setProperty("created", Instant.now().toString());
			meta.setProperty("codeVersion", codeVersion());
			meta.setProperty("engine", engine.describe());
			meta.setProperty("selectedStep", Integer.toString(selectedStep));
			meta.setProperty("selectedBy", val.isEmpty() ? "last step (no validation images)" : "lowest validation L1 (every " + s.validateEvery() + " steps and the last step)");
			if (!Double.isNaN(selectedVal)) meta.setProperty("selectedValidationL1", String.format(java.util.Locale.ROOT, "%.6f", selectedVal));
			if (!Double.isNaN(lastVal)) meta.setProperty("lastValidationL1", String.format(java.util.Locale.ROOT, "%.6f", lastVal));
			meta.setProperty("trainingHealth", TrainingHealth.summary(spans, s.steps()));
			new StstModel(spec, kept, meta).write(s.output());
			double finalL1 = rows.subList(Math.max(0, rows.size() - 100), rows.size()).stream().mapToDouble(LossLog.Row::l1).average().orElse(Double.NaN);
			double seconds = (System.nanoTime() - started) / 1e9;
			progress.update(-1, -1, String.format("Model written to %s (%.0f s); losses in %s and %s", s.output(), seconds, csv, plot));
			return new Result(s.output(), csv, plot, s.steps(), seconds, fileNames(trainFiles), fileNames(valFiles), finalL1, lastVal, selectedStep,
				selectedVal, spans);
		}
	}

	/**
	 * Every place the run will write (model, loss CSV and plot, checkpoints) is checked before the first step,
	 * so that a read-only or missing-permission folder is found now, not after hours of training.
	 */
	static void checkOutputLocations(Settings s) {
		for (Path f : List.of(s.output(), lossCsvOf(s.output()), lossPlotOf(s.output())))
			if (Files.isDirectory(f)) throw new StainNormException("Output " + f + " is a folder; name a file such as mystain.zip");
		Path modelFolder = s.output().toAbsolutePath().getParent();
		if (s.images() != null && sc.fiji.stainnorm.core.PathChecks.sameLocation(modelFolder, s.images()))
			throw new StainNormException("The model " + s.output() + " is inside the training images folder " + s.images()
				+ ", where its loss plot " + lossPlotOf(s.output()).getFileName() + " would be taken for a training image; write it elsewhere");
		sc.fiji.stainnorm.core.PathChecks.requireWritableFolder(modelFolder, "The model's folder");
		if (s.checkpoints() != null) sc.fiji.stainnorm.core.PathChecks.requireWritableFolder(s.checkpoints(), "The checkpoint folder");
	}

	static String codeVersion() {
		return StstModel.codeVersion();
	}

	static long mix(long seed, long step) {
		long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}

	/** A random p x p crop, flipped horizontally with probability 1/2 and rotated by a random multiple of 90°. */
	static RgbImage augment(RgbImage image, int p, Random r) {
		int x0 = r.nextInt(image.width() - p + 1), y0 = r.nextInt(image.height() - p + 1);
		boolean flip = r.nextBoolean();
		int rot = r.nextInt(4);
		int[] src = image.pixels(), dst = new int[p * p];
		int w = image.width();
		for (int y = 0; y < p; y++)
			for (int x = 0; x < p; x++) {
				int sx = flip ? p - 1 - x : x, sy = y;
				for (int k = 0; k < rot; k++) {
					int t = sx;
					sx = sy;
					sy = p - 1 - t;
				}
				dst[y * p + x] = src[(y0 + sy) * w + x0 + sx];
			}
		return RgbImage.wrap(p, p, dst);
	}

	/** What a cancelled run leaves to resume from: only a checkpoint actually written counts. */
	private static String resumeHint(Settings s, int checkpointed) {
		if (s.checkpoints() == null) return "nothing can be resumed: no checkpoint folder was set";
		if (checkpointed == 0) return "nothing can be resumed: no checkpoint was written yet (every " + s.checkpointEvery() + " steps)";
		return "resume (resume=true / --resume) continues from the checkpoint of step " + checkpointed + " in " + s.checkpoints();
	}

	private static String eta(double seconds) {
		long s = Math.round(seconds);
		return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : String.format("%dm%02ds", s / 60, s % 60);
	}

	private static List<Path> imageFiles(Path folder) {
		if (folder == null || !Files.isDirectory(folder)) throw new StainNormException("Training images folder " + folder + " does not exist");
		try (Stream<Path> s = Files.list(folder)) {
			List<Path> files = s.filter(f -> !f.getFileName().toString().startsWith(".")).filter(ImageFiles::isImageFile).sorted().toList();
			if (files.size() < 1) throw new StainNormException("No images (png, tif, jpg) in " + folder);
			return files;
		}
		catch (IOException e) {
			throw new StainNormException("Cannot list " + folder + ": " + e.getMessage());
		}
	}

	private static List<RgbImage> load(List<Path> files, int p, Progress progress) {
		List<RgbImage> images = new ArrayList<>();
		for (Path f : files) {
			RgbImage img = ImageFiles.read(f);
			if (img.width() < p || img.height() < p) progress.warn(f.getFileName() + " is " + img.width() + "x" + img.height() + ", smaller than the " + p + " patch: skipped");
			else images.add(img);
		}
		return images;
	}

	private static List<String> fileNames(List<Path> files) {
		return files.stream().map(f -> f.getFileName().toString()).toList();
	}

	private static String names(List<Path> files) {
		return String.join(" ", fileNames(files));
	}

	/** A checkpoint: every variable (both networks and both optimizers) plus the step and the settings. */
	static final class Checkpoint {
		final Path path;
		final int step;
		final Properties settings;
		final NamedTensors variables;
		/** The best generator up to {@code step}, or null (no validation, or none yet). */
		final Best best;

		private Checkpoint(Path path, int step, Properties settings, NamedTensors variables, Best best) {
			this.path = path;
			this.step = step;
			this.settings = settings;
			this.variables = variables;
			this.best = best;
		}

		static Properties fingerprint(Settings s) {
			Properties p = new Properties();
			p.setProperty("width", Integer.toString(s.width()));
			p.setProperty("patchSize", Integer.toString(s.patchSize()));
			p.setProperty("seed", Long.toString(s.seed()));
			p.setProperty("learningRate", Double.toString(s.learningRate()));
			p.setProperty("beta1", Double.toString(s.beta1()));
			p.setProperty("lambda", Double.toString(s.lambda()));
			p.setProperty("validationFraction", Double.toString(s.validationFraction()));
			// older checkpoints (the paper's recipe only) have no such key and still resume
			if (!s.recipe().equals(StstRecipe.PAPER)) p.setProperty("recipe", s.recipe().describe());
			return p;
		}

		void check(Settings s) {
			Properties now = fingerprint(s);
			java.util.Set<String> keys = new java.util.TreeSet<>(now.stringPropertyNames());
			if (settings.getProperty("recipe") != null) keys.add("recipe");
			for (String k : keys)
				if (!now.getProperty(k).equals(settings.getProperty(k)))
					throw new StainNormException("Checkpoint " + path + " was made with " + k + "=" + settings.getProperty(k, "(the paper's)") + ", not " + now.getProperty(k, "(the paper's)") + "; use the same settings to resume");
		}

		static void write(Settings s, int step, NamedTensors all, Best best) {
			Path dir = s.checkpoints();
			try {
				Files.createDirectories(dir);
				Path target = dir.resolve(String.format("checkpoint-%08d.zip", step));
				sc.fiji.stainnorm.core.AtomicFile.writeStream(target, out -> {
					try (ZipOutputStream zip = new ZipOutputStream(out)) {
						zip.putNextEntry(new ZipEntry("checkpoint.properties"));
						Properties p = fingerprint(s);
						p.setProperty("step", Integer.toString(step));
						if (best != null) {
							p.setProperty("bestStep", Integer.toString(best.step()));
							p.setProperty("bestValidationL1", Double.toString(best.validationL1()));
						}
						p.store(zip, "STST training checkpoint");
						zip.closeEntry();
						zip.putNextEntry(new ZipEntry("variables"));
						all.write(zip);
						zip.closeEntry();
						if (best != null) {
							zip.putNextEntry(new ZipEntry("best-generator"));
							best.weights().write(zip);
							zip.closeEntry();
						}
					}
				});
				try (Stream<Path> old = Files.list(dir)) { // keep the two newest
					List<Path> cps = old.filter(f -> f.getFileName().toString().matches("checkpoint-\\d+\\.zip")).sorted().toList();
					for (int i = 0; i < cps.size() - 2; i++) Files.deleteIfExists(cps.get(i));
				}
			}
			catch (IOException e) {
				throw new StainNormException("Cannot write a checkpoint into " + dir + ": " + e.getMessage());
			}
		}

		/** The newest checkpoint file in {@code dir}, or null when there is none (or no such folder). */
		static Path newestFile(Path dir) {
			if (!Files.isDirectory(dir)) return null;
			try (Stream<Path> s = Files.list(dir)) {
				return s.filter(f -> f.getFileName().toString().matches("checkpoint-\\d+\\.zip")).sorted().reduce((a, b) -> b).orElse(null);
			}
			catch (IOException e) {
				throw new StainNormException("Cannot list checkpoints in " + dir + ": " + e.getMessage());
			}
		}

		static Checkpoint newest(Path dir) {
			Path newest = newestFile(dir);
			if (newest == null) return null;
			Properties p = null;
			NamedTensors v = null, bestWeights = null;
			try (InputStream in = Files.newInputStream(newest); ZipInputStream zip = new ZipInputStream(in)) {
				ZipEntry e;
				while ((e = zip.getNextEntry()) != null) {
					if (e.getName().equals("checkpoint.properties")) {
						p = new Properties();
						p.load(new java.io.StringReader(new String(zip.readAllBytes(), StandardCharsets.UTF_8)));
					}
					else if (e.getName().equals("variables")) v = NamedTensors.read(zip, "Checkpoint " + newest);
					else if (e.getName().equals("best-generator")) bestWeights = NamedTensors.read(zip, "Checkpoint " + newest);
				}
			}
			catch (IOException e) {
				throw new StainNormException("Cannot read checkpoint " + newest + ": " + e.getMessage());
			}
			if (p == null || v == null) throw new StainNormException("Checkpoint " + newest + " is incomplete");
			if ((p.getProperty("bestStep") == null) != (bestWeights == null))
				throw new StainNormException("Checkpoint " + newest + " is incomplete: its best generator " + (bestWeights == null ? "weights are" : "step is") + " missing");
			Best best = bestWeights == null ? null : new Best(Integer.parseInt(p.getProperty("bestStep")), Double.parseDouble(p.getProperty("bestValidationL1")), bestWeights);
			return new Checkpoint(newest, Integer.parseInt(p.getProperty("step")), p, v, best);
		}
	}
}
