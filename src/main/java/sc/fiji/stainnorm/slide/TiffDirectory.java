package sc.fiji.stainnorm.slide;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One TIFF image file directory as bytes (little-endian, classic TIFF or BigTIFF): the entries sorted by tag, and
 * the values that do not fit in an entry placed after the directory, each on a word boundary.
 */
final class TiffDirectory {
	static final int ASCII = 2, SHORT = 3, LONG = 4, RATIONAL = 5, LONG8 = 16;

	static final int NEW_SUBFILE_TYPE = 254, IMAGE_WIDTH = 256, IMAGE_LENGTH = 257, BITS_PER_SAMPLE = 258, COMPRESSION = 259,
		PHOTOMETRIC = 262, IMAGE_DESCRIPTION = 270, SAMPLES_PER_PIXEL = 277, X_RESOLUTION = 282, Y_RESOLUTION = 283,
		PLANAR_CONFIGURATION = 284, RESOLUTION_UNIT = 296, SOFTWARE = 305, PREDICTOR = 317, TILE_WIDTH = 322, TILE_LENGTH = 323,
		TILE_OFFSETS = 324, TILE_BYTE_COUNTS = 325, YCBCR_SUBSAMPLING = 530;

	/** A value list: numbers (for RATIONAL, numerator and denominator pairs) or ASCII text. */
	record Entry(int tag, int type, long[] values, byte[] text) {
		long count() {
			return type == ASCII ? text.length : type == RATIONAL ? values.length / 2 : values.length;
		}

		int byteSize() {
			long n = count();
			return (int) (n * switch (type) {
				case ASCII -> 1;
				case SHORT -> 2;
				case LONG -> 4;
				default -> 8;
			});
		}
	}

	private final List<Entry> entries = new ArrayList<>();
	private final boolean big;

	TiffDirectory(boolean big) {
		this.big = big;
	}

	TiffDirectory add(int tag, int type, long... values) {
		entries.add(new Entry(tag, type, values, null));
		return this;
	}

	TiffDirectory ascii(int tag, String text) {
		byte[] b = (text + "\0").getBytes(StandardCharsets.ISO_8859_1);
		entries.add(new Entry(tag, ASCII, null, b));
		return this;
	}

	private int entrySize() {
		return big ? 20 : 12;
	}

	private int inlineSize() {
		return big ? 8 : 4;
	}

	/** The directory's size in bytes, out-of-line values included, rounded up to a word. */
	long size() {
		long n = (big ? 8 : 2) + (long) entries.size() * entrySize() + (big ? 8 : 4);
		for (Entry e : entries)
			if (e.byteSize() > inlineSize()) n += e.byteSize() + (e.byteSize() & 1);
		return n + (n & 1);
	}

	/** The bytes of this directory placed at {@code position}, pointing to the next directory at {@code next} (0: none). */
	byte[] encode(long position, long next) {
		if ((position & 1) != 0) throw new IllegalArgumentException("a TIFF directory must start on a word boundary");
		entries.sort(Comparator.comparingInt(Entry::tag));
		ByteBuffer b = ByteBuffer.allocate((int) size()).order(ByteOrder.LITTLE_ENDIAN);
		long extra = position + (big ? 8 : 2) + (long) entries.size() * entrySize() + (big ? 8 : 4);
		ByteBuffer out = ByteBuffer.allocate((int) (size() - (extra - position))).order(ByteOrder.LITTLE_ENDIAN);
		if (big) b.putLong(entries.size());
		else b.putShort((short) entries.size());
		for (Entry e : entries) {
			b.putShort((short) e.tag()).putShort((short) e.type());
			if (big) b.putLong(e.count());
			else b.putInt((int) e.count());
			if (e.byteSize() <= inlineSize()) {
				int start = b.position();
				putValues(b, e);
				while (b.position() < start + inlineSize())
					b.put((byte) 0);
			}
			else {
				long at = extra + out.position();
				if (big) b.putLong(at);
				else b.putInt((int) checkedOffset(at));
				putValues(out, e);
				if ((out.position() & 1) != 0) out.put((byte) 0);
			}
		}
		if (big) b.putLong(next);
		else b.putInt((int) checkedOffset(next));
		b.put(out.array(), 0, out.position());
		return b.array();
	}

	private static long checkedOffset(long at) {
		if (at > 0xFFFFFFFFL) throw new IllegalStateException("offset " + at + " does not fit a classic TIFF");
		return at;
	}

	private static void putValues(ByteBuffer b, Entry e) {
		switch (e.type()) {
			case ASCII -> b.put(e.text());
			case SHORT -> {
				for (long v : e.values())
					b.putShort((short) v);
			}
			case LONG, RATIONAL -> {
				for (long v : e.values())
					b.putInt((int) v);
			}
			case LONG8 -> {
				for (long v : e.values())
					b.putLong(v);
			}
			default -> throw new IllegalArgumentException("TIFF type " + e.type());
		}
	}
}
