package sc.fiji.stainnorm.stst.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import sc.fiji.stainnorm.stst.UNetSpec;

/**
 * The pix2pix generator and PatchGAN discriminator as TensorFlow graph ops, built from a {@link UNetSpec}.
 * Variables are created once (flat names, as Adam requires) with an assign-from-placeholder op each, and read
 * through one {@code identity} per variable, so every network built here shares the same reads.
 */
final class Networks {
	static final float EPSILON = 1e-5f;
	private static final List<Long> STRIDE2 = List.of(1L, 2L, 2L, 1L), STRIDE1 = List.of(1L, 1L, 1L, 1L);

	final Graph graph;
	final Ops tf;
	final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
	final Map<String, Placeholder<TFloat32>> assignInputs = new LinkedHashMap<>();
	final Map<String, Assign<TFloat32>> assigns = new LinkedHashMap<>();
	private final Map<String, Operand<TFloat32>> reads = new LinkedHashMap<>();
	private final Map<String, long[]> shapes = new LinkedHashMap<>();
	private final Map<String, float[]> constantValues = new LinkedHashMap<>();

	Networks(Graph graph) {
		this.graph = graph;
		this.tf = Ops.create(graph);
	}

	void createVariables(Map<String, long[]> spec) {
		for (var e : spec.entrySet()) {
			String name = e.getKey();
			Variable<TFloat32> v = tf.withName(name).variable(Shape.of(e.getValue()), TFloat32.class);
			variables.put(name, v);
			shapes.put(name, e.getValue());
			Placeholder<TFloat32> in = tf.withName("set." + name).placeholder(TFloat32.class, Placeholder.shape(Shape.of(e.getValue())));
			assignInputs.put(name, in);
			assigns.put(name, tf.withName("assign." + name).assign(v, in));
			reads.put(name, tf.withName("read." + name).identity(v));
		}
	}

	/**
	 * The weights as graph constants instead of variables: an inference graph without assign ops, whose
	 * convolutions can keep their filters in oneDNN's layout between runs instead of reordering them on every run.
	 */
	void createConstants(Map<String, long[]> spec, sc.fiji.stainnorm.stst.NamedTensors values) {
		for (var e : spec.entrySet()) {
			String name = e.getKey();
			shapes.put(name, e.getValue());
			reads.put(name, constant(name, e.getValue(), values.get(name)));
			constantValues.put(name, values.get(name));
		}
	}

	private Operand<TFloat32> constant(String name, long[] shape, float[] values) {
		return tf.withName("const." + name).constant(Shape.of(shape), org.tensorflow.ndarray.buffer.DataBuffers.of(values, true, false));
	}

	void registerShape(String name, long[] shape) {
		shapes.put(name, shape);
	}

	long[] shape(String name) {
		return shapes.get(name);
	}

	private Operand<TFloat32> w(String name) {
		Operand<TFloat32> r = reads.get(name);
		if (r == null) throw new IllegalStateException("no variable " + name);
		return r;
	}

	/** Per-image, per-channel normalisation over H x W (instance norm) with a learned scale and offset. */
	Operand<TFloat32> instanceNorm(Operand<TFloat32> x, String prefix) {
		Operand<TInt32> axes = tf.constant(new int[] { 1, 2 });
		Operand<TFloat32> mean = tf.math.mean(x, axes, Mean.keepDims(true));
		Operand<TFloat32> centred = tf.math.sub(x, mean);
		Operand<TFloat32> variance = tf.math.mean(tf.math.square(centred), axes, Mean.keepDims(true));
		Operand<TFloat32> scaled = tf.math.mul(centred, tf.math.rsqrt(tf.math.add(variance, tf.constant(EPSILON))));
		return tf.math.add(tf.math.mul(scaled, w(prefix + ".gamma")), w(prefix + ".beta"));
	}

	private Operand<TFloat32> normOrBias(Operand<TFloat32> x, String prefix, boolean normalised) {
		return normalised ? instanceNorm(x, prefix) : tf.nn.biasAdd(x, w(prefix + ".b"));
	}

	/**
	 * The U-Net on a static-shape gray batch n x h x w x 1.
	 *
	 * @param masks dropout multipliers (0 or 2) per decoder layer, or null for no dropout
	 */
	Operand<TFloat32> generator(UNetSpec spec, Operand<TFloat32> gray, int n, int h, int wd, Map<Integer, Operand<TFloat32>> masks) {
		return generator(spec, gray, n, h, wd, masks, false);
	}

	/**
	 * @param subPixel run the outermost and the three innermost decoders as {@link #subPixelDecoder}s (needs
	 *                 {@link #createConstants}): on oneDNN, the transposed convolution to 3 channels and those on
	 *                 the smallest maps were the slowest layers (bundled model, 2-core EPYC: 2.6 ms of 13 ms per patch
	 *                 against 1.4 ms, and 0.3-0.6 ms each against 0.05-0.4 ms); on the other decoders the
	 *                 transposed convolution is about twice as fast as the 3x3 one, which does 2.25 times the work
	 */
	Operand<TFloat32> generator(UNetSpec spec, Operand<TFloat32> gray, int n, int h, int wd, Map<Integer, Operand<TFloat32>> masks, boolean subPixel) {
		int d = spec.depth();
		List<Operand<TFloat32>> enc = new ArrayList<>();
		enc.add(gray);
		Operand<TFloat32> x = gray;
		for (int i = 1; i <= d; i++) {
			if (i > 1) x = tf.nn.leakyRelu(x, LeakyRelu.alpha(0.2f));
			x = tf.nn.conv2d(x, w("G.enc" + i + ".w"), STRIDE2, "SAME");
			x = normOrBias(x, "G.enc" + i, spec.encoderNormalised(i));
			enc.add(x);
		}
		for (int j = d; j >= 1; j--) {
			Operand<TFloat32> in = j == d ? enc.get(d) : tf.concat(Arrays.asList(x, enc.get(j)), tf.constant(3));
			Operand<TFloat32> r = tf.nn.relu(in);
			int[] outShape = { n, h >> (j - 1), wd >> (j - 1), spec.decoderChannels(j) };
			String prefix = "G.dec" + j;
			boolean normalised = spec.decoderNormalised(j);
			if (subPixel && (j == 1 || j > d - 3)) {
				x = subPixelDecoder(r, prefix, normalised);
				if (normalised) x = instanceNorm(x, prefix);
			}
			else {
				x = tf.nn.conv2dBackpropInput(tf.constant(outShape), w(prefix + ".w"), r, STRIDE2, "SAME");
				x = normOrBias(x, prefix, normalised);
			}
			if (masks != null && masks.containsKey(j)) x = tf.math.mul(x, masks.get(j));
		}
		return tf.math.tanh(x);
	}

	/**
	 * The 4x4, stride-2, SAME transposed convolution of decoder {@code name} as one 3x3 stride-1 convolution to four
	 * times the channels (one group per output phase) and a depth-to-space: the same products, summed in another order.
	 */
	private Operand<TFloat32> subPixelDecoder(Operand<TFloat32> x, String prefix, boolean normalised) {
		long[] s = shapes.get(prefix + ".w");
		int out = (int) s[2];
		float[] f = subPixelFilter(constantValues.get(prefix + ".w"), out, (int) s[3]);
		Operand<TFloat32> y = tf.nn.conv2d(x, constant(prefix + ".w.subpixel", new long[] { 3, 3, s[3], 4 * out }, f), STRIDE1, "SAME");
		if (!normalised) { // the bias before the depth-to-space, once per phase, where oneDNN fuses it into the convolution
			float[] b = constantValues.get(prefix + ".b"), b4 = new float[4 * out];
			for (int phase = 0; phase < 4; phase++) System.arraycopy(b, 0, b4, phase * out, out);
			y = tf.nn.biasAdd(y, constant(prefix + ".b.subpixel", new long[] { 4 * out }, b4));
		}
		return tf.nn.depthToSpace(y, 2L);
	}

	/**
	 * Output row 2m+a of a SAME transposed convolution (kernel 4, stride 2, one pixel of padding in front) sums input rows
	 * m-1, m, m+1 with kernel rows 3, 1, - (a = 0) or -, 2, 0 (a = 1): {@code TAP[a][dy]}, -1 for none.
	 */
	private static final int[][] TAP = { { 3, 1, -1 }, { -1, 2, 0 } };

	/** A transposed filter [4][4][out][in] as a 3x3 filter [3][3][in][4 out], channel (2a + b) out + c for phase (a, b). */
	static float[] subPixelFilter(float[] w, int out, int in) {
		float[] f = new float[9 * in * 4 * out];
		for (int dy = 0; dy < 3; dy++)
			for (int dx = 0; dx < 3; dx++)
				for (int a = 0; a < 2; a++)
					for (int b = 0; b < 2; b++) {
						int ky = TAP[a][dy], kx = TAP[b][dx];
						if (ky < 0 || kx < 0) continue;
						for (int ci = 0; ci < in; ci++)
							for (int co = 0; co < out; co++)
								f[((dy * 3 + dx) * in + ci) * 4 * out + (2 * a + b) * out + co] = w[((ky * 4 + kx) * out + co) * in + ci];
					}
		return f;
	}

	/** The 70x70 PatchGAN on the 4-channel (gray, colour) pair; returns logits, one per receptive field. */
	Operand<TFloat32> discriminator(Operand<TFloat32> pair) {
		Operand<TFloat32> x = pair;
		for (int l = 1; l <= 5; l++) {
			x = tf.nn.conv2d(x, w("D.l" + l + ".w"), l <= 3 ? STRIDE2 : STRIDE1, "SAME");
			if (l == 1 || l == 5) x = tf.nn.biasAdd(x, w("D.l" + l + ".b"));
			else x = instanceNorm(x, "D.l" + l);
			if (l < 5) x = tf.nn.leakyRelu(x, LeakyRelu.alpha(0.2f));
		}
		return x;
	}

	/** Mean sigmoid cross-entropy against a constant label, from differentiable ops: max(x,0) - x z + log(1 + e^-|x|). */
	Operand<TFloat32> meanBce(Operand<TFloat32> logits, float label) {
		Operand<TFloat32> loss = tf.math.add(
			tf.math.sub(tf.nn.relu(logits), tf.math.mul(logits, tf.constant(label))),
			tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(logits)))));
		return tf.math.mean(loss, tf.constant(new int[] { 0, 1, 2, 3 }));
	}
}
