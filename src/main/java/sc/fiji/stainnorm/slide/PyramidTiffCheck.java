package sc.fiji.stainnorm.slide;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a finished pyramid back from the disk before it gets its name, as a reader would: the header, the chain of
 * directories, each directory's size, tile size, tile offsets and byte counts (they must be the ones written, and every
 * tile must lie inside the file), and the first and last tile of every level decoded. Throws on the first difference.
 */
final class PyramidTiffCheck {
	private PyramidTiffCheck() {}

	static void verify(Path file, boolean big, PyramidTiffWriter.Level[] levels, TileCodec codec) throws IOException {
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
			long size = ch.size();
			ByteBuffer h = read(ch, 0, big ? 16 : 8);
			if (h.get(0) != 'I' || h.get(1) != 'I' || h.getShort(2) != (big ? 43 : 42))
				throw new IOException("the written file's header is not a little-endian " + (big ? "BigTIFF" : "TIFF") + " header");
			long ifd = big ? h.getLong(8) : h.getInt(4) & 0xFFFFFFFFL;
			for (PyramidTiffWriter.Level l : levels) {
				if (ifd <= 0 || ifd >= size) throw new IOException("the written file has " + l.index + " directories instead of " + levels.length);
				Map<Integer, long[]> tags = new HashMap<>();
				ifd = directory(ch, ifd, big, size, tags);
				check(tags, TiffDirectory.IMAGE_WIDTH, l, l.width);
				check(tags, TiffDirectory.IMAGE_LENGTH, l, l.height);
				check(tags, TiffDirectory.TILE_WIDTH, l, l.tile);
				check(tags, TiffDirectory.TILE_LENGTH, l, l.tile);
				check(tags, TiffDirectory.NEW_SUBFILE_TYPE, l, l.index == 0 ? 0 : 1);
				long[] offsets = tags.get(TiffDirectory.TILE_OFFSETS), counts = tags.get(TiffDirectory.TILE_BYTE_COUNTS);
				if (!Arrays.equals(offsets, l.offsets) || !Arrays.equals(counts, l.counts))
					throw new IOException("level " + l.index + "'s tile table reads back different from what was written");
				for (int i = 0; i < offsets.length; i++)
					if (counts[i] <= 0 || offsets[i] < (big ? 16 : 8) || offsets[i] + counts[i] > size)
						throw new IOException("level " + l.index + "'s tile " + i + " lies outside the file");
				for (int i : new int[] { 0, offsets.length - 1 }) {
					byte[] tile = new byte[(int) counts[i]];
					read(ch, offsets[i], tile.length).get(tile);
					codec.decode(tile);
				}
			}
			if (ifd != 0) throw new IOException("the written file has more directories than the " + levels.length + " levels");
		}
	}

	private static void check(Map<Integer, long[]> tags, int tag, PyramidTiffWriter.Level l, long expected) throws IOException {
		long[] v = tags.get(tag);
		if (v == null || v.length != 1 || v[0] != expected)
			throw new IOException("level " + l.index + "'s tag " + tag + " reads back as " + Arrays.toString(v) + " instead of " + expected);
	}

	/** Reads the numeric tags of the directory at {@code at} into {@code tags}; returns the next directory's offset. */
	private static long directory(FileChannel ch, long at, boolean big, long size, Map<Integer, long[]> tags) throws IOException {
		long n = big ? read(ch, at, 8).getLong() : read(ch, at, 2).getShort() & 0xFFFF;
		int entry = big ? 20 : 12;
		if (n <= 0 || n > 1000 || at + n * entry > size) throw new IOException("a directory of the written file is damaged");
		ByteBuffer b = read(ch, at + (big ? 8 : 2), (int) n * entry + (big ? 8 : 4));
		for (int i = 0; i < n; i++) {
			int p = i * entry;
			int tag = b.getShort(p) & 0xFFFF, type = b.getShort(p + 2) & 0xFFFF;
			long count = big ? b.getLong(p + 4) : b.getInt(p + 4) & 0xFFFFFFFFL;
			int width = switch (type) {
				case TiffDirectory.SHORT -> 2;
				case TiffDirectory.LONG -> 4;
				case TiffDirectory.LONG8 -> 8;
				default -> 0; // text and rationals are not checked here
			};
			if (width == 0) continue;
			long bytes = count * width;
			if (count > 10_000_000) throw new IOException("tag " + tag + " of the written file is damaged");
			ByteBuffer v;
			if (bytes <= (big ? 8 : 4)) v = b.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(p + (big ? 12 : 8)).slice().order(ByteOrder.LITTLE_ENDIAN);
			else v = read(ch, big ? b.getLong(p + 12) : b.getInt(p + 8) & 0xFFFFFFFFL, (int) bytes);
			long[] values = new long[(int) count];
			for (int k = 0; k < count; k++)
				values[k] = switch (width) {
					case 2 -> v.getShort(k * 2) & 0xFFFF;
					case 4 -> v.getInt(k * 4) & 0xFFFFFFFFL;
					default -> v.getLong(k * 8);
				};
			tags.put(tag, values);
		}
		int next = (int) n * entry;
		return big ? b.getLong(next) : b.getInt(next) & 0xFFFFFFFFL;
	}

	private static ByteBuffer read(FileChannel ch, long at, int length) throws IOException {
		ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
		while (b.hasRemaining())
			if (ch.read(b, at + b.position()) < 0) throw new IOException("the written file ends early (at " + (at + b.position()) + ")");
		return b.flip().order(ByteOrder.LITTLE_ENDIAN);
	}
}
