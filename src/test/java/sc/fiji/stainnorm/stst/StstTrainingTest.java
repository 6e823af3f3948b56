package sc.fiji.stainnorm.stst;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Test;

import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.StainNormException;

public class StstTrainingTest {

	@Test
	public void gradientsDriveTheL1LossDown() throws Exception {
		StstTrainer.Result r = TinyModels.trained();
		List<String> lines = Files.readAllLines(r.lossCsv());
		assertEquals(LossLog.HEADER, lines.get(0));
		assertEquals(TinyModels.STEPS + 1, lines.size());
		double first = meanL1(lines.subList(1, 21)), last = meanL1(lines.subList(lines.size() - 20, lines.size()));
		assertTrue("L1 first 20 steps " + first + ", last 20 " + last, last < 0.6 * first);
		assertTrue("validation L1 " + r.validationL1(), r.validationL1() < 0.6 * first);
		assertEquals(1, r.validationImages().size());
		assertTrue(Files.size(r.lossPlot()) > 1000);
		StstModel m = StstModel.read(r.model());
		assertEquals("4", m.metadata("ngf"));
		assertEquals("64", m.metadata("patchSize"));
		assertTrue(m.metadata("trainingSettings").contains("seed=7"));
	}

	private static double meanL1(List<String> rows) {
		return rows.stream().mapToDouble(l -> Double.parseDouble(l.split(",")[3])).average().orElseThrow();
	}

	/**
	 * Validating every 5 steps, the model is the best generator, which may come from before the checkpoint: the
	 * checkpoint carries it, so the resumed run keeps the same model as the uninterrupted one.
	 */
	@Test
	public void sameSeedGivesTheSameModelAndResumingContinuesExactly() throws Exception {
		Path dir = Files.createTempDirectory("stst-determinism-");
		StstTrainer.Result a = StstTrainer.train(TinyModels.settings(dir.resolve("a.zip"), 30).validateEvery(5).build(), Progress.NONE);
		StstTrainer.Result b = StstTrainer.train(TinyModels.settings(dir.resolve("b.zip"), 30).validateEvery(5).build(), Progress.NONE);
		assertSameWeights(StstModel.read(a.model()), StstModel.read(b.model()));
		Path cps = dir.resolve("checkpoints");
		StstTrainer.train(TinyModels.settings(dir.resolve("c.zip"), 15).validateEvery(5).checkpoints(cps).checkpointEvery(15).build(), Progress.NONE);
		StstTrainer.Result c = StstTrainer.train(TinyModels.settings(dir.resolve("c.zip"), 30).validateEvery(5).checkpoints(cps).checkpointEvery(100)
			.resume(true).overwrite(true).build(), Progress.NONE);
		assertSameWeights(StstModel.read(a.model()), StstModel.read(c.model()));
		assertEquals(a.selectedStep(), c.selectedStep());
		assertEquals(a.selectedValidationL1(), c.selectedValidationL1(), 0);
		assertEquals(31, Files.readAllLines(c.lossCsv()).size());
		StstTrainer.Result other = StstTrainer.train(TinyModels.settings(dir.resolve("d.zip"), 30).seed(8).build(), Progress.NONE);
		assertTrue(StstModel.read(other.model()).weights().get("G.enc1.w")[0] != StstModel.read(a.model()).weights().get("G.enc1.w")[0]);
	}

	/**
	 * The model is the generator of the validation with the lowest L1 (issue 15), named in the log and the model;
	 * training again for exactly that many steps gives the same weights, and every validation is in the log.
	 */
	@Test
	public void theModelIsTheGeneratorWithTheLowestValidationL1() throws Exception {
		Path dir = Files.createTempDirectory("stst-best-");
		List<String> log = new java.util.ArrayList<>();
		Progress p = (done, total, message) -> log.add(message);
		StstTrainer.Result r = StstTrainer.train(TinyModels.settings(dir.resolve("a.zip"), 120).validateEvery(20).build(), p);
		double min = Double.POSITIVE_INFINITY;
		int minStep = -1, validations = 0;
		for (String line : Files.readAllLines(r.lossCsv()).subList(1, 121)) {
			String[] f = line.split(",", -1);
			if (f[4].isEmpty()) continue;
			validations++;
			if (Double.parseDouble(f[4]) < min) {
				min = Double.parseDouble(f[4]);
				minStep = Integer.parseInt(f[0]);
			}
		}
		assertEquals(6, validations);
		int best = minStep;
		assertEquals(minStep, r.selectedStep());
		assertEquals(min, r.selectedValidationL1(), 1e-6);
		StstModel m = StstModel.read(r.model());
		assertEquals(Integer.toString(minStep), m.metadata("selectedStep"));
		assertTrue(m.metadata("trainingHealth"), m.metadata("trainingHealth").startsWith("Training health: "));
		assertEquals(6, log.stream().filter(l -> l.contains("val L1 ")).count());
		assertTrue(log.toString(), log.stream().anyMatch(l -> l.startsWith("Model: the generator of step " + best + ", the lowest validation L1")));
		assertTrue(log.toString(), log.stream().anyMatch(l -> l.startsWith("Training health: ")));
		StstTrainer.Result again = StstTrainer.train(TinyModels.settings(dir.resolve("b.zip"), minStep).validateEvery(20).build(), Progress.NONE);
		assertEquals(minStep, again.selectedStep());
		assertSameWeights(m, StstModel.read(again.model()));
	}

	static void assertSameWeights(StstModel x, StstModel y) {
		assertEquals(x.weights().shapes().keySet(), y.weights().shapes().keySet());
		for (String n : x.weights().shapes().keySet()) assertArrayEquals(n, x.weights().get(n), y.weights().get(n), 0f);
	}

	/** Issue 13: a cancelled run promised "the last checkpoint can be resumed" even when no checkpoint existed. */
	@Test
	public void aCancelledRunSaysWhatCanBeResumed() throws Exception {
		Path dir = Files.createTempDirectory("stst-cancel-");
		expectError("nothing can be resumed: no checkpoint folder was set",
			() -> StstTrainer.train(TinyModels.settings(dir.resolve("a.zip"), 10).build(), cancelAfter(0)));
		Path cps = dir.resolve("checkpoints");
		expectError("no checkpoint was written yet",
			() -> StstTrainer.train(TinyModels.settings(dir.resolve("b.zip"), 10).checkpoints(cps).checkpointEvery(5).build(), cancelAfter(2)));
		expectError("continues from the checkpoint of step 2 in " + cps,
			() -> StstTrainer.train(TinyModels.settings(dir.resolve("c.zip"), 10).checkpoints(cps).checkpointEvery(2).build(), cancelAfter(3)));
	}

	/** Cancelled before step {@code steps + 1}: the trainer asks once before each step. */
	private static Progress cancelAfter(int steps) {
		return new Progress() {
			private int asked;

			@Override
			public void update(long step, long total, String message) {}

			@Override
			public boolean isCancelled() {
				return ++asked > steps;
			}
		};
	}

	@Test
	public void refusesToOverwriteAndExplainsBadInput() throws Exception {
		Path dir = Files.createTempDirectory("stst-bad-");
		Path existing = Files.writeString(dir.resolve("model.zip"), "x");
		expectError("exists already", () -> StstTrainer.train(TinyModels.settings(existing, 5).build(), Progress.NONE));
		expectError("does not exist", () -> StstTrainer.train(StstTrainer.Settings.builder(dir.resolve("none"), dir.resolve("m.zip")).build(), Progress.NONE));
		expectError("No images", () -> StstTrainer.train(StstTrainer.Settings.builder(dir, dir.resolve("m.zip")).build(), Progress.NONE));
		expectError("power of two", () -> StstTrainer.train(TinyModels.settings(dir.resolve("m.zip"), 5).patchSize(100).build(), Progress.NONE));
		expectError("at least", () -> StstTrainer.train(TinyModels.settings(dir.resolve("m.zip"), 5).patchSize(256).build(), Progress.NONE));
		expectError("Resuming", () -> StstTrainer.train(TinyModels.settings(dir.resolve("m.zip"), 5).resume(true).build(), Progress.NONE));
	}

	static void expectError(String fragment, Runnable r) {
		try {
			r.run();
			fail("expected an error mentioning '" + fragment + "'");
		}
		catch (StainNormException e) {
			assertTrue(e.getMessage(), e.getMessage().contains(fragment));
		}
	}
}
