package sc.fiji.stainnorm.fiji;

import java.awt.GraphicsEnvironment;

import ij.ImagePlus;
import ij.gui.Plot;
import ij.measure.ResultsTable;
import sc.fiji.stainnorm.compare.MethodComparison;
import sc.fiji.stainnorm.metrics.MetricTable;

/** The core's metric tables as ImageJ {@link ResultsTable}s (what Fiji users sort, plot and save). */
final class ResultsTables {
	private ResultsTables() {}

	/**
	 * One row per pair (the label is its name), nothing else: a macro looping over {@code nResults} sees only
	 * pairs. The mean and std rows of the CSV are in {@link #summary(MetricTable)}.
	 */
	static ResultsTable of(MetricTable table) {
		ResultsTable rt = new ResultsTable();
		rt.setPrecision(6);
		for (MetricTable.Row r : table.rows()) {
			rt.incrementCounter();
			rt.addLabel(r.name());
			for (int c = 0; c < table.columns().size(); c++)
				rt.addValue(table.columns().get(c), r.values() == null ? Double.NaN : r.values()[c]);
			rt.addValue("Error", r.error() == null ? "" : r.error());
		}
		return rt;
	}

	/** Two rows, labelled {@code mean} and {@code std} (population), over the pairs that could be compared. */
	static ResultsTable summary(MetricTable table) {
		ResultsTable rt = new ResultsTable();
		rt.setPrecision(6);
		for (String stat : new String[] { "mean", "std" }) {
			rt.incrementCounter();
			rt.addLabel(stat);
			for (int c = 0; c < table.columns().size(); c++)
				rt.addValue(table.columns().get(c), stat.equals("mean") ? table.mean(c) : table.std(c));
			rt.addValue("Pairs", table.rows().size() - table.failures().size());
		}
		return rt;
	}

	/** One row per method and pair. */
	static ResultsTable rows(MethodComparison.Result result) {
		ResultsTable rt = new ResultsTable();
		rt.setPrecision(6);
		for (MethodComparison.Row r : result.rows()) {
			rt.incrementCounter();
			rt.addValue("Method", r.method());
			rt.addValue("Image", r.image());
			for (int c = 0; c < result.columns().size(); c++)
				rt.addValue(result.columns().get(c), r.values() == null ? Double.NaN : r.values()[c]);
			rt.addValue("Error", r.error() == null ? "" : r.error());
		}
		return rt;
	}

	/** One row per method: pairs compared, then mean and std of each metric. */
	static ResultsTable summary(MethodComparison.Result result) {
		ResultsTable rt = new ResultsTable();
		rt.setPrecision(6);
		for (String m : result.methods()) {
			rt.incrementCounter();
			rt.addValue("Method", m);
			rt.addValue("Pairs", result.rows(m).stream().filter(r -> r.error() == null).count());
			for (int c = 0; c < result.columns().size(); c++) {
				String col = result.columns().get(c);
				rt.addValue(col + " mean", result.mean(m, c));
				rt.addValue(col + " std", result.std(m, c));
			}
		}
		return rt;
	}

	/** Window titles: one capitalisation, the menu's. */
	static final String METRICS = "Stain Normalization Metrics", COMPARISON = "Stain Normalization Comparison",
		BENCHMARK = "Stain Normalization Benchmark", SUMMARY = " Summary", PLOT = " Plot";

	/**
	 * The plot as the command's output image: an ImageJ plot, so that shown it is a Plot window (List, Save data,
	 * zoom) rather than flat pixels. Files get {@link sc.fiji.stainnorm.report.Plots#render}.
	 */
	static ImagePlus plotImage(Plot plot, String title) {
		ImagePlus imp = plot.getImagePlus();
		imp.setTitle(title);
		return imp;
	}

	/** Shows the table in a window when there is a screen; headless runs keep it for their CSV only. */
	static void showIfPossible(ResultsTable rt, String title) {
		if (!GraphicsEnvironment.isHeadless()) rt.show(title);
	}
}
