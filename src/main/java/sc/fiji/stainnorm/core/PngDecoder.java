package sc.fiji.stainnorm.core;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The common PNG, decoded without Image I/O's per-file set-up: 8-bit RGB or RGBA (colour types 2 and 6), not
 * interlaced, without a {@code tRNS} chunk, every chunk's CRC right, the image data complete up to {@code IEND}, and
 * (RGBA) alpha 255 everywhere. Anything else, and anything wrong, gives null, and the caller decodes the file with
 * Image I/O as before, which converts, refuses or reports it with its own messages: this path only speeds up files
 * that Image I/O would have read to exactly the same pixels (the sample values, as for every other image here).
 */
final class PngDecoder {
	private static final byte[] SIGNATURE = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
	private static final int IHDR = type("IHDR"), IDAT = type("IDAT"), IEND = type("IEND"), TRNS = type("tRNS");

	private PngDecoder() {}

	/** The pixels, or null when the file is not the plain case above (the caller then uses Image I/O). */
	static RgbImage decode(byte[] file) {
		try {
			return decodeOrNull(file);
		}
		catch (DataFormatException | RuntimeException e) {
			return null;
		}
	}

	private static RgbImage decodeOrNull(byte[] b) throws DataFormatException {
		if (b.length < 8 + 25) return null;
		for (int i = 0; i < 8; i++)
			if (b[i] != SIGNATURE[i]) return null;
		int pos = 8;
		int w = -1, h = -1, channels = 0;
		byte[] raw = null;
		Inflater inflater = null;
		int filled = 0;
		boolean ended = false;
		CRC32 crc = new CRC32();
		try {
			while (pos + 12 <= b.length) {
				int length = readInt(b, pos), type = readInt(b, pos + 4);
				if (length < 0 || pos + 12L + length > b.length) return null;
				crc.reset();
				crc.update(b, pos + 4, 4 + length);
				if ((int) crc.getValue() != readInt(b, pos + 8 + length)) return null;
				int data = pos + 8;
				if (pos == 8) {
					if (type != IHDR || length != 13) return null;
					w = readInt(b, data);
					h = readInt(b, data + 4);
					int depth = b[data + 8], colour = b[data + 9], compression = b[data + 10], filter = b[data + 11], interlace = b[data + 12];
					if (depth != 8 || (colour != 2 && colour != 6) || compression != 0 || filter != 0 || interlace != 0) return null;
					if (w < 1 || h < 1 || (long) w * h > Integer.MAX_VALUE / 5) return null;
					channels = colour == 2 ? 3 : 4;
					raw = new byte[h * (w * channels + 1)];
					inflater = new Inflater();
				}
				else if (type == TRNS) return null;
				else if (type == IDAT) {
					if (inflater.finished()) return null; // data after the end of the compressed stream
					inflater.setInput(b, data, length);
					while (!inflater.needsInput() && !inflater.finished()) {
						int n = inflater.inflate(raw, filled, raw.length - filled);
						filled += n;
						if (n == 0 && (inflater.needsDictionary() || filled == raw.length)) break;
					}
				}
				else if (type == IEND) {
					ended = true;
					break;
				}
				pos += 12 + length;
			}
			if (!ended || inflater == null || !inflater.finished() || filled != raw.length || inflater.getRemaining() > 0) return null;
		}
		finally {
			if (inflater != null) inflater.end();
		}
		return unfilter(raw, w, h, channels);
	}

	/** Undoes each row's filter in place and packs the pixels; null on an unknown filter type or translucent pixels. */
	private static RgbImage unfilter(byte[] raw, int w, int h, int bpp) {
		int stride = w * bpp + 1;
		int[] px = new int[w * h];
		for (int y = 0; y < h; y++) {
			int row = y * stride + 1, up = row - stride, filter = raw[row - 1];
			int n = w * bpp;
			switch (filter) {
				case 0 -> {}
				case 1 -> {
					for (int k = bpp; k < n; k++) raw[row + k] += raw[row + k - bpp];
				}
				case 2 -> {
					if (y > 0) for (int k = 0; k < n; k++) raw[row + k] += raw[up + k];
				}
				case 3 -> {
					for (int k = 0; k < n; k++) {
						int left = k >= bpp ? raw[row + k - bpp] & 0xFF : 0, above = y > 0 ? raw[up + k] & 0xFF : 0;
						raw[row + k] += (byte) ((left + above) >> 1);
					}
				}
				case 4 -> {
					for (int k = 0; k < n; k++) {
						int a = k >= bpp ? raw[row + k - bpp] & 0xFF : 0, bb = y > 0 ? raw[up + k] & 0xFF : 0,
							c = k >= bpp && y > 0 ? raw[up + k - bpp] & 0xFF : 0;
						int pa = Math.abs(bb - c), pb = Math.abs(a - c), pc = Math.abs(a + bb - 2 * c);
						raw[row + k] += (byte) (pa <= pb ? (pa <= pc ? a : c) : (pb <= pc ? bb : c));
					}
				}
				default -> {
					return null;
				}
			}
			for (int x = 0, k = row, i = y * w; x < w; x++, k += bpp, i++) {
				if (bpp == 4 && raw[k + 3] != (byte) 0xFF) return null; // translucent: Image I/O's path refuses it, naming the count
				px[i] = 0xFF000000 | (raw[k] & 0xFF) << 16 | (raw[k + 1] & 0xFF) << 8 | (raw[k + 2] & 0xFF);
			}
		}
		return RgbImage.wrap(w, h, px);
	}

	private static int readInt(byte[] b, int at) {
		return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
	}

	private static int type(String name) {
		return readInt(name.getBytes(StandardCharsets.US_ASCII), 0);
	}
}
