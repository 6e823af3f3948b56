package sc.fiji.stainnorm.core;

/** Cells of the metric tables' CSV files, so that every table spells numbers and text the same way. */
public final class Csv {
	private Csv() {}

	/** Full precision; a missing value (NaN) is an empty cell, infinite ones are {@code inf} and {@code -inf}. */
	public static String number(double v) {
		if (Double.isNaN(v)) return "";
		if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
		return Double.toString(v);
	}

	/** Quoted when it holds a comma, a quote or a line break (which becomes a space: one row per line). */
	public static String field(String s) {
		if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) return s;
		return '"' + s.replace("\"", "\"\"").replace('\n', ' ') + '"';
	}
}
