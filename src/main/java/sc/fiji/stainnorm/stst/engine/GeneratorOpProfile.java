package sc.fiji.stainnorm.stst.engine;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

import sc.fiji.stainnorm.stst.StstModel;

/**
 * Not a test: where the bundled model's inference graph spends its time, from TensorFlow's own step statistics
 * ({@code FULL_TRACE}). Runs the graph and session STST runs ({@link TfEngine#generator}'s, built for calls of
 * {@code batch} tiles) on random 256² tiles, prints the wall time per call, then the op
 * time per call by op type and for the slowest nodes (with the kernel oneDNN ran, e.g. {@code _MklNativeConv2DWithBias}
 * for a convolution fused with its bias). Op times of parallel ops overlap, so they add up to more than the wall time.
 *
 * <pre>java --add-opens=java.base/java.lang=ALL-UNNAMED -cp target/classes:$(cat target/classpath.txt) sc.fiji.stainnorm.stst.engine.GeneratorOpProfile [batch] [threads]</pre>
 */
public final class GeneratorOpProfile {
	private GeneratorOpProfile() {}

	public static void main(String[] args) {
		int n = args.length > 0 ? Integer.parseInt(args[0]) : 8, threads = args.length > 1 ? Integer.parseInt(args[1]) : 0, size = 256;
		int warmup = 5, timed = 20, traced = 5;
		StstModel model = StstModel.bundled();
		try (TfEngine.TfGenerator generator = (TfEngine.TfGenerator) new TfEngine().generator(model.spec(), model.weights(), false, threads)) {
			TfEngine.TfGenerator.Compiled graph = generator.compile(n, size, size);
			Session s = graph.session();
			Placeholder<TFloat32> in = graph.input();
			Operand<TFloat32> out = graph.output();
			Map<String, String> typeOf = new HashMap<>();
			graph.graph().operations().forEachRemaining(op -> typeOf.put(op.name(), op.type()));
			float[] gray = new float[n * size * size];
			Random random = new Random(1);
			for (int i = 0; i < gray.length; i++) gray[i] = random.nextFloat() * 2 - 1;
			try (TFloat32 t = TfEngine.tensor(gray, n, size, size, 1)) {
				for (int i = 0; i < warmup; i++) s.runner().feed(in, t).fetch(out).run().close();
				long start = System.nanoTime();
				for (int i = 0; i < timed; i++) s.runner().feed(in, t).fetch(out).run().close();
				double perCall = (System.nanoTime() - start) / 1e6 / timed;
				System.out.printf(Locale.ROOT, "%d cores, calls of %d tiles of %d²: %.2f ms per call, %.2f ms per tile (intra-op threads %s)%n",
					Runtime.getRuntime().availableProcessors(), n, size, perCall, perCall / n, threads > 0 ? threads : "TensorFlow's default");
				Map<String, Long> byType = new HashMap<>(), byNode = new HashMap<>();
				RunOptions trace = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
				for (int i = 0; i < traced; i++)
					try (Result r = s.runner().feed(in, t).fetch(out).setOptions(trace).runAndFetchMetadata()) {
						for (DeviceStepStats d : r.getMetadata().orElseThrow().getStepStats().getDevStatsList())
							for (NodeExecStats node : d.getNodeStatsList()) {
								long micros = node.getOpEndRelMicros() - node.getOpStartRelMicros();
								String type = typeOf.getOrDefault(node.getNodeName(), "?");
								byType.merge(type, micros, Long::sum);
								String kernel = node.getTimelineLabel().replaceAll(".*= ", "").replaceAll("\\(.*", "");
								byNode.merge(node.getNodeName() + " (" + kernel + ")", micros, Long::sum);
							}
					}
				long total = byType.values().stream().mapToLong(Long::longValue).sum();
				System.out.printf(Locale.ROOT, "op time per call: %.2f ms%n%nby op type:%n", total / 1e3 / traced);
				print(byType, total, traced, 20);
				System.out.println("\nslowest nodes:");
				print(byNode, total, traced, 20);
			}
		}
	}

	private static void print(Map<String, Long> micros, long total, int calls, int rows) {
		micros.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(rows)
			.forEach(e -> System.out.printf(Locale.ROOT, "  %-58s %7.2f ms  %5.1f %%%n", e.getKey(), e.getValue() / 1e3 / calls, 100.0 * e.getValue() / total));
	}
}
