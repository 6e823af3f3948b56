package sc.fiji.stainnorm.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A plain 8-bit RGB PNG (colour type 2, no interlace, no ancillary chunks) straight from packed pixels, on the
 * calling thread. One fixed row filter and a fast deflate level instead of ImageIO's writer, which filters
 * nothing ("None" on every row) at deflate level 4: for H&E patches this one is both several times faster and
 * about a third smaller. The same pixels always give the same bytes (fixed filter, fixed level, no time stamp).
 */
final class PngEncoder {
	/** The row filter of PNG's filter method 0. */
	enum Filter { NONE, SUB, UP, AVERAGE, PAETH }

	static final Filter FILTER = Filter.AVERAGE;
	static final int LEVEL = 1;
	static final int STRATEGY = Deflater.HUFFMAN_ONLY;

	private static final byte[] SIGNATURE = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

	private PngEncoder() {}

	static byte[] encode(RgbImage image) {
		return encode(image, FILTER, LEVEL, STRATEGY);
	}

	static byte[] encode(RgbImage image, Filter filter, int level, int strategy) {
		int w = image.width(), h = image.height();
		byte[] raw = filtered(image.pixels(), w, h, filter);
		Deflater deflater = new Deflater(level);
		ByteArrayOutputStream png = new ByteArrayOutputStream(raw.length / 2 + 1024);
		try {
			deflater.setStrategy(strategy);
			deflater.setInput(raw);
			deflater.finish();
			png.writeBytes(SIGNATURE);
			byte[] ihdr = new byte[13];
			putInt(ihdr, 0, w);
			putInt(ihdr, 4, h);
			ihdr[8] = 8; // bits per sample
			ihdr[9] = 2; // RGB
			chunk(png, "IHDR", ihdr, ihdr.length);
			byte[] buffer = new byte[1 << 16];
			while (!deflater.finished()) {
				int n = deflater.deflate(buffer);
				if (n > 0) chunk(png, "IDAT", buffer, n);
			}
			chunk(png, "IEND", buffer, 0);
		}
		finally {
			deflater.end();
		}
		return png.toByteArray();
	}

	/** Each row: its filter type byte, then R, G, B per pixel minus the filter's prediction, modulo 256. */
	static byte[] filtered(int[] px, int w, int h, Filter filter) {
		int stride = 3 * w + 1;
		byte[] raw = new byte[h * stride];
		byte[] prev = new byte[3 * w], cur = new byte[3 * w];
		for (int y = 0; y < h; y++) {
			for (int x = 0, i = y * w; x < w; x++, i++) {
				int v = px[i];
				cur[3 * x] = (byte) (v >> 16);
				cur[3 * x + 1] = (byte) (v >> 8);
				cur[3 * x + 2] = (byte) v;
			}
			int o = y * stride;
			raw[o++] = (byte) filter.ordinal();
			switch (filter) {
				case NONE -> System.arraycopy(cur, 0, raw, o, cur.length);
				case SUB -> {
					for (int k = 0; k < 3; k++) raw[o + k] = cur[k];
					for (int k = 3; k < cur.length; k++) raw[o + k] = (byte) (cur[k] - cur[k - 3]);
				}
				case UP -> {
					for (int k = 0; k < cur.length; k++) raw[o + k] = (byte) (cur[k] - prev[k]);
				}
				case AVERAGE -> {
					for (int k = 0; k < 3; k++) raw[o + k] = (byte) (cur[k] - ((prev[k] & 0xFF) >> 1));
					for (int k = 3; k < cur.length; k++) raw[o + k] = (byte) (cur[k] - (((cur[k - 3] & 0xFF) + (prev[k] & 0xFF)) >> 1));
				}
				case PAETH -> {
					for (int k = 0; k < 3; k++) raw[o + k] = (byte) (cur[k] - prev[k]); // left and upper-left are 0: Paeth picks up
					for (int k = 3; k < cur.length; k++) {
						int a = cur[k - 3] & 0xFF, b = prev[k] & 0xFF, c = prev[k - 3] & 0xFF;
						int pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
						int predicted = pa <= pb ? (pa <= pc ? a : c) : (pb <= pc ? b : c); // same choice as the spec's, fewer branches
						raw[o + k] = (byte) (cur[k] - predicted);
					}
				}
			}
			byte[] t = prev;
			prev = cur;
			cur = t;
		}
		return raw;
	}

	private static void chunk(ByteArrayOutputStream out, String type, byte[] data, int length) {
		byte[] head = new byte[8];
		putInt(head, 0, length);
		byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
		System.arraycopy(typeBytes, 0, head, 4, 4);
		out.write(head, 0, 8);
		out.write(data, 0, length);
		CRC32 crc = new CRC32();
		crc.update(typeBytes);
		crc.update(data, 0, length);
		byte[] tail = new byte[4];
		putInt(tail, 0, (int) crc.getValue());
		out.write(tail, 0, 4);
	}

	private static void putInt(byte[] b, int at, int v) {
		b[at] = (byte) (v >>> 24);
		b[at + 1] = (byte) (v >>> 16);
		b[at + 2] = (byte) (v >>> 8);
		b[at + 3] = (byte) v;
	}
}
