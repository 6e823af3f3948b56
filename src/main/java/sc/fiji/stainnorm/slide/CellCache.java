package sc.fiji.stainnorm.slide;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongFunction;

/**
 * A bounded, thread-safe cache of computed cells keyed by their index: at most {@code capacity} cells are kept (the
 * least recently used one is dropped first), and a cell asked for by several threads at once is computed once. This
 * is what bounds the memory of a cell image over a whole slide: its size never depends on the slide's.
 */
public final class CellCache<V> {
	private final int capacity;
	private final LongFunction<V> compute;
	private final LinkedHashMap<Long, CompletableFuture<V>> cells;

	/**
	 * @param capacity cells kept at most (≥ 1)
	 * @param compute computes the cell of an index; an unchecked exception it throws reaches every caller waiting for
	 *                that cell, and the cell is not kept, so a later call tries again
	 */
	public CellCache(int capacity, LongFunction<V> compute) {
		if (capacity < 1) throw new IllegalArgumentException("cache capacity " + capacity + " must be at least 1");
		this.capacity = capacity;
		this.compute = compute;
		this.cells = new LinkedHashMap<>(16, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<Long, CompletableFuture<V>> eldest) {
				return size() > CellCache.this.capacity;
			}
		};
	}

	public V get(long index) {
		CompletableFuture<V> cell, mine = null;
		synchronized (cells) {
			cell = cells.get(index);
			if (cell == null) {
				mine = new CompletableFuture<>();
				cells.put(index, mine);
				cell = mine;
			}
		}
		if (mine != null) {
			try {
				mine.complete(compute.apply(index));
			}
			catch (RuntimeException | Error e) {
				synchronized (cells) {
					cells.remove(index, mine);
				}
				mine.completeExceptionally(e);
				throw e;
			}
		}
		try {
			return cell.get();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for cell " + index, e);
		}
		catch (ExecutionException e) {
			Throwable cause = e.getCause();
			if (cause instanceof RuntimeException r) throw r;
			if (cause instanceof Error err) throw err;
			throw new IllegalStateException(cause);
		}
	}

	/** Cells held now (at most the capacity). */
	public int size() {
		synchronized (cells) {
			return cells.size();
		}
	}

	public int capacity() {
		return capacity;
	}
}
