package sc.fiji.stainnorm.stst;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * The paper's speed row: 500 patches of 256x256 through the bundled model (one tile each), after a warm-up.
 * Run: {@code java -cp target/test-classes:target/classes:$(cat target/classpath.txt) sc.fiji.stainnorm.stst.StstBenchmark [options]}
 */
public final class StstBenchmark {
	public static void main(String[] args) {
		String options = args.length > 0 ? args[0] : "";
		int n = 500;
		List<RgbImage> patches = new ArrayList<>();
		for (int i = 0; i < 20; i++) patches.add(SyntheticTissue.generate(1000 + i, 256, 256).render(StainStyle.ALL[i % 3], 1.0));
		StainNormalizer s = Methods.create("stst", MethodOptions.parse(options));
		s.fit(List.of());
		for (int i = 0; i < 5; i++) s.normalize(patches.get(i));
		long t0 = System.nanoTime();
		for (int i = 0; i < n; i++) s.normalize(patches.get(i % patches.size()));
		double sec = (System.nanoTime() - t0) / 1e9;
		System.out.printf(Locale.ROOT, "stst %s, one normalize() call per patch: %d patches 256x256 in %.2f s (%.4f s/patch), %d cores%n", options, n, sec, sec / n,
			Runtime.getRuntime().availableProcessors());
		StstModel m = ((Stst) s).model();
		int batch = 8;
		float[] in = new float[batch * 256 * 256];
		for (int k = 0; k < batch; k++) NhwcBatch.putGray(patches.get(k), 0, 0, 256, 256, in, k * 256 * 256);
		try (StstEngine.Generator g = EngineLoader.engine().generator(m.spec(), m.weights(), false, 0)) {
			g.run(in, batch, 256, 256, 0);
			t0 = System.nanoTime();
			int done = 0;
			for (; done < n; done += batch) g.run(in, batch, 256, 256, 0);
			sec = (System.nanoTime() - t0) / 1e9;
			System.out.printf(Locale.ROOT, "stst generator alone, batches of %d: %d patches in %.2f s (%.4f s/patch)%n", batch, done, sec, sec / done);
		}
		System.exit(0);
	}
}
