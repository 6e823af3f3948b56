package sc.fiji.stainnorm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * GNU-style arguments: {@code --key value}, {@code --key=value}, repeatable options, {@code --flag}, and
 * positional arguments. Subcommands declare which options take a value and which are flags, so a typo is an
 * error instead of being silently ignored.
 */
public final class CliArgs {
	private final Map<String, List<String>> options = new LinkedHashMap<>();
	private final Set<String> flags = new TreeSet<>();
	private final List<String> positional = new ArrayList<>();

	private CliArgs() {}

	/**
	 * @param valued option names (without dashes) that take a value
	 * @param flagNames option names that take none
	 */
	public static CliArgs parse(List<String> args, Set<String> valued, Set<String> flagNames) {
		CliArgs a = new CliArgs();
		boolean onlyPositional = false;
		for (int i = 0; i < args.size(); i++) {
			String arg = args.get(i);
			if (onlyPositional || !arg.startsWith("--")) {
				a.positional.add(arg);
				continue;
			}
			if (arg.equals("--")) {
				onlyPositional = true;
				continue;
			}
			String key = arg.substring(2), value = null;
			int eq = key.indexOf('=');
			if (eq >= 0) {
				value = key.substring(eq + 1);
				key = key.substring(0, eq);
			}
			if (flagNames.contains(key)) {
				if (value != null) throw new UsageException("Option --" + key + " takes no value");
				a.flags.add(key);
			}
			else if (valued.contains(key)) {
				if (value == null) {
					if (i + 1 >= args.size()) throw new UsageException("Option --" + key + " needs a value");
					value = args.get(++i);
				}
				a.options.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
			}
			else {
				TreeSet<String> known = new TreeSet<>(valued);
				known.addAll(flagNames);
				throw new UsageException("Unknown option --" + key + " (known: --" + String.join(", --", known) + ")");
			}
		}
		return a;
	}

	public boolean flag(String name) {
		return flags.contains(name);
	}

	public List<String> all(String name) {
		return options.getOrDefault(name, List.of());
	}

	public String get(String name, String defaultValue) {
		List<String> v = all(name);
		if (v.size() > 1) throw new UsageException("Option --" + name + " given " + v.size() + " times; give it once");
		return v.isEmpty() ? defaultValue : v.get(0);
	}

	public String require(String name) {
		String v = get(name, null);
		if (v == null) throw new UsageException("Missing option --" + name);
		return v;
	}

	public Path path(String name, Path defaultValue) {
		String v = get(name, null);
		return v == null ? defaultValue : Path.of(v);
	}

	public int integer(String name, int defaultValue) {
		String v = get(name, null);
		if (v == null) return defaultValue;
		try {
			return Integer.parseInt(v);
		}
		catch (NumberFormatException e) {
			throw new UsageException("Option --" + name + " must be a whole number, got '" + v + "'");
		}
	}

	public double number(String name, double defaultValue) {
		String v = get(name, null);
		if (v == null) return defaultValue;
		try {
			double d = Double.parseDouble(v);
			if (!Double.isFinite(d)) throw new NumberFormatException();
			return d;
		}
		catch (NumberFormatException e) {
			throw new UsageException("Option --" + name + " must be a finite number, got '" + v + "'");
		}
	}

	public List<String> positional() {
		return positional;
	}
}
