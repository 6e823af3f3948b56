package sc.fiji.stainnorm.normalize;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * A stain profile: what a classical method learned from its reference images (its fitted target), saved as a small
 * text file ({@code NAME.stainprofile}) that replaces the reference images later and elsewhere. Format: UTF-8
 * {@code key = value} lines, {@code #} comments; {@code format}, {@code version}, {@code method} and {@code options}
 * (the method settings it was fitted with), then the target's numbers as {@code target.NAME = x y z ...} in full
 * precision, so that loading gives bit-identical normalizations. Files of another format, a newer version, another
 * method or with missing or malformed numbers are refused with one line naming the file.
 */
public final class StainProfile {
	public static final String EXTENSION = ".stainprofile";
	public static final String FORMAT = "stainnorm-stainprofile";
	public static final int VERSION = 1;
	/** The numbers each method's target holds, and how many of each (for validation). */
	private static final Map<String, Map<String, Integer>> SHAPES = Map.of(
		"reinhard", Map.of("mean", 3, "std", 3, "pixels", 1, "glass", 3),
		"macenko", Map.of("vectors", 6, "max_concentrations", 2),
		"vahadane", Map.of("vectors", 6, "max_concentrations", 2, "glass", 3),
		"khan", Map.of("vectors", 9, "percentiles_h", 99, "percentiles_e", 99, "glass", 3));
	/** Numbers that profiles of an earlier release lack (Reinhard's glass level, for glass=reference): read when present. */
	private static final Map<String, java.util.Set<String>> OPTIONAL = Map.of("reinhard", java.util.Set.of("glass"));
	private static final long MAX_BYTES = 1 << 20;

	/** A profile as read: the method, its fitting options, the target. */
	public record Contents(String method, String options, Map<String, double[]> target) {}

	private StainProfile() {}

	public static boolean isProfile(Path path) {
		return path.getFileName() != null && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(EXTENSION);
	}

	/** The methods that can save and load profiles (those that learn from reference images, except STST). */
	public static List<String> methods() {
		return List.of("reinhard", "macenko", "khan", "vahadane");
	}

	/** The fitted target of a classical normalizer. */
	public static Map<String, double[]> targetOf(StainNormalizer fitted) {
		if (fitted instanceof Reinhard r) return r.exportTarget();
		if (fitted instanceof Macenko m) return m.exportTarget();
		if (fitted instanceof Vahadane v) return v.exportTarget();
		if (fitted instanceof Khan k) return k.exportTarget();
		throw new InvalidSettingException("Method " + fitted.name() + " has no stain profile (only " + String.join(", ", methods()) + " have)");
	}

	/** Saves a fitted normalizer's target atomically; {@code options} is the settings text it was created with. */
	public static void save(StainNormalizer fitted, String options, List<String> references, Path file) {
		Map<String, double[]> target = targetOf(fitted);
		StringBuilder sb = new StringBuilder();
		sb.append("# Stain profile of Stain Normalization for Fiji: a fitted target stain style, used in place of reference images\n");
		sb.append("# (./stainnorm normalize --method ").append(fitted.name()).append(" --reference ").append(file.getFileName()).append(" ...)\n");
		sb.append("format = ").append(FORMAT).append('\n');
		sb.append("version = ").append(VERSION).append('\n');
		sb.append("method = ").append(fitted.name()).append('\n');
		sb.append("options = ").append(options == null ? "" : options.trim()).append('\n');
		sb.append("references = ").append(String.join("; ", references.stream().map(r -> Path.of(r).getFileName().toString().replace('\n', ' ')).toList()))
			.append('\n');
		for (Map.Entry<String, double[]> e : new TreeMap<>(target).entrySet()) {
			sb.append("target.").append(e.getKey()).append(" =");
			for (double v : e.getValue())
				sb.append(' ').append(Double.toString(v));
			sb.append('\n');
		}
		AtomicFile.writeString(file, sb);
	}

	/** Reads and validates a profile. */
	public static Contents read(Path file) {
		String name = file.toString();
		String text;
		try {
			if (!Files.isRegularFile(file)) throw new StainNormException("Stain profile " + name + " not found");
			if (Files.size(file) > MAX_BYTES) throw new StainNormException(name + " is not a stain profile (over 1 MB)");
			text = Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (MalformedInputException e) {
			throw new StainNormException(name + " is not a stain profile (not UTF-8 text)");
		}
		catch (IOException e) {
			throw new StainNormException("Cannot read stain profile " + name + ": " + e.getMessage());
		}
		Map<String, String> values = new LinkedHashMap<>();
		int lineNo = 0;
		for (String line : text.split("\r?\n", -1)) {
			lineNo++;
			String t = line.strip();
			if (t.isEmpty() || t.startsWith("#")) continue;
			int eq = t.indexOf('=');
			if (eq <= 0) throw new StainNormException(name + " is not a stain profile (line " + lineNo + " is not 'key = value')");
			String key = t.substring(0, eq).strip();
			if (values.put(key, t.substring(eq + 1).strip()) != null)
				throw new StainNormException("Stain profile " + name + " is damaged: '" + key + "' appears twice");
		}
		if (!FORMAT.equals(values.get("format")))
			throw new StainNormException(name + " is not a stain profile (no 'format = " + FORMAT + "' line)");
		int version;
		try {
			version = Integer.parseInt(values.getOrDefault("version", ""));
		}
		catch (NumberFormatException e) {
			throw new StainNormException("Stain profile " + name + " is damaged: its version '" + values.get("version") + "' is not a number");
		}
		if (version > VERSION)
			throw new StainNormException("Stain profile " + name + " has format version " + version + "; this version of the plugin reads up to "
				+ VERSION + " (update it)");
		if (version < 1) throw new StainNormException("Stain profile " + name + " is damaged: version " + version);
		String method = values.getOrDefault("method", "");
		Map<String, Integer> shape = SHAPES.get(method);
		if (shape == null)
			throw new StainNormException("Stain profile " + name + " is for method '" + method + "', which has no profiles (" + String.join(", ", methods()) + " have)");
		Map<String, double[]> target = new LinkedHashMap<>();
		for (Map.Entry<String, Integer> e : new TreeMap<>(shape).entrySet()) {
			String key = "target." + e.getKey(), v = values.get(key);
			if (v == null && OPTIONAL.getOrDefault(method, java.util.Set.of()).contains(e.getKey())) continue;
			if (v == null) throw new StainNormException("Stain profile " + name + " is damaged: '" + key + "' is missing");
			String[] parts = v.isEmpty() ? new String[0] : v.split("\\s+");
			if (parts.length != e.getValue())
				throw new StainNormException("Stain profile " + name + " is damaged: '" + key + "' has " + parts.length + " numbers, " + method
					+ " needs " + e.getValue());
			double[] x = new double[parts.length];
			for (int i = 0; i < x.length; i++) {
				try {
					x[i] = Double.parseDouble(parts[i]);
				}
				catch (NumberFormatException ex) {
					x[i] = Double.NaN;
				}
				if (!Double.isFinite(x[i]))
					throw new StainNormException("Stain profile " + name + " is damaged: '" + parts[i] + "' in " + key + " is not a finite number");
			}
			target.put(e.getKey(), x);
		}
		for (String key : values.keySet())
			if (key.startsWith("target.") && !shape.containsKey(key.substring(7)))
				throw new StainNormException("Stain profile " + name + " is damaged: " + method + " profiles have no '" + key + "'");
		validate(name, method, target);
		return new Contents(method, values.getOrDefault("options", ""), target);
	}

	/** Physical sense: unit stain vectors, positive spreads and concentrations, glass in 1..255. */
	private static void validate(String name, String method, Map<String, double[]> t) {
		double[] v = t.get("vectors");
		if (v != null) for (int s = 0; s < v.length / 3; s++) {
			double n = Math.sqrt(v[3 * s] * v[3 * s] + v[3 * s + 1] * v[3 * s + 1] + v[3 * s + 2] * v[3 * s + 2]);
			if (Math.abs(n - 1) > 1e-6) throw new StainNormException("Stain profile " + name + " is damaged: stain vector " + (s + 1) + " is not of unit length");
		}
		for (String key : new String[] { "std", "max_concentrations" })
			if (t.containsKey(key)) for (double x : t.get(key))
				if (!(x > 0)) throw new StainNormException("Stain profile " + name + " is damaged: " + key + " must be positive");
		if (t.containsKey("glass")) for (double x : t.get("glass"))
			if (!(x >= 1 && x <= 255)) throw new StainNormException("Stain profile " + name + " is damaged: glass " + x + " is not in 1..255");
	}

	/**
	 * A normalizer of the profile's method with its target loaded (no fitting). The profile's options apply;
	 * {@code userOptions} may add settings the profile does not fix, but not contradict it.
	 *
	 * @param method the method asked for, or null to take the profile's
	 */
	public static StainNormalizer load(Path file, String method, String userOptions) {
		Contents c = read(file);
		if (method != null && !method.isBlank() && !method.trim().equalsIgnoreCase(c.method()))
			throw new StainNormException("Stain profile " + file + " was made by " + c.method() + "; it cannot be used with method "
				+ method.trim() + " (use --method " + c.method() + ", or make a " + method.trim() + " profile)");
		Map<String, String> merged = new LinkedHashMap<>(parse(c.options()));
		for (Map.Entry<String, String> e : parse(userOptions).entrySet()) {
			String fixed = merged.get(e.getKey());
			if (fixed != null && !fixed.equals(e.getValue()))
				throw new StainNormException("Stain profile " + file + " was fitted with " + e.getKey() + "=" + fixed + "; the option "
					+ e.getKey() + "=" + e.getValue() + " contradicts it (drop it, or make a new profile)");
			merged.put(e.getKey(), e.getValue());
		}
		StainNormalizer n = Methods.create(c.method(), new MethodOptions(merged));
		if (n instanceof Reinhard r) try {
			r.importTarget(c.target(), "Stain profile " + file);
		}
		catch (StainNormException e) {
			throw new StainNormException("Stain profile " + file + ": " + e.getMessage());
		}
		else if (n instanceof Macenko m) m.importTarget(c.target());
		else if (n instanceof Vahadane v) v.importTarget(c.target());
		else if (n instanceof Khan k) k.importTarget(c.target());
		return n;
	}

	private static Map<String, String> parse(String options) {
		return MethodOptions.parse(options).asMap();
	}

	/**
	 * When the references are one stain profile: the normalizer it gives. Null when none is a profile. A profile
	 * mixed with images, or two profiles, is refused (a profile is a complete target).
	 */
	public static StainNormalizer fromReferences(String method, String options, List<String> references) {
		List<String> profiles = new ArrayList<>();
		for (String r : references)
			if (isProfile(Path.of(r))) profiles.add(r);
		if (profiles.isEmpty()) return null;
		if (references.size() > 1)
			throw new StainNormException("The stain profile " + profiles.get(0) + " is a complete target: give it alone, without other references");
		return load(Path.of(profiles.get(0)), method, options);
	}
}
