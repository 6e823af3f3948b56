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

	@Test
	public void sameSeedGivesTheSameModelAndResumingContinuesExactly() throws Exception {
		Path dir = Files.createTempDirectory("stst-determinism-");
		StstTrainer.Result a = StstTrainer.train(TinyModels.settings(dir.resolve("a.zip"), 30).build(), Progress.NONE);
		StstTrainer.Result b = StstTrainer.train(TinyModels.settings(dir.resolve("b.zip"), 30).build(), Progress.NONE);
		assertSameWeights(StstModel.read(a.model()), StstModel.read(b.model()));
		Path cps = dir.resolve("checkpoints");
		StstTrainer.train(TinyModels.settings(dir.resolve("c.zip"), 15).checkpoints(cps).checkpointEvery(15).build(), Progress.NONE);
		StstTrainer.Result c = StstTrainer.train(TinyModels.settings(dir.resolve("c.zip"), 30).checkpoints(cps).checkpointEvery(100)
			.resume(true).overwrite(true).build(), Progress.NONE);
		assertSameWeights(StstModel.read(a.model()), StstModel.read(c.model()));
		assertEquals(31, Files.readAllLines(c.lossCsv()).size());
		StstTrainer.Result other = StstTrainer.train(TinyModels.settings(dir.resolve("d.zip"), 30).seed(8).build(), Progress.NONE);
		assertTrue(StstModel.read(other.model()).weights().get("G.enc1.w")[0] != StstModel.read(a.model()).weights().get("G.enc1.w")[0]);
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
