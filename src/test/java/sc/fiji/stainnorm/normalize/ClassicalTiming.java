package sc.fiji.stainnorm.normalize;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * Rough timing until the benchmark subcommand exists: fit once, then normalize 500 synthetic 256² patches on
 * 2 threads. Not a test (no timing assertions); run with
 * {@code java -cp target/classes:target/test-classes:$(cat target/classpath.txt) sc.fiji.stainnorm.normalize.ClassicalTiming}.
 */
public final class ClassicalTiming {
	public static void main(String[] args) throws Exception {
		int patches = 500, threads = 2;
		List<RgbImage> inputs = new ArrayList<>();
		SyntheticTissue base = SyntheticTissue.generate(5, 1024, 1024);
		RgbImage big = base.render(StainStyle.A, 1.0);
		for (int i = 0; i < patches; i++)
			inputs.add(big.crop(256 * (i % 4), 256 * ((i / 4) % 4), 256, 256));
		RgbImage ref = SyntheticTissue.generate(6, 256, 256).render(StainStyle.B, 1.0);
		for (String method : args.length > 0 ? args : new String[] { "vahadane", "khan" })
			for (int round = 0; round < 2; round++) {
				long t0 = System.nanoTime();
				StainNormalizer n = Methods.create(method);
				n.fit(List.of(ref));
				long t1 = System.nanoTime();
				ExecutorService pool = Executors.newFixedThreadPool(threads);
				List<Future<Normalized>> out = new ArrayList<>();
				for (RgbImage in : inputs)
					out.add(pool.submit(() -> n.normalize(in)));
				for (Future<Normalized> f : out)
					f.get();
				pool.shutdown();
				long t2 = System.nanoTime();
				System.out.printf("%s round %d: fit %.1f ms, %d patches 256x256 on %d threads %.2f s (%.1f ms/patch/thread)%n", method, round,
					(t1 - t0) / 1e6, patches, threads, (t2 - t1) / 1e9, (t2 - t1) / 1e6 * threads / patches);
			}
	}
}
