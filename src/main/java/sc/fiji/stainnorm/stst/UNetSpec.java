package sc.fiji.stainnorm.stst;

import java.util.LinkedHashMap;
import java.util.Map;

import sc.fiji.stainnorm.core.StainNormException;

/**
 * The shape of an STST generator (pix2pix U-Net) and its discriminator, independent of TensorFlow: layer
 * channel counts, variable names and variable shapes. The engine builds its graph from this, and model
 * files are checked against it.
 * <p>
 * Encoder layer {@code i} (1-based) has {@code ngf * min(2^(i-1), 8)} channels, as C64-C128-C256-C512-C512...
 * for ngf 64; {@code depth = min(8, log2(patch))}, so a 256 patch has the paper's 8 levels and a 1x1
 * bottleneck. Every layer is a 4x4 convolution of stride 2. Normalisation is per-image (instance) with a
 * learned scale and offset, on encoder layers 2..depth-1 and decoder layers depth..2; the innermost encoder
 * layer has none (a 1x1 map normalised over itself would be zero) and the first encoder and last decoder
 * layers have a bias instead.
 */
public record UNetSpec(int ngf, int patchSize) {
	public static final int MAX_DEPTH = 8;
	public static final int DROPOUT_BLOCKS = 3;

	public UNetSpec {
		if (ngf < 1 || ngf > 512) throw new StainNormException("Network width must be 1..512, got " + ngf);
		if (patchSize < 16 || patchSize > 4096 || Integer.bitCount(patchSize) != 1)
			throw new StainNormException("Patch size must be a power of two from 16 to 4096, got " + patchSize);
	}

	public int depth() {
		return Math.min(MAX_DEPTH, Integer.numberOfTrailingZeros(patchSize));
	}

	/** Tile sides at inference must be multiples of this. */
	public int granularity() {
		return 1 << depth();
	}

	/** Output channels of encoder layer i (1-based). */
	public int encoderChannels(int i) {
		return ngf * Math.min(1 << (i - 1), 8);
	}

	/** Output channels of decoder layer j (j = depth..1, innermost first): the channels of encoder j-1, or 3. */
	public int decoderChannels(int j) {
		return j == 1 ? 3 : encoderChannels(j - 1);
	}

	/** Input channels of decoder layer j: the innermost takes the bottleneck, the others a skip concatenation. */
	public int decoderInputChannels(int j) {
		return j == depth() ? encoderChannels(j) : 2 * encoderChannels(j);
	}

	public boolean encoderNormalised(int i) {
		return i > 1 && i < depth();
	}

	public boolean decoderNormalised(int j) {
		return j > 1;
	}

	/** Dropout 0.5 on the three innermost decoder blocks (never on the output layer). */
	public boolean decoderDropout(int j) {
		return j > 1 && j > depth() - DROPOUT_BLOCKS;
	}

	/** Spatial side of decoder j's output for a square input of side s. */
	public static int decoderOutputSide(int j, int s) {
		return s >> (j - 1);
	}

	/** Generator variables: name → shape (conv filters HWIO; transposed-conv filters H W out in). */
	public Map<String, long[]> generatorVariables() {
		Map<String, long[]> v = new LinkedHashMap<>();
		int d = depth();
		for (int i = 1; i <= d; i++) {
			int in = i == 1 ? 1 : encoderChannels(i - 1), out = encoderChannels(i);
			v.put("G.enc" + i + ".w", new long[] { 4, 4, in, out });
			if (encoderNormalised(i)) {
				v.put("G.enc" + i + ".gamma", new long[] { out });
				v.put("G.enc" + i + ".beta", new long[] { out });
			}
			else v.put("G.enc" + i + ".b", new long[] { out });
		}
		for (int j = d; j >= 1; j--) {
			int in = decoderInputChannels(j), out = decoderChannels(j);
			v.put("G.dec" + j + ".w", new long[] { 4, 4, out, in });
			if (decoderNormalised(j)) {
				v.put("G.dec" + j + ".gamma", new long[] { out });
				v.put("G.dec" + j + ".beta", new long[] { out });
			}
			else v.put("G.dec" + j + ".b", new long[] { out });
		}
		return v;
	}

	/** The 70x70 PatchGAN on (gray, colour): C(ndf)-C(2ndf)-C(4ndf) stride 2, C(8ndf) stride 1, then 1 channel. */
	public static Map<String, long[]> discriminatorVariables(int ndf) {
		Map<String, long[]> v = new LinkedHashMap<>();
		int[] ch = { 4, ndf, 2 * ndf, 4 * ndf, 8 * ndf, 1 };
		for (int l = 1; l <= 5; l++) {
			v.put("D.l" + l + ".w", new long[] { 4, 4, ch[l - 1], ch[l] });
			if (l == 1 || l == 5) v.put("D.l" + l + ".b", new long[] { ch[l] });
			else {
				v.put("D.l" + l + ".gamma", new long[] { ch[l] });
				v.put("D.l" + l + ".beta", new long[] { ch[l] });
			}
		}
		return v;
	}

	public static long parameterCount(Map<String, long[]> variables) {
		long n = 0;
		for (long[] s : variables.values()) {
			long k = 1;
			for (long x : s) k *= x;
			n += k;
		}
		return n;
	}
}
