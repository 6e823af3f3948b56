package sc.fiji.stainnorm.stst;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.Test;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;

/** The collapse detector on synthetic loss sequences and on the bundled model's real training log. */
public class TrainingHealthTest {

	/** Healthy pix2pix losses around D 0.65 and cGAN 0.8 (window means of the bundled run), L1 falling from 0.3 to 0.04. */
	private static List<LossLog.Row> healthy(int from, int to, Random r) {
		List<LossLog.Row> rows = new ArrayList<>();
		for (int step = from; step <= to; step++)
			rows.add(row(step, 0.65 + 0.15 * r.nextGaussian(), Math.abs(0.8 + 0.3 * r.nextGaussian()), 0.04 + 0.26 * Math.exp(-step / 300.0) + 0.01 * r.nextGaussian()));
		return rows;
	}

	private static LossLog.Row row(int step, double d, double gan, double l1) {
		return new LossLog.Row(step, Math.max(1e-4, d), gan, Math.max(1e-3, l1), Double.NaN, step * 0.1);
	}

	private static List<TrainingHealth.Event> feed(TrainingHealth h, List<LossLog.Row> rows) {
		List<TrainingHealth.Event> events = new ArrayList<>();
		for (LossLog.Row x : rows) {
			TrainingHealth.Event e = h.add(x.step(), x.lossD(), x.lossGan(), x.l1());
			if (e != null) events.add(e);
		}
		return events;
	}

	@Test
	public void healthyLossesRaiseNothing() {
		TrainingHealth h = new TrainingHealth();
		assertTrue(feed(h, healthy(1, 5000, new Random(1))).isEmpty());
		assertTrue(h.spans().isEmpty());
		assertTrue(TrainingHealth.summary(h.spans(), 5000).contains("no collapse"));
	}

	/** The collapsed runs: D 0.006-0.018 while the generator's cGAN loss is about 5.7. */
	@Test
	public void aCollapsedDiscriminatorIsReportedWhenItBeginsAndWhenItIsOver() {
		Random r = new Random(2);
		List<LossLog.Row> rows = new ArrayList<>(healthy(1, 1000, r));
		for (int step = 1001; step <= 1600; step++) rows.add(row(step, 0.006 + 0.012 * r.nextDouble(), 5.7 + 0.5 * r.nextGaussian(), 0.05));
		rows.addAll(healthy(1601, 2500, r));
		TrainingHealth h = new TrainingHealth();
		List<TrainingHealth.Event> events = feed(h, rows);
		assertEquals(events.toString(), 2, events.size());
		TrainingHealth.Event onset = events.get(0), over = events.get(1);
		assertFalse(onset.ended());
		assertEquals(TrainingHealth.Kind.DISCRIMINATOR, onset.span().kind());
		// the 200-step mean crosses both thresholds once most of the window has collapsed
		assertTrue(onset.span().first() + "", onset.span().first() > 1000 && onset.span().first() < 1200);
		assertTrue(onset.message(), onset.message().contains("discriminator collapse from step " + onset.span().first()));
		assertTrue(over.ended());
		assertTrue(over.span().last() + "", over.span().last() >= 1600 && over.span().last() < 1800);
		assertEquals(List.of(over.span()), h.spans());
		assertNull(h.current());
		assertEquals(TrainingHealth.Kind.DISCRIMINATOR, TrainingHealth.at(h.spans(), 1500));
		assertNull(TrainingHealth.at(h.spans(), 900));
	}

	@Test
	public void aGeneratorThatFoolsADeadDiscriminatorIsACollapse() {
		Random r = new Random(3);
		List<LossLog.Row> rows = new ArrayList<>(healthy(1, 1000, r));
		for (int step = 1001; step <= 2000; step++) rows.add(row(step, 1.6 + 0.1 * r.nextGaussian(), 0.03, 0.045));
		TrainingHealth h = new TrainingHealth();
		List<TrainingHealth.Event> events = feed(h, rows);
		assertEquals(1, events.size());
		assertEquals(TrainingHealth.Kind.GENERATOR, events.get(0).span().kind());
		assertTrue(events.get(0).message(), events.get(0).message().contains("generator cGAN loss"));
		assertEquals(2000, h.current().last()); // still going on at the end: the span runs to the last step
		assertTrue(TrainingHealth.summary(h.spans(), 2000).contains("generator collapse, steps " + h.current().first() + "-2000"));
	}

	@Test
	public void aGeneratorThatStopsFollowingItsInputIsACollapse() {
		Random r = new Random(4);
		List<LossLog.Row> rows = new ArrayList<>(healthy(1, 2000, r));
		for (int step = 2001; step <= 3000; step++) rows.add(row(step, 0.6 + 0.1 * r.nextGaussian(), 0.9, 0.15 + 0.01 * r.nextGaussian()));
		List<TrainingHealth.Event> events = feed(new TrainingHealth(), rows);
		assertEquals(1, events.size());
		assertEquals(TrainingHealth.Kind.GENERATOR, events.get(0).span().kind());
		assertTrue(events.get(0).message(), events.get(0).message().contains("training L1"));
	}

	/** A short relapse after the losses came back belongs to the same span: one warning, not two. */
	@Test
	public void aBriefRecoveryDoesNotSplitTheSpan() {
		Random r = new Random(5);
		List<LossLog.Row> rows = new ArrayList<>(healthy(1, 1000, r));
		for (int step = 1001; step <= 1400; step++) rows.add(row(step, 0.01, 5.7, 0.05));
		rows.addAll(healthy(1401, 1450, r));
		for (int step = 1451; step <= 1800; step++) rows.add(row(step, 0.01, 5.7, 0.05));
		rows.addAll(healthy(1801, 3000, r));
		TrainingHealth h = new TrainingHealth();
		List<TrainingHealth.Event> events = feed(h, rows);
		assertEquals(events.toString(), 2, events.size());
		assertEquals(1, h.spans().size());
	}

	/**
	 * The bundled model's run before #15 (docs/stst-default-model/previous-model-12000-steps.*): the discriminator won
	 * twice, around steps 7000 and 11000 (its log: D 0.005 / G 6.57 at 7000, D 0.003 / G 5.76 at 11000), and the run
	 * recovered both times.
	 */
	@Test
	public void findsBothCollapsesOfTheBundledModelsRun() throws Exception {
		Path csv = Path.of("docs", "stst-default-model", "previous-model-12000-steps.losses.csv");
		List<TrainingHealth.Span> spans = TrainingHealth.analyse(LossLog.read(csv, Integer.MAX_VALUE));
		assertEquals(spans.toString(), 2, spans.size());
		for (TrainingHealth.Span s : spans) assertEquals(TrainingHealth.Kind.DISCRIMINATOR, s.kind());
		assertTrue(spans.toString(), spans.get(0).first() > 6600 && spans.get(0).first() < 7000 && spans.get(0).last() > 7000 && spans.get(0).last() < 7400);
		assertTrue(spans.toString(), spans.get(1).first() > 10300 && spans.get(1).first() < 11000 && spans.get(1).last() > 11000 && spans.get(1).last() < 11600);
	}

	@Test
	public void theLossCsvAndPlotMarkTheCollapsedSteps() throws Exception {
		Random r = new Random(6);
		List<LossLog.Row> rows = new ArrayList<>(healthy(1, 1000, r));
		for (int step = 1001; step <= 1600; step++) rows.add(row(step, 0.01, 5.7, 0.05));
		rows.addAll(healthy(1601, 2000, r));
		Path dir = Files.createTempDirectory("stst-health-");
		Path csv = dir.resolve("m.zip.losses.csv"), png = dir.resolve("m.zip.losses.png");
		LossLog.write(csv, rows);
		List<String> lines = Files.readAllLines(csv);
		assertEquals(LossLog.HEADER, lines.get(0));
		assertTrue(lines.get(1500).endsWith(",discriminator"));
		assertTrue(lines.get(500).endsWith(","));
		assertEquals(rows.size(), LossLog.read(csv, Integer.MAX_VALUE).size());
		LossLog.plot(rows, 100, png, "test");
		RgbImage plot = ImageFiles.read(png);
		// the D panel (top 40, plot area from 50): step 1500 of 2000 lies at x = 70 + 0.75 * 810; sample above the curve
		int x = 70 + (int) Math.round(0.75 * 810);
		int shaded = 0;
		for (int y = 55; y < 220; y++) if ((plot.pixels()[y * plot.width() + x] & 0xffffff) == (LossLog.DISCRIMINATOR_COLLAPSE.getRGB() & 0xffffff)) shaded++;
		assertTrue("shaded pixels at step 1500: " + shaded, shaded > 100);
		int healthyX = 70 + (int) Math.round(0.25 * 810), unshaded = 0;
		for (int y = 55; y < 220; y++) if ((plot.pixels()[y * plot.width() + healthyX] & 0xffffff) == (LossLog.DISCRIMINATOR_COLLAPSE.getRGB() & 0xffffff)) unshaded++;
		assertEquals(0, unshaded);
	}
}
