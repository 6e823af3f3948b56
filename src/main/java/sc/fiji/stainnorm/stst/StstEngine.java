package sc.fiji.stainnorm.stst;

/**
 * Everything STST needs from TensorFlow, in plain Java types. The implementation
 * ({@code sc.fiji.stainnorm.stst.engine.TfEngine}) is loaded by {@link EngineLoader} in its own class
 * loader, so TensorFlow Java 1.x can run next to the TensorFlow 1.x jars Fiji may ship. Arrays are NHWC,
 * row-major, values in [-1, 1].
 */
public interface StstEngine {

	/** E.g. "TensorFlow 2.18.0, devices: /job:localhost/replica:0/task:0/device:CPU:0". */
	String describe();

	/**
	 * A generator ready for inference.
	 *
	 * @param dropout keep dropout active (the paper's stochastic behaviour); false gives deterministic outputs
	 * @param threads TensorFlow intra-op threads (0 = TensorFlow's default)
	 */
	Generator generator(UNetSpec spec, NamedTensors weights, boolean dropout, int threads);

	/**
	 * The generator as the training builds it (weights in variables, every decoder a transposed convolution): the
	 * reference that tests hold {@link #generator}'s faster inference graph to.
	 */
	Generator trainingGraphGenerator(UNetSpec spec, NamedTensors weights, boolean dropout, int threads);

	/** A fresh (or resumable) pix2pix training graph with weights drawn from N(0, 0.02) using {@code seed}. */
	Training training(UNetSpec spec, Hyper hyper);

	/**
	 * Copies {@code data} into a TFloat32 tensor of {@code shape} and reads back the elements at the given
	 * indices through TensorFlow's own indexing, so tests can check the axis order of the bridge.
	 */
	float[] probeTensor(float[] data, long[] shape, long[][] indices);

	/**
	 * Training hyper-parameters; the paper's values are lr 2e-4, beta1 0.5, lambda 100, the discriminator at
	 * the same learning rate (scale 1) and hard real labels (1).
	 */
	record Hyper(int ndf, float learningRate, float beta1, float lambda, long seed, int threads, float discriminatorLrScale, float realLabel) {
		public Hyper(int ndf, float learningRate, float beta1, float lambda, long seed, int threads) {
			this(ndf, learningRate, beta1, lambda, seed, threads, 1f, 1f);
		}
	}

	interface Generator extends AutoCloseable {
		/**
		 * @param gray n x h x w x 1 grayscale in [-1, 1]; h and w multiples of the spec's granularity
		 * @param dropoutSeed seeds the dropout masks when dropout is on; ignored otherwise
		 * @return n x h x w x 3 colour in [-1, 1]
		 */
		float[] run(float[] gray, int n, int h, int w, long dropoutSeed);

		/**
		 * Whether {@link #run} already has its graph for batches of n x h x w: the first call of a shape builds and
		 * optimizes one, which takes longer (about a second on two busy cores) than a few tiles of padding.
		 */
		boolean isCompiled(int n, int h, int w);

		@Override
		void close();
	}

	interface Training extends AutoCloseable {
		/** One optimisation step on a batch of one patch; returns {D loss, G adversarial loss, G L1 loss}. */
		float[] step(float[] gray, float[] rgb, long stepSeed);

		/** L1 distance between the generator's output (no dropout) and {@code rgb}, for validation. */
		float validationL1(float[] gray, float[] rgb, int n);

		NamedTensors generatorWeights();

		/** Every variable, including the discriminator and the optimizers' moments: a checkpoint. */
		NamedTensors allVariables();

		void restore(NamedTensors checkpoint);

		@Override
		void close();
	}
}
