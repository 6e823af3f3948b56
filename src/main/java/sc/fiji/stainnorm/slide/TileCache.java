package sc.fiji.stainnorm.slide;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recently used decoded tiles of one slide, bounded by their bytes (least recently used out first), safe for
 * several threads. Decoding runs outside the lock, so threads decode different tiles in parallel; two threads asking
 * for the same missing tile at once may both decode it (the same pixels), which is cheaper than making one wait.
 * The cached arrays are never handed out: readers copy from them.
 */
final class TileCache {
	interface Decoder {
		int[] decode() throws IOException;
	}

	record Key(int level, long tile) {}

	private final long maxBytes;
	private long bytes;
	private final LinkedHashMap<Key, int[]> tiles = new LinkedHashMap<>(64, 0.75f, true);

	TileCache(long maxBytes) {
		this.maxBytes = Math.max(0, maxBytes);
	}

	int[] get(Key key, Decoder decoder) throws IOException {
		synchronized (this) {
			int[] hit = tiles.get(key);
			if (hit != null) return hit;
		}
		int[] tile = decoder.decode();
		long size = 4L * tile.length;
		if (size > maxBytes) return tile;
		synchronized (this) {
			int[] before = tiles.put(key, tile);
			if (before != null) bytes -= 4L * before.length;
			bytes += size;
			for (Iterator<Map.Entry<Key, int[]>> it = tiles.entrySet().iterator(); bytes > maxBytes && it.hasNext();) {
				Map.Entry<Key, int[]> eldest = it.next();
				if (eldest.getKey().equals(key)) continue;
				bytes -= 4L * eldest.getValue().length;
				it.remove();
			}
		}
		return tile;
	}

	synchronized long bytes() {
		return bytes;
	}

	synchronized void clear() {
		tiles.clear();
		bytes = 0;
	}
}
