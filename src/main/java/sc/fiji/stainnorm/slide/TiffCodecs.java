package sc.fiji.stainnorm.slide;

import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The lossless TIFF codecs (LZW, deflate, PackBits, the horizontal predictor) and the colour and stream helpers of
 * JPEG-in-TIFF. Each decoder fills exactly the expected number of bytes or throws: a short tile is an error, never
 * padded.
 */
final class TiffCodecs {
	private TiffCodecs() {}

	/** TIFF LZW (MSB-first codes of 9 to 12 bits, the code width grows one code early, as every writer does). */
	static void lzw(byte[] in, byte[] out) throws IOException {
		int[] prefix = new int[4096];
		byte[] suffix = new byte[4096], first = new byte[4096];
		int[] length = new int[4096];
		for (int i = 0; i < 256; i++) {
			suffix[i] = (byte) i;
			first[i] = (byte) i;
			length[i] = 1;
			prefix[i] = -1;
		}
		int next = 258, bits = 9, old = -1, pos = 0, op = 0, bitCount = 0;
		long bitBuffer = 0;
		while (op < out.length) {
			while (bitCount < bits) {
				if (pos >= in.length) throw new IOException("LZW data ends after " + op + " of " + out.length + " bytes");
				bitBuffer = (bitBuffer << 8) | (in[pos++] & 0xFF);
				bitCount += 8;
			}
			int code = (int) (bitBuffer >>> (bitCount - bits)) & ((1 << bits) - 1);
			bitCount -= bits;
			if (code == 257) break;
			if (code == 256) {
				next = 258;
				bits = 9;
				old = -1;
				continue;
			}
			if (old == -1) {
				if (code > 255) throw new IOException("LZW code " + code + " right after a clear code");
				out[op++] = (byte) code;
				old = code;
				continue;
			}
			int emit;
			if (code < next) {
				emit = code;
				if (next < 4096) add(prefix, suffix, first, length, next++, old, first[code]);
			}
			else if (code == next && next < 4096) {
				add(prefix, suffix, first, length, next++, old, first[old]);
				emit = code;
			}
			else throw new IOException("LZW code " + code + " is not yet defined (next free code " + next + ")");
			int len = Math.min(length[emit], out.length - op);
			int c = emit;
			for (int skip = length[emit] - len; skip > 0; skip--) c = prefix[c];
			for (int i = op + len - 1; i >= op; i--) {
				out[i] = suffix[c];
				c = prefix[c];
			}
			op += len;
			old = code;
			if (next == (1 << bits) - 1 && bits < 12) bits++;
		}
		if (op < out.length) throw new IOException("LZW data ends after " + op + " of " + out.length + " bytes");
	}

	private static void add(int[] prefix, byte[] suffix, byte[] first, int[] length, int code, int before, byte last) {
		prefix[code] = before;
		suffix[code] = last;
		first[code] = first[before];
		length[code] = length[before] + 1;
	}

	/** zlib (Adobe deflate, compression 8, and the old code 32946). */
	static void inflate(byte[] in, byte[] out) throws IOException {
		Inflater inflater = new Inflater();
		try {
			inflater.setInput(in);
			int op = 0;
			while (op < out.length) {
				int n = inflater.inflate(out, op, out.length - op);
				op += n;
				if (n == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary()))
					break;
			}
			if (op < out.length) throw new IOException("deflate data ends after " + op + " of " + out.length + " bytes");
			// zlib's checksum comes after the last byte: read on, so that damaged data is not taken for pixels
			if (!inflater.finished() && inflater.inflate(new byte[1]) > 0)
				throw new IOException("deflate data holds more than the " + out.length + " bytes of the tile");
		}
		catch (DataFormatException e) {
			throw new IOException("deflate data is damaged (" + e.getMessage() + ")");
		}
		finally {
			inflater.end();
		}
	}

	/** PackBits (Apple's run-length code, compression 32773). */
	static void packBits(byte[] in, byte[] out) throws IOException {
		int pos = 0, op = 0;
		while (op < out.length && pos < in.length) {
			int n = in[pos++];
			if (n >= 0) {
				int count = Math.min(n + 1, out.length - op);
				if (pos + count > in.length) break;
				System.arraycopy(in, pos, out, op, count);
				pos += n + 1;
				op += count;
			}
			else if (n != -128) {
				if (pos >= in.length) break;
				byte b = in[pos++];
				for (int i = Math.min(1 - n, out.length - op); i > 0; i--) out[op++] = b;
			}
		}
		if (op < out.length) throw new IOException("PackBits data ends after " + op + " of " + out.length + " bytes");
	}

	/** Undoes the horizontal predictor (2) of 8-bit chunky samples: each sample was stored as its difference to the one left of it. */
	static void undoHorizontalPredictor(byte[] b, int rowBytes, int rows, int samples) {
		for (int r = 0; r < rows; r++)
			for (int i = r * rowBytes + samples, end = (r + 1) * rowBytes; i < end; i++)
				b[i] += b[i - samples];
	}

	/**
	 * An abbreviated JPEG stream made whole: the tables of the JPEGTables tag (SOI, tables, EOI) before the tile's
	 * own stream (SOI, frame, scan, EOI), without the tables' EOI and the tile's SOI.
	 */
	static byte[] spliceTables(byte[] tables, byte[] tile) {
		if (tables == null || tables.length < 4 || tile.length < 2) return tile;
		int tablesEnd = tables.length;
		if ((tables[tablesEnd - 2] & 0xFF) == 0xFF && (tables[tablesEnd - 1] & 0xFF) == 0xD9) tablesEnd -= 2;
		int tileStart = (tile[0] & 0xFF) == 0xFF && (tile[1] & 0xFF) == 0xD8 ? 2 : 0;
		byte[] out = new byte[tablesEnd + tile.length - tileStart];
		System.arraycopy(tables, 0, out, 0, tablesEnd);
		System.arraycopy(tile, tileStart, out, tablesEnd, tile.length - tileStart);
		return out;
	}

	private static final int[] CR_R = new int[256], CB_B = new int[256], CR_G = new int[256], CB_G = new int[256];
	static {
		// libjpeg's jdcolor.c, to the bit: the same integer arithmetic as the decoders that wrote and check our files
		int scale = 16, half = 1 << (scale - 1);
		for (int i = 0; i < 256; i++) {
			int x = i - 128;
			CR_R[i] = (fix(1.40200) * x + half) >> scale;
			CB_B[i] = (fix(1.77200) * x + half) >> scale;
			CR_G[i] = -fix(0.71414) * x;
			CB_G[i] = -fix(0.34414) * x + half;
		}
	}

	private static int fix(double v) {
		return (int) (v * (1 << 16) + 0.5);
	}

	/** One YCbCr (ITU-R BT.601, full range, as JPEG defines it) pixel as packed RGB. */
	static int ycbcrToRgb(int y, int cb, int cr) {
		int r = clamp(y + CR_R[cr]), g = clamp(y + ((CB_G[cb] + CR_G[cr]) >> 16)), b = clamp(y + CB_B[cb]);
		return 0xFF000000 | r << 16 | g << 8 | b;
	}

	private static int clamp(int v) {
		return v < 0 ? 0 : v > 255 ? 255 : v;
	}
}
