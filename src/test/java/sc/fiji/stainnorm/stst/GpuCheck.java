package sc.fiji.stainnorm.stst;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * The Java half of {@code .ci/gpu-check}: what TensorFlow runs on, the paper's 500-patch inference timing, the
 * generator's outputs for a comparison between devices, and training speed at the paper's width.
 * <pre>
 * GpuCheck run gpu|cpu OUT_DIR [patches] [steps]   (exit 4 when "gpu" was asked for and TensorFlow has no GPU device)
 * GpuCheck compare A.bin B.bin
 * </pre>
 * Patches are synthetic tissue (seeded, so both runs see the same ones). Run with
 * {@code java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) sc.fiji.stainnorm.stst.GpuCheck ...}.
 */
public final class GpuCheck {
	static final int PATCH = 256, COMPARED = 32, BATCH = 8;
	/** The STST paper, Table III: 500 patches of 256x256 through the width-64 generator on a Tesla P100. */
	static final double PAPER_SECONDS = 9.36;
	static final int NO_GPU = 4;
	/** Larger GPU-CPU differences (in [-1, 1] units, about 6 gray levels) mean a broken kernel rather than float rounding. */
	static final double MAX_DIFFERENCE = 0.05;

	private GpuCheck() {}

	public static void main(String[] args) throws IOException {
		if (args.length >= 3 && args[0].equals("run")) System.exit(run(args[1], Path.of(args[2]), args.length > 3 ? Integer.parseInt(args[3]) : 500,
			args.length > 4 ? Integer.parseInt(args[4]) : 1000));
		if (args.length == 3 && args[0].equals("compare")) System.exit(compare(Path.of(args[1]), Path.of(args[2])));
		System.err.println("usage: GpuCheck run gpu|cpu OUT_DIR [patches] [steps] | GpuCheck compare A.bin B.bin");
		System.exit(2);
	}

	/** The device types in {@link StstEngine#describe()}'s "devices: CPU, GPU" part. */
	static List<String> devices(String describe) {
		int at = describe.indexOf("devices:");
		if (at < 0) return List.of();
		return Arrays.stream(describe.substring(at + "devices:".length()).split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
	}

	/** Null when TensorFlow has a GPU device, else why not (the words the script prints). */
	static String gpuMissing(String describe) {
		List<String> d = devices(describe);
		if (d.stream().anyMatch(x -> x.toUpperCase(Locale.ROOT).contains("GPU"))) return null;
		return "TensorFlow fell back to the CPU: its devices are " + (d.isEmpty() ? "unknown" : String.join(", ", d))
			+ " (" + describe + "); no GPU device (driver, CUDA 12 / cuDNN 9 libraries, or the -Pgpu natives missing?)";
	}

	static int run(String expect, Path out, int patches, int steps) throws IOException {
		Files.createDirectories(out);
		StstEngine engine = EngineLoader.engine();
		String describe = engine.describe();
		System.out.println("gpu-check: engine: " + describe);
		String missing = gpuMissing(describe);
		if (expect.equals("gpu") && missing != null) {
			System.err.println("gpu-check: FAIL: " + missing);
			return NO_GPU;
		}
		if (expect.equals("cpu") && missing == null) {
			System.err.println("gpu-check: FAIL: the CPU reference run sees a GPU (" + describe + "); hide it with CUDA_VISIBLE_DEVICES=");
			return 1;
		}
		List<RgbImage> tiles = new ArrayList<>();
		for (int i = 0; i < 20; i++) tiles.add(SyntheticTissue.generate(1000 + i, PATCH, PATCH).render(StainStyle.ALL[i % 3], 1.0));

		// 1. the bundled model (width 16): whole normalize() per patch (tiling, generator, keep_structure), then the generator alone
		StainNormalizer stst = Methods.create("stst", MethodOptions.none());
		stst.fit(List.of());
		for (int i = 0; i < 3; i++) stst.normalize(tiles.get(i));
		long t0 = System.nanoTime();
		for (int i = 0; i < patches; i++) stst.normalize(tiles.get(i % tiles.size()));
		double normalizeSeconds = (System.nanoTime() - t0) / 1e9;
		System.out.printf(Locale.ROOT, "gpu-check: %s: bundled model (width 16), normalize() per patch: %d patches 256x256 in %.2f s%n", expect, patches, normalizeSeconds);
		StstModel bundled = ((Stst) stst).model();
		float[] in = new float[COMPARED * PATCH * PATCH];
		for (int k = 0; k < COMPARED; k++) NhwcBatch.putGray(tiles.get(k % tiles.size()), 0, 0, PATCH, PATCH, in, k * PATCH * PATCH);
		float[] outputs;
		try (StstEngine.Generator g = engine.generator(bundled.spec(), bundled.weights(), false, 0)) {
			outputs = g.run(in, COMPARED, PATCH, PATCH, 0);
			double sec = timeGenerator(g, in, patches);
			System.out.printf(Locale.ROOT, "gpu-check: %s: bundled generator alone (width 16), batches of %d: %d patches in %.2f s%n", expect, BATCH, patches, sec);
		}
		write(out.resolve("outputs-" + expect + ".bin"), outputs);
		System.out.printf(Locale.ROOT, "gpu-check: %s: generator outputs of %d patches -> %s%n", expect, COMPARED, out.resolve("outputs-" + expect + ".bin"));

		// 2. training at the paper's width 64, batch 1, 256x256: steps/s after the first step (graph building)
		UNetSpec spec64 = new UNetSpec(64, PATCH);
		try (StstEngine.Training t = engine.training(spec64, new StstEngine.Hyper(64, 2e-4f, 0.5f, 100f, 1, 0))) {
			float[] gray = new float[PATCH * PATCH], rgb = new float[PATCH * PATCH * 3];
			Random r = new Random(1);
			double seconds = 0;
			for (int step = 0; step <= steps; step++) {
				RgbImage patch = StstTrainer.augment(tiles.get(r.nextInt(tiles.size())), PATCH, r);
				NhwcBatch.putGray(patch, 0, 0, PATCH, PATCH, gray, 0);
				NhwcBatch.putRgb(patch, 0, 0, PATCH, PATCH, rgb, 0);
				long s0 = System.nanoTime();
				float[] losses = t.step(gray, rgb, r.nextLong());
				if (step > 0) seconds += (System.nanoTime() - s0) / 1e9;
				for (float l : losses)
					if (!Float.isFinite(l)) {
						System.err.println("gpu-check: FAIL: width-64 training diverged at step " + step + " (loss " + l + ")");
						return 1;
					}
			}
			System.out.printf(Locale.ROOT, "gpu-check: %s: training width 64, 256x256, batch 1: %d steps in %.1f s = %.2f steps/s%n", expect, steps, seconds,
				steps / Math.max(seconds, 1e-9));
			// 3. the paper's timing row: 500 patches through a width-64 generator (these weights; the speed does not depend on them)
			try (StstEngine.Generator g = engine.generator(spec64, t.generatorWeights(), false, 0)) {
				g.run(Arrays.copyOf(in, BATCH * PATCH * PATCH), BATCH, PATCH, PATCH, 0);
				double sec = timeGenerator(g, in, patches);
				System.out.printf(Locale.ROOT, "gpu-check: %s: width-64 generator, batches of %d: %d patches in %.2f s (paper: %.2f s for 500 on a Tesla P100)%n",
					expect, BATCH, patches, sec, PAPER_SECONDS);
			}
		}
		return 0;
	}

	private static double timeGenerator(StstEngine.Generator g, float[] in, int patches) {
		float[] batch = Arrays.copyOf(in, BATCH * PATCH * PATCH);
		g.run(batch, BATCH, PATCH, PATCH, 0);
		long t0 = System.nanoTime();
		for (int done = 0; done < patches; done += BATCH) {
			int n = Math.min(BATCH, patches - done);
			g.run(n == BATCH ? batch : Arrays.copyOf(batch, n * PATCH * PATCH), n, PATCH, PATCH, 0);
		}
		return (System.nanoTime() - t0) / 1e9;
	}

	static int compare(Path a, Path b) throws IOException {
		float[] x = read(a), y = read(b);
		if (x.length != y.length) {
			System.err.println("gpu-check: FAIL: " + a + " has " + x.length + " values, " + b + " " + y.length);
			return 1;
		}
		double max = 0, sum = 0;
		for (int i = 0; i < x.length; i++) {
			double d = Math.abs(x[i] - y[i]);
			max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(max, d);
			sum += d;
		}
		// outputs are in [-1, 1]: 1 gray level is 2 / 255
		System.out.printf(Locale.ROOT, "gpu-check: GPU vs CPU generator outputs (%d values): max |difference| %.3g (%.2f gray levels), mean %.3g%n", x.length, max,
			max * 127.5, sum / x.length);
		if (max <= MAX_DIFFERENCE) return 0;
		System.err.printf(Locale.ROOT, "gpu-check: FAIL: GPU and CPU outputs differ by up to %.3g (more than %.2f, %.0f gray levels): a wrong kernel, not rounding"
			+ " (TF32 convolutions on Ampere and later round to ~1e-3; NVIDIA_TF32_OVERRIDE=0 turns them off)%n", max, MAX_DIFFERENCE, MAX_DIFFERENCE * 127.5);
		return 5;
	}

	private static void write(Path file, float[] v) throws IOException {
		try (OutputStream o = Files.newOutputStream(file); DataOutputStream d = new DataOutputStream(new java.io.BufferedOutputStream(o))) {
			d.writeInt(v.length);
			for (float f : v) d.writeFloat(f);
		}
	}

	private static float[] read(Path file) throws IOException {
		try (InputStream i = Files.newInputStream(file); DataInputStream d = new DataInputStream(new java.io.BufferedInputStream(i))) {
			float[] v = new float[d.readInt()];
			for (int k = 0; k < v.length; k++) v[k] = d.readFloat();
			return v;
		}
	}
}
