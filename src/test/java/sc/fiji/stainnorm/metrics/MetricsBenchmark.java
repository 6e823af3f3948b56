package sc.fiji.stainnorm.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.TestImages;

/**
 * Time per metric for one 256x256 pair on one thread, and for a batch of pairs on all cores. Not a test (speed is
 * measured, not asserted): run with
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) sc.fiji.stainnorm.metrics.MetricsBenchmark [pairs]}.
 */
public final class MetricsBenchmark {
	public static void main(String[] args) {
		int batch = args.length > 0 ? Integer.parseInt(args[0]) : 100;
		RgbImage gt = TestImages.render(1, StainStyle.A), pred = TestImages.render(1, StainStyle.B);
		for (Convention convention : Convention.values()) {
			System.out.println(convention.label() + " convention, 256x256, one thread, thread CPU time, median of " + RUNS + " runs after " + WARM_UP + " warm-up runs:");
			double total = 0;
			for (Metric m : Metrics.of(convention)) {
				double ms = medianMillis(() -> m.compute(gt, pred));
				total += ms;
				System.out.printf(Locale.ROOT, "  %-8s %8.2f ms%n", m.name(), ms);
			}
			double sep = medianMillis(() -> StainSeparation.compute(gt, pred));
			System.out.printf(Locale.ROOT, "  %-8s %8.2f ms%n", "SH/SE/SBg", sep);
			double row = medianMillis(() -> Metrics.computeRow(Metrics.of(convention), gt, pred, new ArrayList<>()));
			System.out.printf(Locale.ROOT, "  sum of the above %.1f ms; one table row (FSIM and FSIMc share work) %.1f ms%n", total + sep, row);
		}
		List<ImagePair> pairs = new ArrayList<>();
		for (int i = 0; i < batch; i++)
			pairs.add(ImagePair.ofImages("pair" + i, gt, pred));
		int threads = Runtime.getRuntime().availableProcessors();
		long t0 = System.nanoTime();
		Metrics.evaluate(pairs, Convention.PAPER, threads, Progress.NONE);
		double s = (System.nanoTime() - t0) / 1e9;
		System.out.printf(Locale.ROOT, "%d pairs (in memory), paper convention, %d threads: %.1f s (%.1f ms per pair)%n", batch, threads, s, 1000 * s / batch);
	}

	// enough warm-up for the JIT to finish compiling the hot loops, enough runs for a stable median on a busy machine
	private static final int WARM_UP = 20, RUNS = 41;

	private static double medianMillis(Runnable r) {
		for (int i = 0; i < WARM_UP; i++)
			r.run();
		// CPU time of this thread, not wall time: the machine may be busy with other work
		java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
		double[] t = new double[RUNS];
		for (int i = 0; i < t.length; i++) {
			long t0 = bean.getCurrentThreadCpuTime();
			r.run();
			t[i] = (bean.getCurrentThreadCpuTime() - t0) / 1e6;
		}
		java.util.Arrays.sort(t);
		return t[t.length / 2];
	}
}
