package sc.fiji.stainnorm.normalize;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

import sc.fiji.stainnorm.core.InvalidSettingException;

/**
 * A method's settings as {@code key=value} strings (from the command line or a macro), read with typed
 * getters that name the key in their error messages. Keys nobody read are reported as typos.
 */
public final class MethodOptions {
	private final Map<String, String> values;
	private final TreeSet<String> read = new TreeSet<>();
	/** Each key asked for, with the default its method gave (null: none), in the order asked. */
	private final Map<String, String> defaults = new LinkedHashMap<>();

	public MethodOptions(Map<String, String> values) {
		this.values = new LinkedHashMap<>(values);
	}

	public static MethodOptions none() {
		return new MethodOptions(Map.of());
	}

	/** Parses {@code "io=240,beta=0.15"}; an empty or null string gives no options. */
	public static MethodOptions parse(String text) {
		Map<String, String> m = new LinkedHashMap<>();
		if (text != null)
			for (String part : text.split(",")) {
				if (part.isBlank()) continue;
				int eq = part.indexOf('=');
				if (eq <= 0) throw new InvalidSettingException("Method option '" + part.trim() + "' is not of the form key=value");
				m.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
			}
		return new MethodOptions(m);
	}

	/** A copy with one more setting (replacing an earlier value of the same key). */
	public MethodOptions with(String key, String value) {
		Map<String, String> m = new LinkedHashMap<>(values);
		m.put(key, value);
		return new MethodOptions(m);
	}

	public String getString(String key, String defaultValue) {
		read.add(key);
		defaults.putIfAbsent(key, defaultValue);
		return values.getOrDefault(key, defaultValue);
	}

	public double getDouble(String key, double defaultValue) {
		defaults.putIfAbsent(key, defaultValue == Math.rint(defaultValue) && Math.abs(defaultValue) < 1e15
			? Long.toString((long) defaultValue) : Double.toString(defaultValue));
		String v = getString(key, null);
		if (v == null) return defaultValue;
		try {
			double d = Double.parseDouble(v);
			if (!Double.isFinite(d)) throw new NumberFormatException();
			return d;
		}
		catch (NumberFormatException e) {
			throw new InvalidSettingException("Option " + key + "=" + v + " is not a finite number");
		}
	}

	public int getInt(String key, int defaultValue) {
		defaults.putIfAbsent(key, Integer.toString(defaultValue));
		String v = getString(key, null);
		if (v == null) return defaultValue;
		try {
			return Integer.parseInt(v);
		}
		catch (NumberFormatException e) {
			throw new InvalidSettingException("Option " + key + "=" + v + " is not a whole number");
		}
	}

	public boolean getBoolean(String key, boolean defaultValue) {
		defaults.putIfAbsent(key, Boolean.toString(defaultValue));
		String v = getString(key, null);
		if (v == null) return defaultValue;
		if (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes")) return true;
		if (v.equalsIgnoreCase("false") || v.equals("0") || v.equalsIgnoreCase("no")) return false;
		throw new InvalidSettingException("Option " + key + "=" + v + " must be true or false");
	}

	/** The keys that were read, each with its default (null where the method has none), in the order read. */
	Map<String, String> defaults() {
		return new LinkedHashMap<>(defaults);
	}

	void rejectUnused(String method) {
		TreeSet<String> unknown = new TreeSet<>(values.keySet());
		unknown.removeAll(read);
		if (!unknown.isEmpty())
			throw new InvalidSettingException("Method " + method + " has no option " + String.join(", ", unknown)
				+ (read.isEmpty() ? " (it takes none)" : "; it takes " + String.join(", ", read)));
	}
}
