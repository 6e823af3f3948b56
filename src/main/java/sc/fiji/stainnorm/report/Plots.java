package sc.fiji.stainnorm.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ij.gui.Plot;
import sc.fiji.stainnorm.core.RgbImage;

/**
 * Box, bar and line plots drawn by ImageJ's {@link Plot} off screen (works headless) and returned as RGB
 * images, for reports and for the Fiji commands that show them in a window.
 */
public final class Plots {
	public static final int WIDTH = 460, HEIGHT = 260;
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
		double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
		ArrayList<float[]> boxes = new ArrayList<>();
		for (int i = 0; i < values.size(); i++) {
			double[] v = finite(values.get(i));
			if (v.length == 0) continue;
			Arrays.sort(v);
			lo = Math.min(lo, v[0]);
			hi = Math.max(hi, v[v.length - 1]);
			boxes.add(new float[] { i, (float) v[0], (float) quantile(v, 0.25), (float) quantile(v, 0.5), (float) quantile(v, 0.75),
				(float) v[v.length - 1] });
		}
		Plot p = new Plot("box plot", categoryAxis(categories), yLabel);
		p.setSize(WIDTH, HEIGHT);
		double[] y = paddedRange(lo, hi);
		p.setLimits(-0.5, categories.size() - 0.5, y[0], y[1]);
		p.setColor(Color.BLACK, FILL);
		int boxWidth = Math.max(6, Math.min(40, (WIDTH - 120) / Math.max(1, categories.size()) / 2));
		if (!boxes.isEmpty()) p.drawShapes("boxes width=" + boxWidth, boxes);
		return render(p);
	}

	/** One bar per category, e.g. seconds per method. */
	public static RgbImage barPlot(String yLabel, List<String> categories, double[] values) {
		Plot p = new Plot("bar plot", categoryAxis(categories), yLabel);
		p.setSize(WIDTH, HEIGHT);
		double hi = 0;
		for (double v : values)
			if (Double.isFinite(v)) hi = Math.max(hi, v);
		p.setLimits(-0.5, categories.size() - 0.5, 0, hi > 0 ? hi * 1.1 : 1);
		p.setColor(Color.BLACK, FILL);
		double[] x = new double[values.length];
		for (int i = 0; i < x.length; i++)
			x[i] = i;
		p.add("separated bars", x, values);
		return render(p);
	}

	/** Lines, e.g. training losses against the step; series with no points are left out. */
	public static RgbImage linePlot(String xLabel, String yLabel, List<String> names, List<double[]> xs, List<double[]> ys) {
		Plot p = new Plot("line plot", xLabel, yLabel);
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
			p.addLegend(legend.toString(), "top-right");
		}
		return render(p);
	}

	/** Linear interpolation between order statistics (R's type 7, numpy's default). */
	static double quantile(double[] sorted, double q) {
		double pos = q * (sorted.length - 1);
		int i = (int) Math.floor(pos);
		if (i >= sorted.length - 1) return sorted[sorted.length - 1];
		return sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]);
	}

	private static double[] finite(double[] v) {
		return Arrays.stream(v).filter(Double::isFinite).toArray();
	}

	private static double[] paddedRange(double lo, double hi) {
		if (!(lo <= hi)) return new double[] { 0, 1 };
		double pad = hi > lo ? 0.06 * (hi - lo) : Math.max(1e-3, Math.abs(hi) * 0.05);
		return new double[] { lo - pad, hi + pad };
	}

	/** ImageJ replaces x ticks 0, 1, 2, ... by the names in braces. */
	private static String categoryAxis(List<String> categories) {
		return "{" + String.join(",", categories.stream().map(c -> c.replace(",", " ").replace("{", "(").replace("}", ")")).toList()) + "}";
	}

	private static RgbImage render(Plot p) {
		var ip = p.getImagePlus().getProcessor().convertToRGB();
		return RgbImage.wrap(ip.getWidth(), ip.getHeight(), (int[]) ip.getPixels());
	}
}
