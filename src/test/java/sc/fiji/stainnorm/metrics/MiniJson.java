package sc.fiji.stainnorm.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Just enough JSON for reading reference files in tests: objects, arrays, strings, numbers, literals. */
final class MiniJson {
	private final String s;
	private int i;

	private MiniJson(String s) {
		this.s = s;
	}

	static Object parse(String text) {
		MiniJson p = new MiniJson(text);
		Object v = p.value();
		p.space();
		if (p.i != text.length()) throw new IllegalArgumentException("trailing text at " + p.i);
		return v;
	}

	private void space() {
		while (i < s.length() && Character.isWhitespace(s.charAt(i)))
			i++;
	}

	private Object value() {
		space();
		char c = s.charAt(i);
		if (c == '{') {
			Map<String, Object> m = new LinkedHashMap<>();
			i++;
			space();
			if (s.charAt(i) == '}') {
				i++;
				return m;
			}
			while (true) {
				space();
				String k = string();
				space();
				expect(':');
				m.put(k, value());
				space();
				if (s.charAt(i++) == '}') return m;
			}
		}
		if (c == '[') {
			List<Object> l = new ArrayList<>();
			i++;
			space();
			if (s.charAt(i) == ']') {
				i++;
				return l;
			}
			while (true) {
				l.add(value());
				space();
				if (s.charAt(i++) == ']') return l;
			}
		}
		if (c == '"') return string();
		for (String lit : new String[] { "true", "false", "null" })
			if (s.startsWith(lit, i)) {
				i += lit.length();
				return lit.equals("null") ? null : Boolean.valueOf(lit);
			}
		int start = i;
		while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0)
			i++;
		return Double.parseDouble(s.substring(start, i));
	}

	private void expect(char c) {
		if (s.charAt(i++) != c) throw new IllegalArgumentException("expected " + c + " at " + (i - 1));
	}

	private String string() {
		expect('"');
		StringBuilder sb = new StringBuilder();
		while (true) {
			char c = s.charAt(i++);
			if (c == '"') return sb.toString();
			if (c == '\\') {
				char e = s.charAt(i++);
				switch (e) {
					case 'n' -> sb.append('\n');
					case 't' -> sb.append('\t');
					case 'u' -> {
						sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
						i += 4;
					}
					default -> sb.append(e);
				}
			}
			else sb.append(c);
		}
	}

	/** Follows a path of object keys, e.g. {@code at(pair, "sewar_0_4_3", "mse", "value")}. */
	@SuppressWarnings("unchecked")
	static Object at(Object root, String... keys) {
		Object o = root;
		for (String k : keys) {
			if (!(o instanceof Map)) throw new IllegalArgumentException("no object at " + k);
			o = ((Map<String, Object>) o).get(k);
			if (o == null) throw new IllegalArgumentException("missing key " + k);
		}
		return o;
	}

	/** A number, or the first number in a string such as {@code "0.9186350193 0"} (Octave's printout). */
	static double number(Object root, String... keys) {
		Object o = at(root, keys);
		if (o instanceof Double d) return d;
		return Double.parseDouble(o.toString().trim().split("\\s+")[0]);
	}
}
