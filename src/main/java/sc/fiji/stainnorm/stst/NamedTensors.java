package sc.fiji.stainnorm.stst;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import sc.fiji.stainnorm.core.StainNormException;

/**
 * Named float arrays with shapes (network weights, optimizer state) and their binary form: magic, count,
 * then per entry name, rank, dimensions and big-endian floats. Plain Java, so model files can be read and
 * checked without loading TensorFlow.
 */
public final class NamedTensors {
	private static final String MAGIC = "STST-TENSORS-1";
	private final Map<String, long[]> shapes = new LinkedHashMap<>();
	private final Map<String, float[]> values = new LinkedHashMap<>();

	public void put(String name, long[] shape, float[] data) {
		if (Arrays.stream(shape).reduce(1, (a, b) -> a * b) != data.length)
			throw new IllegalArgumentException(name + ": " + data.length + " values for shape " + Arrays.toString(shape));
		shapes.put(name, shape.clone());
		values.put(name, data);
	}

	public Map<String, long[]> shapes() {
		return Collections.unmodifiableMap(shapes);
	}

	public float[] get(String name) {
		return values.get(name);
	}

	public int size() {
		return values.size();
	}

	/** A copy holding only the names of {@code expected}. */
	public NamedTensors subset(Map<String, long[]> expected) {
		NamedTensors t = new NamedTensors();
		for (String name : expected.keySet())
			if (values.containsKey(name)) t.put(name, shapes.get(name), values.get(name));
		return t;
	}

	/** Throws a clear error unless exactly these names with these shapes are present. */
	public void requireShapes(Map<String, long[]> expected, String what) {
		for (var e : expected.entrySet()) {
			long[] s = shapes.get(e.getKey());
			if (s == null) throw new StainNormException(what + " lacks the weights '" + e.getKey() + "'");
			if (!Arrays.equals(s, e.getValue()))
				throw new StainNormException(what + " has weights '" + e.getKey() + "' of shape " + Arrays.toString(s)
					+ " where the architecture needs " + Arrays.toString(e.getValue()));
		}
		for (String name : shapes.keySet())
			if (!expected.containsKey(name)) throw new StainNormException(what + " has unexpected weights '" + name + "'");
	}

	public void write(OutputStream stream) throws IOException {
		DataOutputStream out = new DataOutputStream(stream);
		out.writeUTF(MAGIC);
		out.writeInt(values.size());
		for (var e : values.entrySet()) {
			out.writeUTF(e.getKey());
			long[] s = shapes.get(e.getKey());
			out.writeInt(s.length);
			for (long d : s) out.writeLong(d);
			java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(4 * e.getValue().length);
			bb.asFloatBuffer().put(e.getValue());
			out.write(bb.array());
		}
		out.flush();
	}

	public static NamedTensors read(InputStream stream, String what) throws IOException {
		DataInputStream in = new DataInputStream(stream);
		String magic;
		try {
			magic = in.readUTF();
		}
		catch (IOException e) {
			throw new StainNormException(what + " is not an STST weights file (unreadable header)");
		}
		if (!MAGIC.equals(magic)) throw new StainNormException(what + " is not an STST weights file (header '" + clip(magic) + "')");
		int count = in.readInt();
		if (count < 0 || count > 100_000) throw new StainNormException(what + " is corrupt (" + count + " tensors)");
		NamedTensors t = new NamedTensors();
		for (int k = 0; k < count; k++) {
			String name = in.readUTF();
			int rank = in.readInt();
			if (rank < 0 || rank > 8) throw new StainNormException(what + " is corrupt (rank " + rank + " for " + name + ")");
			long[] shape = new long[rank];
			long n = 1;
			for (int r = 0; r < rank; r++) {
				shape[r] = in.readLong();
				if (shape[r] < 0 || shape[r] > 1 << 24) throw new StainNormException(what + " is corrupt (shape of " + name + ")");
				n *= shape[r];
			}
			if (n > 1 << 28) throw new StainNormException(what + " is corrupt (" + n + " values for " + name + ")");
			byte[] bytes = new byte[(int) (4 * n)];
			try {
				in.readFully(bytes);
			}
			catch (java.io.EOFException e) {
				throw new StainNormException(what + " is truncated (in the weights '" + name + "')");
			}
			float[] data = new float[(int) n];
			java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(data);
			for (float f : data)
				if (!Float.isFinite(f)) throw new StainNormException(what + " is corrupt (non-finite value in '" + name + "')");
			t.put(name, shape, data);
		}
		return t;
	}

	private static String clip(String s) {
		return s.length() > 30 ? s.substring(0, 30) + "..." : s;
	}
}
