package sc.fiji.stainnorm.stst.engine;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.framework.optimizers.Optimizer.GradAndVar;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.types.TFloat32;

import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.stst.NamedTensors;
import sc.fiji.stainnorm.stst.StstEngine;
import sc.fiji.stainnorm.stst.UNetSpec;

/** {@link StstEngine} on TensorFlow Java 1.x in graph mode. Loaded only through the isolating class loader. */
public final class TfEngine implements StstEngine {
	private volatile String devices;

	public TfEngine() {}

	@Override
	public String describe() {
		if (devices == null) {
			try (Graph g = new Graph(); Session s = new Session(g)) {
				devices = listDevices(s);
			}
		}
		return "TensorFlow " + TensorFlow.version() + " (TensorFlow Java), devices: " + devices;
	}

	private static String listDevices(Session s) {
		try {
			Field f = Session.class.getDeclaredField("nativeHandle");
			f.setAccessible(true);
			TF_Session handle = (TF_Session) f.get(s);
			try (TF_Status status = TF_Status.newStatus()) {
				TF_DeviceList list = tensorflow.TF_SessionListDevices(handle, status);
				List<String> names = new ArrayList<>();
				for (int i = 0; i < tensorflow.TF_DeviceListCount(list); i++)
					names.add(tensorflow.TF_DeviceListType(list, i, status).getString());
				tensorflow.TF_DeleteDeviceList(list);
				return String.join(", ", names);
			}
		}
		catch (ReflectiveOperationException | RuntimeException e) {
			return "unknown (" + e.getClass().getSimpleName() + ")";
		}
	}

	/**
	 * Grappler's remapper is off: on the U-Net it always fails (TensorFlow 2.18: "remapper failed: ... fanout 'Concat_6'
	 * exist for missing node 'BiasAdd'", as the first encoder's output feeds both the next layer's activation and the
	 * outermost skip concatenation), and Grappler then keeps the graph as it was before the remapper, so turning it off
	 * changes no op and no value; it only spares the attempt and its error line on every run.
	 */
	static ConfigProto config(int intraThreads) {
		ConfigProto.Builder b = ConfigProto.newBuilder()
			.setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(RewriterConfig.newBuilder().setRemapping(RewriterConfig.Toggle.OFF)));
		if (intraThreads > 0) b.setIntraOpParallelismThreads(intraThreads).setInterOpParallelismThreads(1);
		return b.build();
	}

	static TFloat32 tensor(float[] data, long... shape) {
		long n = 1;
		for (long d : shape) n *= d;
		if (n != data.length) throw new IllegalArgumentException(data.length + " values for shape " + java.util.Arrays.toString(shape));
		return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(data, true, false));
	}

	static float[] read(TFloat32 t) {
		float[] out = new float[(int) t.shape().size()];
		t.copyTo(DataBuffers.of(out, false, false));
		return out;
	}

	@Override
	public float[] probeTensor(float[] data, long[] shape, long[][] indices) {
		try (TFloat32 t = tensor(data, shape)) {
			float[] out = new float[indices.length];
			for (int i = 0; i < indices.length; i++) out[i] = t.getFloat(indices[i]);
			float[] back = read(t);
			if (!java.util.Arrays.equals(back, data)) throw new IllegalStateException("tensor round trip changed values");
			return out;
		}
	}

	/** N(0, 0.02) convolution weights, N(1, 0.02) norm scales, zero offsets and biases, in name order. */
	static NamedTensors initialWeights(Map<String, long[]> spec, long seed) {
		Random random = new Random(seed);
		NamedTensors t = new NamedTensors();
		for (var e : spec.entrySet()) {
			long n = 1;
			for (long d : e.getValue()) n *= d;
			float[] v = new float[(int) n];
			String name = e.getKey();
			if (name.endsWith(".w")) for (int i = 0; i < v.length; i++) v[i] = (float) (0.02 * random.nextGaussian());
			else if (name.endsWith(".gamma")) for (int i = 0; i < v.length; i++) v[i] = (float) (1 + 0.02 * random.nextGaussian());
			t.put(name, e.getValue(), v);
		}
		return t;
	}

	static void assign(Session session, Networks net, NamedTensors values) {
		Session.Runner r = session.runner();
		List<TFloat32> open = new ArrayList<>();
		try {
			for (String name : values.shapes().keySet()) {
				Placeholder<TFloat32> in = net.assignInputs.get(name);
				if (in == null) throw new StainNormException("Weights '" + name + "' do not belong to this network");
				TFloat32 t = tensor(values.get(name), values.shapes().get(name));
				open.add(t);
				r.feed(in, t).addTarget(net.assigns.get(name));
			}
			r.run().close();
		}
		finally {
			open.forEach(TFloat32::close);
		}
	}

	static NamedTensors fetch(Session session, Networks net, Iterable<String> names) {
		Session.Runner r = session.runner();
		List<String> list = new ArrayList<>();
		for (String name : names) {
			r.fetch(net.variables.get(name));
			list.add(name);
		}
		NamedTensors out = new NamedTensors();
		try (Result result = r.run()) {
			for (int i = 0; i < list.size(); i++)
				out.put(list.get(i), net.shape(list.get(i)), read((TFloat32) result.get(i)));
		}
		return out;
	}

	static Map<Integer, float[]> dropoutMasks(UNetSpec spec, int n, int h, int w, long seed) {
		Random random = new Random(seed);
		Map<Integer, float[]> masks = new LinkedHashMap<>();
		for (int j = spec.depth(); j >= 1; j--)
			if (spec.decoderDropout(j)) {
				float[] m = new float[n * (h >> (j - 1)) * (w >> (j - 1)) * spec.decoderChannels(j)];
				for (int i = 0; i < m.length; i++) m[i] = random.nextBoolean() ? 2f : 0f;
				masks.put(j, m);
			}
		return masks;
	}

	static long[] maskShape(UNetSpec spec, int j, int n, int h, int w) {
		return new long[] { n, h >> (j - 1), w >> (j - 1), spec.decoderChannels(j) };
	}

	@Override
	public Generator generator(UNetSpec spec, NamedTensors weights, boolean dropout, int threads) {
		weights.requireShapes(spec.generatorVariables(), "The STST model");
		return new TfGenerator(spec, weights, dropout, threads, false);
	}

	@Override
	public Generator trainingGraphGenerator(UNetSpec spec, NamedTensors weights, boolean dropout, int threads) {
		weights.requireShapes(spec.generatorVariables(), "The STST model");
		return new TfGenerator(spec, weights, dropout, threads, true);
	}

	/**
	 * One inference graph per batch shape; sessions are thread-safe, so several threads share each one. The weights
	 * are constants and some decoders sub-pixel convolutions ({@link Networks#generator}), unless {@code asTrained}:
	 * then the graph is the training's (variables, transposed convolutions).
	 */
	static final class TfGenerator implements Generator {
		private final UNetSpec spec;
		private final NamedTensors weights;
		private final boolean dropout, asTrained;
		private final int threads;
		private final Map<List<Integer>, Compiled> compiled = new ConcurrentHashMap<>();
		private volatile boolean closed;

		TfGenerator(UNetSpec spec, NamedTensors weights, boolean dropout, int threads, boolean asTrained) {
			this.spec = spec;
			this.weights = weights;
			this.dropout = dropout;
			this.threads = threads;
			this.asTrained = asTrained;
		}

		record Compiled(Graph graph, Session session, Placeholder<TFloat32> input, Operand<TFloat32> output,
			Map<Integer, Placeholder<TFloat32>> masks) {}

		/** The graph and session of calls of n tiles of h x w, built on first use (GeneratorOpProfile profiles it). */
		synchronized Compiled compile(int n, int h, int w) {
			if (closed) throw new IllegalStateException("generator closed");
			return compiled.computeIfAbsent(List.of(n, h, w), k -> {
				Graph g = new Graph();
				try {
					Networks net = new Networks(g);
					if (asTrained) net.createVariables(spec.generatorVariables());
					else net.createConstants(spec.generatorVariables(), weights);
					Placeholder<TFloat32> in = net.tf.withName("gray").placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, h, w, 1)));
					Map<Integer, Placeholder<TFloat32>> masks = new HashMap<>();
					Map<Integer, Operand<TFloat32>> maskOps = new HashMap<>();
					if (dropout)
						for (int j = 1; j <= spec.depth(); j++)
							if (spec.decoderDropout(j)) {
								Placeholder<TFloat32> m = net.tf.withName("mask" + j).placeholder(TFloat32.class, Placeholder.shape(Shape.of(maskShape(spec, j, n, h, w))));
								masks.put(j, m);
								maskOps.put(j, m);
							}
					Operand<TFloat32> out = net.generator(spec, in, n, h, w, dropout ? maskOps : null, !asTrained);
					Session s = new Session(g, config(threads));
					if (asTrained) assign(s, net, weights);
					return new Compiled(g, s, in, out, masks);
				}
				catch (RuntimeException e) {
					g.close();
					throw e;
				}
			});
		}

		@Override
		public boolean isCompiled(int n, int h, int w) {
			return compiled.containsKey(List.of(n, h, w));
		}

		@Override
		public float[] run(float[] gray, int n, int h, int w, long dropoutSeed) {
			int g = spec.granularity();
			if (n < 1 || h < g || w < g || h % g != 0 || w % g != 0)
				throw new StainNormException("STST tiles must be multiples of " + g + " pixels, got " + w + "x" + h);
			if (gray.length != n * h * w) throw new IllegalArgumentException("gray batch has " + gray.length + " values, expected " + n * h * w);
			Compiled c = compiled.get(List.of(n, h, w));
			if (c == null) c = compile(n, h, w);
			List<TFloat32> open = new ArrayList<>();
			try {
				TFloat32 in = tensor(gray, n, h, w, 1);
				open.add(in);
				Session.Runner r = c.session.runner().feed(c.input, in);
				if (dropout)
					for (var e : dropoutMasks(spec, n, h, w, dropoutSeed).entrySet()) {
						TFloat32 m = tensor(e.getValue(), maskShape(spec, e.getKey(), n, h, w));
						open.add(m);
						r.feed(c.masks.get(e.getKey()), m);
					}
				try (Result result = r.fetch(c.output).run()) {
					return read((TFloat32) result.get(0));
				}
			}
			finally {
				open.forEach(TFloat32::close);
			}
		}

		@Override
		public synchronized void close() {
			closed = true;
			for (Compiled c : compiled.values()) {
				c.session.close();
				c.graph.close();
			}
			compiled.clear();
		}
	}

	@Override
	public Training training(UNetSpec spec, Hyper hyper) {
		return new TfTraining(spec, hyper);
	}

	/** The pix2pix objective: D on (gray, real) vs (gray, fake); G fools D and stays close in L1. */
	private static final class TfTraining implements Training {
		private final UNetSpec spec;
		private final Graph graph = new Graph();
		private final Session session;
		private final Networks net;
		private final int p;
		private final Placeholder<TFloat32> gray, rgb, valGray;
		private final Map<Integer, Placeholder<TFloat32>> masks = new HashMap<>();
		private final Operand<TFloat32> lossD, lossGan, lossL1, valL1;
		private final Placeholder<TFloat32> valRgb;
		private final Op trainD, trainG;

		@SuppressWarnings({ "unchecked", "rawtypes" })
		TfTraining(UNetSpec spec, Hyper hyper) {
			this.spec = spec;
			this.p = spec.patchSize();
			try {
				net = new Networks(graph);
				Map<String, long[]> gVars = spec.generatorVariables(), dVars = UNetSpec.discriminatorVariables(hyper.ndf());
				net.createVariables(gVars);
				net.createVariables(dVars);
				var tf = net.tf;
				gray = tf.withName("gray").placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, p, p, 1)));
				rgb = tf.withName("rgb").placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, p, p, 3)));
				Map<Integer, Operand<TFloat32>> maskOps = new HashMap<>();
				for (int j = 1; j <= spec.depth(); j++)
					if (spec.decoderDropout(j)) {
						Placeholder<TFloat32> m = tf.withName("mask" + j).placeholder(TFloat32.class, Placeholder.shape(Shape.of(maskShape(spec, j, 1, p, p))));
						masks.put(j, m);
						maskOps.put(j, m);
					}
				Operand<TFloat32> fake = net.generator(spec, gray, 1, p, p, maskOps);
				Operand<TFloat32> dReal = net.discriminator(tf.concat(List.of(gray, rgb), tf.constant(3)));
				Operand<TFloat32> dFake = net.discriminator(tf.concat(List.of(gray, fake), tf.constant(3)));
				lossD = tf.withName("lossD").math.mul(tf.constant(0.5f), tf.math.add(net.meanBce(dReal, hyper.realLabel()), net.meanBce(dFake, 0f)));
				lossGan = tf.withName("lossGan").identity(net.meanBce(dFake, 1f));
				lossL1 = tf.withName("lossL1").math.mean(tf.math.abs(tf.math.sub(rgb, fake)), tf.constant(new int[] { 0, 1, 2, 3 }));
				Operand<TFloat32> lossG = tf.math.add(lossGan, tf.math.mul(tf.constant(hyper.lambda()), lossL1));
				List<Output<?>> dList = outputs(dVars.keySet()), gList = outputs(gVars.keySet());
				Output<?>[] dGrads = graph.addGradients(lossD.asOutput(), dList.toArray(new Output<?>[0]));
				Output<?>[] gGrads = graph.addGradients(lossG.asOutput(), gList.toArray(new Output<?>[0]));
				// Variables are updated in place and their identity reads alias the variable's buffer: no update may
				// start before every gradient is computed, or results would depend on thread timing.
				List<Op> all = new ArrayList<>();
				for (Output<?> g : dGrads) all.add(tf.identity((Operand) g));
				for (Output<?> g : gGrads) all.add(tf.identity((Operand) g));
				var afterAll = tf.withControlDependencies(all);
				trainD = apply(new Adam(graph, "AdamD", hyper.learningRate() * hyper.discriminatorLrScale(), hyper.beta1(), 0.999f, 1e-8f), afterAll, dGrads, dList, "trainD");
				trainG = apply(new Adam(graph, "AdamG", hyper.learningRate(), hyper.beta1(), 0.999f, 1e-8f), afterAll, gGrads, gList, "trainG");
				valGray = tf.withName("valGray").placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, p, p, 1)));
				valRgb = tf.withName("valRgb").placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, p, p, 3)));
				Operand<TFloat32> valFake = net.generator(spec, valGray, 1, p, p, null);
				valL1 = tf.math.mean(tf.math.abs(tf.math.sub(valRgb, valFake)), tf.constant(new int[] { 0, 1, 2, 3 }));
				addOptimizerStateAssigns();
				session = new Session(graph, config(hyper.threads()));
				session.initialize();
				NamedTensors init = initialWeights(gVars, hyper.seed());
				NamedTensors initD = initialWeights(dVars, hyper.seed() * 31 + 7);
				for (String name : initD.shapes().keySet()) init.put(name, initD.shapes().get(name), initD.get(name));
				assign(session, net, init);
			}
			catch (RuntimeException e) {
				graph.close();
				throw e;
			}
		}

		private List<Output<?>> outputs(Iterable<String> names) {
			List<Output<?>> vars = new ArrayList<>();
			for (String n : names) vars.add(net.variables.get(n).asOutput());
			return vars;
		}

		@SuppressWarnings({ "unchecked", "rawtypes" })
		private Op apply(Adam adam, org.tensorflow.op.Ops afterAll, Output<?>[] grads, List<Output<?>> vars, String opName) {
			List<GradAndVar<?>> pairs = new ArrayList<>();
			for (int i = 0; i < grads.length; i++) pairs.add(new GradAndVar(afterAll.identity((Operand) grads[i]).asOutput(), vars.get(i)));
			return adam.applyGradients((List) pairs, opName);
		}

		/** Adam's moments and step powers are graph variables too; give each an assign op for checkpoints. */
		@SuppressWarnings("unchecked")
		private void addOptimizerStateAssigns() {
			List<GraphOperation> extra = new ArrayList<>();
			var it = graph.operations();
			while (it.hasNext()) {
				GraphOperation op = it.next();
				if ((op.type().equals("VariableV2") || op.type().equals("Variable")) && !net.variables.containsKey(op.name())) extra.add(op);
			}
			for (GraphOperation op : extra) {
				var v = new org.tensorflow.op.core.Variable<TFloat32>(op);
				Shape s = op.output(0).shape();
				long[] dims = s.asArray();
				net.variables.put(op.name(), v);
				Placeholder<TFloat32> in = net.tf.withName("set." + op.name()).placeholder(TFloat32.class, Placeholder.shape(s));
				net.assignInputs.put(op.name(), in);
				net.assigns.put(op.name(), net.tf.withName("assign." + op.name()).assign(v, in));
				net.registerShape(op.name(), dims);
			}
		}

		@Override
		public float[] step(float[] grayPatch, float[] rgbPatch, long stepSeed) {
			List<TFloat32> open = new ArrayList<>();
			try {
				TFloat32 g = tensor(grayPatch, 1, p, p, 1), c = tensor(rgbPatch, 1, p, p, 3);
				open.add(g);
				open.add(c);
				Session.Runner r = session.runner().feed(gray, g).feed(rgb, c);
				for (var e : dropoutMasks(spec, 1, p, p, stepSeed).entrySet()) {
					TFloat32 m = tensor(e.getValue(), maskShape(spec, e.getKey(), 1, p, p));
					open.add(m);
					r.feed(masks.get(e.getKey()), m);
				}
				r.fetch(lossD).fetch(lossGan).fetch(lossL1).addTarget(trainD).addTarget(trainG);
				try (Result result = r.run()) {
					return new float[] { ((TFloat32) result.get(0)).getFloat(), ((TFloat32) result.get(1)).getFloat(),
						((TFloat32) result.get(2)).getFloat() };
				}
			}
			finally {
				open.forEach(TFloat32::close);
			}
		}

		@Override
		public float validationL1(float[] grayPatches, float[] rgbPatches, int n) {
			double sum = 0;
			int px = p * p;
			for (int k = 0; k < n; k++) {
				float[] g = java.util.Arrays.copyOfRange(grayPatches, k * px, (k + 1) * px);
				float[] c = java.util.Arrays.copyOfRange(rgbPatches, k * px * 3, (k + 1) * px * 3);
				try (TFloat32 tg = tensor(g, 1, p, p, 1); TFloat32 tc = tensor(c, 1, p, p, 3);
					Result result = session.runner().feed(valGray, tg).feed(valRgb, tc).fetch(valL1).run()) {
					sum += ((TFloat32) result.get(0)).getFloat();
				}
			}
			return (float) (sum / n);
		}

		@Override
		public NamedTensors generatorWeights() {
			return fetch(session, net, spec.generatorVariables().keySet());
		}

		@Override
		public NamedTensors allVariables() {
			return fetch(session, net, net.variables.keySet());
		}

		@Override
		public void restore(NamedTensors checkpoint) {
			Map<String, long[]> expected = new LinkedHashMap<>();
			for (String name : net.variables.keySet()) expected.put(name, net.shape(name));
			checkpoint.requireShapes(expected, "The checkpoint");
			assign(session, net, checkpoint);
		}

		@Override
		public void close() {
			session.close();
			graph.close();
		}
	}
}
