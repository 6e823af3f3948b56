package sc.fiji.stainnorm.evaluate;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.normalize.Normalized;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.synth.StainShift;

/**
 * The protocol itself, on synthetic tissue where the right answer is known, with scores computed here in
 * plain double precision (so this test does not depend on the metrics package being right).
 */
public class EvaluationProtocolTest {
	private static final int SIZE = 64;
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	static double mse(RgbImage a, RgbImage b) {
		double s = 0;
		for (int c = 0; c < 3; c++) {
			float[] x = a.channel(c), y = b.channel(c);
			for (int i = 0; i < x.length; i++)
				s += (x[i] - y[i]) * (double) (x[i] - y[i]);
		}
		return s / (3.0 * a.pixelCount());
	}

	static double meanRed(RgbImage a) {
		double s = 0;
		for (float v : a.channel(0))
			s += v;
		return s / a.pixelCount();
	}

	static final List<ScoreSet> SCORES = List.of(ScoreSet.single("plain", "MSE", false, EvaluationProtocolTest::mse),
		new ScoreSet("extra", List.of("absRedShift"), List.of(false), (t, p, problems) -> new double[] { Math.abs(meanRed(t) - meanRed(p)) }));

	/** Knows every ground truth by its source: the perfect normalizer, to check what is compared with what. */
	static final class Oracle implements StainNormalizer {
		final Map<String, RgbImage> truthBySource = new HashMap<>();
		boolean fitted;

		Oracle(EvaluationData data, long seed) {
			for (int i = 0; i < data.tests().size(); i++) {
				RgbImage t = data.tests().get(i).image();
				truthBySource.put(key(StainShift.random(Evaluation.shiftSeed(seed, i)).apply(t)), t);
			}
			for (EvaluationData.Pair p : data.pairs())
				truthBySource.put(key(p.source()), p.truth());
		}

		static String key(RgbImage img) {
			return java.util.Arrays.toString(img.pixels());
		}

		@Override
		public String name() {
			return "oracle";
		}

		@Override
		public boolean needsReference() {
			return true;
		}

		@Override
		public void fit(List<RgbImage> references) {
			assertEquals(1, references.size());
			fitted = true;
		}

		@Override
		public Normalized normalize(RgbImage source) {
			assertTrue(fitted);
			return Normalized.of(truthBySource.get(key(source)).copy());
		}
	}

	/** Returns its input: no normalization at all. */
	static class Identity implements StainNormalizer {
		@Override
		public String name() {
			return "identity";
		}

		@Override
		public boolean needsReference() {
			return false;
		}

		@Override
		public void fit(List<RgbImage> references) {
			assertTrue(references.isEmpty());
		}

		@Override
		public Normalized normalize(RgbImage source) {
			return Normalized.of(source.copy());
		}
	}

	private static Evaluation.Result run(EvaluationData data, long seed, int threads) {
		List<MethodSpec> methods = List.of(new MethodSpec("identity", Identity::new), new MethodSpec("oracle", () -> new Oracle(data, seed)));
		return Evaluation.run(data, methods, SCORES, new Evaluation.Settings(seed, threads, true, 2), Progress.NONE);
	}

	@Test
	public void scoresCompareEachOutputWithItsOwnGroundTruth() {
		EvaluationData data = Datasets.synthetic(SIZE, 2, 3);
		Evaluation.Result r = run(data, 5, 1);
		assertEquals(List.of(Evaluation.UNNORMALIZED, "identity", "oracle"), r.methods());
		for (Score s : r.scores()) {
			if (s.method().equals("oracle")) assertEquals(s.toString(), 0, s.value(), 0);
			if (!s.metric().equals("MSE")) continue;
			// the unnormalized input and an identity method score the shifted (or other-scanner) image against the truth
			if (s.method().equals("oracle")) continue;
			RgbImage truth, source;
			if (s.experiment().equals(Evaluation.MATCHED)) {
				int i = indexOf(data.tests(), s.image());
				truth = data.tests().get(i).image();
				source = StainShift.random(Evaluation.shiftSeed(5, i)).apply(truth);
			}
			else {
				EvaluationData.Pair p = data.pairs().stream().filter(x -> x.name().equals(s.image())).findFirst().orElseThrow();
				truth = p.truth();
				source = p.source();
			}
			assertEquals(s.toString(), mse(truth, source), s.value(), 1e-9);
			assertTrue("a shift must change the image: " + s, s.value() > 1);
		}
	}

	/**
	 * A real reference method, fitted to another tissue in the target style, must bring the stain-shifted and the
	 * other-style images closer to their ground truth than they were: the protocol can tell a method from no method.
	 * (Macenko with {@code tissue=channels}, its reference code's rule and default, would fail here: the synthetic eosin
	 * has almost no red OD, so that rule drops it; {@code tissue=auto} uses the OD vector length ≥ β on such pale slides.)
	 */
	@Test
	public void registeredReferenceMethodsBeatTheUnnormalizedInput() {
		EvaluationData data = Datasets.synthetic(96, 3, 1);
		List<MethodSpec> methods = new java.util.ArrayList<>();
		for (String name : List.of("reinhard", "macenko", "vahadane", "khan"))
			if (sc.fiji.stainnorm.normalize.Methods.names().contains(name))
				// Macenko: tissue=auto, as the default tissue=channels fails on synthetic tissue (see above and Macenko.DEFAULT_RULE)
				methods.add(new MethodSpec(name, () -> sc.fiji.stainnorm.normalize.Methods.create(name, name.equals("macenko")
					? sc.fiji.stainnorm.normalize.MethodOptions.parse("tissue=auto") : sc.fiji.stainnorm.normalize.MethodOptions.none())));
		org.junit.Assume.assumeFalse("no classical method registered yet", methods.isEmpty());
		Evaluation.Result r = Evaluation.run(data, methods, SCORES, new Evaluation.Settings(1, 2, false, 0), Progress.NONE);
		List<Summary.Stat> stats = Summary.stats(r.scores());
		for (String experiment : List.of(Evaluation.MATCHED, Evaluation.UNMATCHED)) {
			double none = Summary.find(stats, experiment, "plain", "MSE", Evaluation.UNNORMALIZED).mean();
			for (MethodSpec m : methods) {
				double mse = Summary.find(stats, experiment, "plain", "MSE", m.name()).mean();
				assertTrue(m.name() + " " + experiment + ": MSE " + mse + " vs unnormalized " + none, mse < 0.7 * none);
			}
		}
	}

	@Test
	public void everyReferenceIsTriedForSensitivityButTablesUseTheFirst() {
		EvaluationData data = Datasets.synthetic(SIZE, 2, 3);
		Evaluation.Result r = run(data, 5, 1);
		List<String> oracleRefs = Summary.distinct(r.scores().stream().filter(s -> s.method().equals("oracle") && s.experiment().equals(Evaluation.MATCHED)).toList(),
			Score::reference);
		assertEquals(List.of("tissue101_B", "tissue102_B", "tissue103_B"), oracleRefs);
		List<Summary.Stat> stats = Summary.stats(Summary.primary(r.scores(), r.referenceNames().get(0)));
		Summary.Stat oracle = Summary.find(stats, Evaluation.MATCHED, "plain", "MSE", "oracle");
		assertEquals(2, oracle.n());
		Summary.Stat pairs = Summary.find(stats, Evaluation.UNMATCHED, "plain", "MSE", "identity");
		assertEquals(4, pairs.n());
		List<Summary.Spread> spreads = Summary.sensitivity(r.scores());
		Summary.Spread spread = spreads.stream().filter(s -> s.method().equals("oracle") && s.metric().equals("MSE")).findFirst().orElseThrow();
		assertEquals(3, spread.references());
		assertEquals(0, spread.std(), 0);
		// identity takes no reference: it has no spread to report
		assertTrue(spreads.stream().noneMatch(s -> s.method().equals("identity")));
	}

	/** A reference the method refuses costs only that reference's scores, and the refusal is reported. */
	@Test
	public void aRefusedReferenceIsReportedAndTheRestStillRuns() {
		EvaluationData data = Datasets.synthetic(SIZE, 2, 2);
		RgbImage refused = data.references().get(1).image();
		MethodSpec picky = new MethodSpec("picky", () -> new Identity() {
			@Override
			public boolean needsReference() {
				return true;
			}

			@Override
			public void fit(List<RgbImage> references) {
				if (references.get(0).sameRgb(refused)) throw new sc.fiji.stainnorm.core.StainNormException("no tissue in this one");
			}
		});
		MethodSpec broken = new MethodSpec("broken", () -> {
			throw new sc.fiji.stainnorm.core.StainNormException("cannot start");
		});
		Evaluation.Result r = Evaluation.run(data, List.of(picky, broken), SCORES, new Evaluation.Settings(1, 1, true, 0), Progress.NONE);
		assertEquals(List.of(Evaluation.UNNORMALIZED, "picky"), r.methods());
		assertEquals("cannot start", r.skipped().get("broken"));
		assertTrue(r.warnings().get("picky").toString(), r.warnings().get("picky").get(0).contains("tissue102_B: no tissue in this one"));
		List<String> refs = Summary.distinct(r.scores().stream().filter(s -> s.method().equals("picky") && s.experiment().equals(Evaluation.MATCHED)).toList(),
			Score::reference);
		assertEquals(List.of("tissue101_B"), refs);
		// the pairs use the first reference, which it accepted
		assertEquals(4 * 2, r.scores().stream().filter(s -> s.method().equals("picky") && s.experiment().equals(Evaluation.UNMATCHED)).count());
	}

	@Test
	public void sameSeedSameNumbersWhateverTheThreadCountOtherSeedOtherNumbers() {
		EvaluationData data = Datasets.synthetic(SIZE, 2, 2);
		List<Score> a = run(data, 11, 1).scores(), b = run(data, 11, 2).scores(), c = run(data, 12, 1).scores();
		assertEquals(a, b);
		assertFalse(a.equals(c));
	}

	@Test
	public void meanAndSampleStandardDeviationByHand() {
		List<Score> scores = List.of(new Score("matched", "m", "a", "-", "c", "X", 1), new Score("matched", "m", "b", "-", "c", "X", 2),
			new Score("matched", "m", "c", "-", "c", "X", 6));
		Summary.Stat s = Summary.stats(scores).get(0);
		assertEquals(3, s.mean(), 1e-12);
		assertEquals(Math.sqrt((4 + 1 + 9) / 2.0), s.std(), 1e-12);
		assertEquals(3, s.n());
	}

	@Test
	public void reportIsWrittenAndItsNumbersAreReproducible() throws Exception {
		EvaluationData data = Datasets.synthetic(SIZE, 2, 2);
		Path[] dirs = { tmp.newFolder("one").toPath(), tmp.newFolder("two").toPath() };
		Map<String, Boolean> directions = Map.of("MSE", false, "absRedShift", false);
		for (Path dir : dirs) {
			Evaluation.Result r = run(data, 3, 2);
			new ReportWriter(dir).write(data, r, directions, List.of(new ReportWriter.Timing("identity", 10, SIZE, 1, 0.1, 0.5, 0.4, "synthetic")), null,
				new ReportWriter.RunInfo("./stainnorm evaluate --synthetic", "test machine", 1, 2, 3, ""), null, List.of("A note."));
		}
		for (String f : List.of("scores.csv", "summary.csv", "sensitivity.csv", "shifts.csv"))
			assertEquals(f, Files.readString(dirs[0].resolve(f)), Files.readString(dirs[1].resolve(f)));
		for (String f : List.of("figures/box_matched_plain.png", "figures/box_unmatched_extra.png", "figures/montage_matched.png",
			"figures/montage_unmatched.png", "figures/timing.png"))
			assertTrue(f, Files.size(dirs[0].resolve(f)) > 1000);
		String md = Files.readString(dirs[0].resolve("results.md"));
		assertTrue(md, md.contains("## Matched ground truth (Table IV analog)") && md.contains("## Reference sensitivity")
			&& md.contains("(figures/box_matched_plain.png)") && md.contains("A note."));
		// the oracle is exact, so it is the bold best of every column
		assertTrue(md, md.contains("| oracle | **0.0000 ± 0.0000** |"));
		String summary = Files.readString(dirs[0].resolve("summary.csv"));
		assertTrue(summary, summary.contains("matched,plain,MSE,false,oracle,0.000000000,0.000000000,2"));
		assertNotNull(summary);
	}

	/** The verdict on the paper's claims is counted from the numbers: an exact "stst" wins every metric. */
	@Test
	public void claimsAreCountedFromTheTables() throws Exception {
		EvaluationData data = Datasets.synthetic(SIZE, 2, 1);
		List<MethodSpec> methods = List.of(new MethodSpec("identity", Identity::new), new MethodSpec("stst", () -> new Oracle(data, 4)));
		Evaluation.Result r = Evaluation.run(data, methods, SCORES, new Evaluation.Settings(4, 1, false, 0), Progress.NONE);
		Path dir = tmp.newFolder("claims").toPath();
		new ReportWriter(dir).write(data, r, Map.of("MSE", false, "absRedShift", false),
			List.of(new ReportWriter.Timing("identity", 10, SIZE, 1, 0, 1, 1, ""), new ReportWriter.Timing("stst", 10, SIZE, 1, 0, 2, 2, "")), null,
			new ReportWriter.RunInfo("cmd", "machine", 1, 1, 4, ""), null, List.of());
		String md = Files.readString(dir.resolve("results.md"));
		assertTrue(md, md.contains("- matched ground truth, `plain`: stst is best on 1 of 1 metrics (most wins: stst (1)); it improves on the unnormalized input on 1 of 1."));
		assertTrue(md, md.contains("- speed: stst takes 2.0 s for 10 patches, rank 2 of 2 (fastest: identity, 1.0 s)."));
	}

	private static int indexOf(List<EvaluationData.Named> list, String name) {
		for (int i = 0; i < list.size(); i++)
			if (list.get(i).name().equals(name)) return i;
		throw new AssertionError(name);
	}
}
