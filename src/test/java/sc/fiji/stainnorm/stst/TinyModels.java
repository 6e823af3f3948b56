package sc.fiji.stainnorm.stst;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/** Small synthetic training sets and one tiny model trained once per test JVM (width 4, 64x64 patches). */
final class TinyModels {
	static final int WIDTH = 4, PATCH = 64, STEPS = 300;
	private static Path folder;
	private static StstTrainer.Result trained;

	private TinyModels() {}

	/** Six 128x128 synthetic tissue images in stain style A. */
	static synchronized Path images() {
		if (folder == null) {
			try {
				folder = Files.createTempDirectory("stst-tiny-");
				Path imgs = Files.createDirectories(folder.resolve("images"));
				for (int s = 1; s <= 6; s++)
					ImageFiles.write(SyntheticTissue.generate(100 + s, 128, 128).render(StainStyle.A, 1.0), imgs.resolve("tissue" + s + ".png"));
			}
			catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		}
		return folder.resolve("images");
	}

	static StstTrainer.Builder settings(Path output, int steps) {
		return StstTrainer.Settings.builder(images(), output).steps(steps).width(WIDTH).patchSize(PATCH).seed(7).threads(1)
			.validationFraction(0.2).validateEvery(50).learningRate(1e-3);
	}

	/** The tiny model, trained for {@link #STEPS} steps on first use. */
	static synchronized StstTrainer.Result trained() {
		if (trained == null) {
			images();
			trained = StstTrainer.train(settings(folder.resolve("tiny.zip"), STEPS).build(), Progress.NONE);
		}
		return trained;
	}
}
