package sc.fiji.stainnorm.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ij.gui.Plot;
import sc.fiji.stainnorm.core.RgbImage;

/**
 * Box, bar and line plots drawn by ImageJ's {@link Plot} off screen (works headless) and returned as RGB
 * images, for the evaluation report and for the Fiji commands that show them in a window.
 */
public final class Plots {
	/** Size of the report's panels. */
	public static final int WIDTH = 460, HEIGHT = 260;
	/** Size of the titled metric charts the Fiji commands show. */
	public static final int METRIC_WIDTH = 600, METRIC_HEIGHT = 320;
	private static final Color FILL = new Color(170, 195, 240);
	private static final Color[] LINE_COLOURS = { new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44),
		new Color(148, 103, 189), new Color(255, 127, 14), new Color(23, 190, 207) };

	private Plots() {}

	/**
	 * One box per category: the box spans the quartiles with the median inside, whiskers reach the smallest
	 * and the largest value (no outlier rule: with a few dozen values every one is shown by the whisker).
	 */
	public static RgbImage boxPlot(String yLabel, List<String> categories, List<double[]> values) {
		if (categories.size() != values.size()) throw new IllegalArgumentException("one value array per category");
		List<double[]> sorted = sortedFinite(values);
		double[] range = range(sorted, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
		double[] y = paddedRange(range[0], range[1]);
		Plot p = categoryPlot("box plot", categories, yLabel, WIDTH, HEIGHT, y[0], y[1]);
		drawBoxes(p, sorted, WIDTH);
		return render(p);
	}

	/** One bar per category, e.g. seconds per method. */
	public static RgbImage barPlot(String yLabel, List<String> categories, double[] values) {
		double hi = 0;
		for (double v : values)
			if (Double.isFinite(v)) hi = Math.max(hi, v);
		Plot p = categoryPlot("bar plot", categories, yLabel, WIDTH, HEIGHT, 0, hi > 0 ? hi * 1.1 : 1);
		drawBars(p, values);
		return render(p);
	}

	/**
	 * Metric values per category (a method, or a metric) under a title: a box plot when some category has
	 * several values, bars when each has at most one. Non-finite values are left out.
	 */
	public static RgbImage metricPlot(String title, String yLabel, List<String> categories, List<double[]> values) {
		return render(metricChart(title, yLabel, categories, values));
	}

	/**
	 * {@link #metricPlot} as an ImageJ plot, for a Plot window (its List, Save data and zoom work on the values);
	 * {@link #render} flattens it for a PNG file.
	 */
	public static Plot metricChart(String title, String yLabel, List<String> categories, List<double[]> values) {
		if (categories.size() != values.size()) throw new IllegalArgumentException("one value array per category");
		if (categories.isEmpty()) throw new IllegalArgumentException("no categories to plot");
		List<double[]> sorted = sortedFinite(values);
		boolean boxes = sorted.stream().anyMatch(v -> v.length > 1);
		double[] range = boxes ? range(sorted, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY) : range(sorted, 0, 0);
		double[] y = titledRange(range[0], range[1]);
		// ImageJ labels only every second category when they are closer than about a hundred pixels
		int width = Math.max(METRIC_WIDTH, 110 * categories.size() + 120);
		Plot p = categoryPlot(title, categories, yLabel, width, METRIC_HEIGHT, y[0], y[1]);
		if (boxes) drawBoxes(p, sorted, width);
		else drawBars(p, sorted.stream().mapToDouble(v -> v.length == 0 ? Double.NaN : v[0]).toArray());
		p.setColor(Color.BLACK);
		// inside the frame, below its top line: the room titledRange leaves above the highest value
		p.addLabel(0.02, TITLE_Y, title);
		return p;
	}

	/** Lines, e.g. training losses against the step; series with no points are left out. */
	public static RgbImage linePlot(String xLabel, String yLabel, List<String> names, List<double[]> xs, List<double[]> ys) {
		return render(lineChart("line plot", xLabel, yLabel, names, xs, ys, "top-right"));
	}

	/**
	 * {@link #linePlot} as an ImageJ plot titled {@code title}, for a Plot window.
	 *
	 * @param legendPosition where the legend goes, in {@link Plot#addLegend(String, String)}'s words ("auto": where it hides the fewest points)
	 */
	public static Plot lineChart(String title, String xLabel, String yLabel, List<String> names, List<double[]> xs, List<double[]> ys,
		String legendPosition)
	{
		Plot p = new Plot(title, xLabel, yLabel);
		p.setSize(WIDTH, HEIGHT);
		StringBuilder legend = new StringBuilder();
		for (int i = 0; i < names.size(); i++) {
			if (xs.get(i).length == 0) continue;
			p.setColor(LINE_COLOURS[i % LINE_COLOURS.length]);
			p.setLineWidth(1.5f);
			p.add("line", xs.get(i), ys.get(i));
			legend.append(legend.length() == 0 ? "" : "\n").append(names.get(i));
		}
		p.setLimitsToFit(false);
		if (legend.length() > 0) {
			p.setColor(Color.BLACK);
			p.addLegend(legend.toString(), legendPosition);
		}
		return p;
	}

	/** Trailing moving mean over up to {@code window} values, so single-patch losses become readable curves. */
	public static double[] movingAverage(double[] v, int window) {
		double[] out = new double[v.length];
		double sum = 0;
		for (int i = 0; i < v.length; i++) {
			sum += v[i];
			if (i >= window) sum -= v[i - window];
			out[i] = sum / Math.min(i + 1, window);
		}
		return out;
	}

	/** Linear interpolation between order statistics (R's type 7, numpy's default). */
	static double quantile(double[] sorted, double q) {
		double pos = q * (sorted.length - 1);
		int i = (int) Math.floor(pos);
		if (i >= sorted.length - 1) return sorted[sorted.length - 1];
		return sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]);
	}

	private static Plot categoryPlot(String title, List<String> categories, String yLabel, int width, int height, double yLo, double yHi) {
		Plot p = new Plot(title, categoryAxis(categories), yLabel);
		p.setSize(width, height);
		p.setLimits(-0.5, categories.size() - 0.5, yLo, yHi);
		p.setColor(Color.BLACK, FILL);
		return p;
	}

	/** Quartiles, median and whiskers to the extremes; categories without values get no box. */
	private static void drawBoxes(Plot p, List<double[]> sorted, int width) {
		ArrayList<float[]> boxes = new ArrayList<>();
		for (int i = 0; i < sorted.size(); i++) {
			double[] v = sorted.get(i);
			if (v.length == 0) continue;
			boxes.add(new float[] { i, (float) v[0], (float) quantile(v, 0.25), (float) quantile(v, 0.5), (float) quantile(v, 0.75),
				(float) v[v.length - 1] });
		}
		int boxWidth = Math.max(6, Math.min(40, (width - 120) / Math.max(1, sorted.size()) / 2));
		if (!boxes.isEmpty()) p.drawShapes("boxes width=" + boxWidth, boxes);
	}

	private static void drawBars(Plot p, double[] heights) {
		double[] x = new double[heights.length];
		for (int i = 0; i < x.length; i++)
			x[i] = i;
		p.add("separated bars", x, heights);
	}

	private static List<double[]> sortedFinite(List<double[]> values) {
		return values.stream().map(v -> Arrays.stream(v).filter(Double::isFinite).sorted().toArray()).toList();
	}

	/** The smallest and the largest of the sorted values, starting from {@code lo} and {@code hi}. */
	private static double[] range(List<double[]> sorted, double lo, double hi) {
		for (double[] v : sorted)
			if (v.length > 0) {
				lo = Math.min(lo, v[0]);
				hi = Math.max(hi, v[v.length - 1]);
			}
		return new double[] { lo, hi };
	}

	private static double[] paddedRange(double lo, double hi) {
		if (!(lo <= hi)) return new double[] { 0, 1 };
		double pad = pad(lo, hi);
		return new double[] { lo - pad, hi + pad };
	}

	/** Room above the highest value for the title; a range of non-negative values stays above zero. */
	private static double[] titledRange(double lo, double hi) {
		if (!(lo <= hi)) return new double[] { 0, 1 };
		double pad = pad(lo, hi);
		return new double[] { lo < 0 || lo - pad >= 0 ? lo - pad : 0, hi + 2.5 * pad };
	}

	private static double pad(double lo, double hi) {
		return hi > lo ? 0.06 * (hi - lo) : Math.max(1e-3, Math.abs(hi) * 0.05);
	}

	/** ImageJ replaces x ticks 0, 1, 2, ... by the names in braces. */
	private static String categoryAxis(List<String> categories) {
		return "{" + String.join(",", categories.stream().map(c -> c.replace(",", " ").replace("{", "(").replace("}", ")")).toList()) + "}";
	}

	/** Where a metric chart's title sits, as a fraction of the frame height from its top edge. */
	private static final double TITLE_Y = 0.09;

	/** The plot flattened to RGB pixels, as a PNG file holds it. */
	public static RgbImage render(Plot p) {
		var ip = p.getImagePlus().getProcessor().convertToRGB();
		return RgbImage.wrap(ip.getWidth(), ip.getHeight(), (int[]) ip.getPixels());
	}
}
