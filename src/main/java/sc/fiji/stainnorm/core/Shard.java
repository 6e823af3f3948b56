package sc.fiji.stainnorm.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Part {@code index} of {@code count} of a sorted list, so that a cluster job array splits a folder without
 * overlap: shard 1/4 takes items 0, 4, 8, ..., shard 2/4 items 1, 5, 9, ... Numbered from 1 (SLURM:
 * {@code --array=1-4} and {@code shard=$SLURM_ARRAY_TASK_ID/4}).
 */
public record Shard(int index, int count) {
	public static final Shard ALL = new Shard(1, 1);

	public Shard {
		if (count < 1 || index < 1 || index > count)
			throw new InvalidSettingException("Shard " + index + "/" + count + " is invalid: use i/n with 1 <= i <= n");
	}

	/** Parses "i/n"; null or empty means all. */
	public static Shard parse(String text) {
		if (text == null || text.isBlank()) return ALL;
		String[] parts = text.trim().split("/");
		try {
			if (parts.length == 2) return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
		}
		catch (NumberFormatException e) {
			// fall through to the message below
		}
		throw new InvalidSettingException("Shard '" + text + "' is not of the form i/n (e.g. 2/8)");
	}

	public <T> List<T> select(List<T> items) {
		List<T> out = new ArrayList<>();
		for (int i = index - 1; i < items.size(); i += count)
			out.add(items.get(i));
		return out;
	}

	@Override
	public String toString() {
		return index + "/" + count;
	}
}
