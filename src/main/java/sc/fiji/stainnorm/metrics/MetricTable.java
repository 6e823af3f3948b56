package sc.fiji.stainnorm.metrics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.Csv;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * Metric values per image pair (rows) and metric (columns, the metrics then SH, SE, SBg), with mean and
 * population standard deviation (as {@code numpy.std}) per column over the pairs where the value exists.
 */
public final class MetricTable {
	/**
	 * One pair: its values (NaN where a metric is undefined), the warnings, and the error that made the whole pair
	 * fail (null if it did not).
	 */
	public record Row(String name, double[] values, List<String> warnings, String error) {
		static Row failed(String name, String error) {
			return new Row(name, null, List.of(), error);
		}
	}

	private final Convention convention;
	private final List<String> columns;
	private final boolean[] higherIsBetter;
	private final List<Row> rows;

	MetricTable(Convention convention, List<String> columns, boolean[] higherIsBetter, List<Row> rows) {
		this.convention = convention;
		this.columns = List.copyOf(columns);
		this.higherIsBetter = higherIsBetter.clone();
		this.rows = List.copyOf(rows);
	}

	/** The column names for these metrics: their names, then SH, SE, SBg. */
	static List<String> columns(List<Metric> metrics) {
		List<String> c = new ArrayList<>(metrics.stream().map(Metric::name).toList());
		c.addAll(StainSeparation.COLUMNS);
		return c;
	}

	public Convention convention() {
		return convention;
	}

	public List<String> columns() {
		return columns;
	}

	public boolean higherIsBetter(int column) {
		return higherIsBetter[column];
	}

	public List<Row> rows() {
		return rows;
	}

	/** The rows of pairs that could not be compared at all. */
	public List<Row> failures() {
		return rows.stream().filter(r -> r.error() != null).toList();
	}

	/** The value of one column for one pair (NaN if missing). */
	public double value(int row, String column) {
		Row r = rows.get(row);
		int c = columnIndex(column);
		return r.values() == null ? Double.NaN : r.values()[c];
	}

	public int columnIndex(String column) {
		int c = columns.indexOf(column);
		if (c < 0) throw new StainNormException("No column '" + column + "' (columns: " + String.join(", ", columns) + ")");
		return c;
	}

	private double[] available(int column) {
		return rows.stream().filter(r -> r.values() != null).mapToDouble(r -> r.values()[column]).filter(v -> !Double.isNaN(v)).toArray();
	}

	/** How many pairs have a value in this column. */
	public int count(int column) {
		return available(column).length;
	}

	/** Mean over the pairs with a value; NaN when none has. */
	public double mean(int column) {
		double[] v = available(column);
		if (v.length == 0) return Double.NaN;
		double s = 0;
		for (double x : v)
			s += x;
		return s / v.length;
	}

	/** Population standard deviation over the pairs with a value; NaN when none has or a value is infinite. */
	public double std(int column) {
		double[] v = available(column);
		double m = mean(column);
		if (v.length == 0 || Double.isInfinite(m)) return Double.NaN;
		double s = 0;
		for (double x : v)
			s += (x - m) * (x - m);
		return Math.sqrt(s / v.length);
	}

	/**
	 * CSV: a header {@code pair,<columns>,error}, one line per pair, then {@code mean} and {@code std} lines.
	 * Missing values are empty, infinite ones {@code inf}. Written to a temporary file and renamed, so a reader never
	 * sees half a table.
	 */
	public void writeCsv(Path file) {
		StringBuilder sb = new StringBuilder("pair,").append(String.join(",", columns)).append(",error\n");
		for (Row r : rows) {
			sb.append(Csv.field(r.name()));
			for (int c = 0; c < columns.size(); c++)
				sb.append(',').append(r.values() == null ? "" : Csv.number(r.values()[c]));
			sb.append(',').append(r.error() == null ? "" : Csv.field(r.error())).append('\n');
		}
		for (String stat : List.of("mean", "std")) {
			sb.append(stat);
			for (int c = 0; c < columns.size(); c++)
				sb.append(',').append(Csv.number(stat.equals("mean") ? mean(c) : std(c)));
			sb.append(",\n");
		}
		AtomicFile.writeString(file, sb);
	}

	/** A readable summary: one line per metric with mean ± std (or the value, for one pair) and which way is better. */
	public String toText() {
		int ok = rows.size() - failures().size();
		StringBuilder sb = new StringBuilder();
		sb.append(String.format(Locale.ROOT, "Metrics, %s convention: %d pair%s%s%n", convention.label(), rows.size(), rows.size() == 1 ? "" : "s",
			failures().isEmpty() ? "" : " (" + failures().size() + " failed)"));
		boolean single = rows.size() == 1;
		sb.append(String.format(Locale.ROOT, "  %-8s %-26s %5s  %s%n", "metric", single ? "value" : "mean ± std", "pairs", "better"));
		for (int c = 0; c < columns.size(); c++) {
			String value = single ? Metrics.format(mean(c)) : Metrics.format(mean(c)) + " ± " + Metrics.format(std(c));
			sb.append(String.format(Locale.ROOT, "  %-8s %-26s %5d  %s%n", columns.get(c), value, count(c), higherIsBetter[c] ? "higher" : "lower"));
		}
		if (ok == 0) sb.append("  (no pair could be compared)\n");
		return sb.toString();
	}
}
