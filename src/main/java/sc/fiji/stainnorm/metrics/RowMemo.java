package sc.fiji.stainnorm.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Intermediate results shared by the metrics of one table row (the RGB planes of both images, sewar's sliding error
 * maps), remembered on the calling thread while {@link Metrics#computeRow} runs and computed afresh otherwise. Keys
 * hold their inputs by identity; the shared arrays must not be modified by their users.
 */
final class RowMemo {
	private static final ThreadLocal<Map<Key, Object>> CURRENT = new ThreadLocal<>();

	private RowMemo() {}

	/** A tag and up to two inputs, compared by identity. */
	private record Key(String tag, Object first, Object second) {
		@Override
		public boolean equals(Object o) {
			return o instanceof Key k && k.tag.equals(tag) && k.first == first && k.second == second;
		}

		@Override
		public int hashCode() {
			return (tag.hashCode() * 31 + System.identityHashCode(first)) * 31 + System.identityHashCode(second);
		}
	}

	/** Runs {@code body} with a fresh memo on this thread (nested calls share the outer one). */
	static <T> T within(Supplier<T> body) {
		if (CURRENT.get() != null) return body.get();
		CURRENT.set(new HashMap<>());
		try {
			return body.get();
		}
		finally {
			CURRENT.remove();
		}
	}

	/** The remembered value for the tag and inputs, computed on first use; without a memo simply computed. */
	@SuppressWarnings("unchecked")
	static <T> T get(String tag, Object first, Object second, Supplier<T> compute) {
		Map<Key, Object> memo = CURRENT.get();
		if (memo == null) return compute.get();
		Key key = new Key(tag, first, second);
		Object value = memo.get(key);
		if (value == null) {
			value = compute.get(); // not computeIfAbsent: computing one value may look up another
			memo.put(key, value);
		}
		return (T) value;
	}
}
