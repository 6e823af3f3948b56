package sc.fiji.stainnorm.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ij.gui.Plot;
import sc.fiji.stainnorm.core.RgbImage;

/**
 * Metric values per category (a method, or a metric) drawn by ImageJ's {@link Plot} off screen, which works
 * headless: a box plot when some category has several values (quartiles, median, whiskers to the extremes),
 * bars when each has at most one. Non-finite values are left out.
 */
public final class MetricPlot {
	public static final int WIDTH = 600, HEIGHT = 320;
	private static final Color FILL = new Color(170, 195, 240);

	private MetricPlot() {}

	public static RgbImage render(String title, String yLabel, List<String> categories, List<double[]> values) {
		if (categories.size() != values.size()) throw new IllegalArgumentException("one value array per category");
		if (categories.isEmpty()) throw new IllegalArgumentException("no categories to plot");
		List<double[]> finite = values.stream().map(v -> Arrays.stream(v).filter(Double::isFinite).sorted().toArray()).toList();
		boolean boxes = finite.stream().anyMatch(v -> v.length > 1);
		double lo = boxes ? Double.POSITIVE_INFINITY : 0, hi = boxes ? Double.NEGATIVE_INFINITY : 0;
		for (double[] v : finite)
			if (v.length > 0) {
				lo = Math.min(lo, v[0]);
				hi = Math.max(hi, v[v.length - 1]);
			}
		Plot p = new Plot(title, categoryAxis(categories), yLabel);
		// ImageJ labels only every second category when they are closer than about a hundred pixels
		int width = Math.max(WIDTH, 110 * categories.size() + 120);
		p.setSize(width, HEIGHT);
		double[] y = paddedRange(lo, hi);
		p.setLimits(-0.5, categories.size() - 0.5, y[0], y[1]);
		p.setColor(Color.BLACK, FILL);
		if (boxes) {
			ArrayList<float[]> shapes = new ArrayList<>();
			for (int i = 0; i < finite.size(); i++) {
				double[] v = finite.get(i);
				if (v.length == 0) continue;
				shapes.add(new float[] { i, (float) v[0], (float) quantile(v, 0.25), (float) quantile(v, 0.5), (float) quantile(v, 0.75),
					(float) v[v.length - 1] });
			}
			int boxWidth = Math.max(6, Math.min(40, (width - 120) / categories.size() / 2));
			p.drawShapes("boxes width=" + boxWidth, shapes);
		}
		else {
			double[] x = new double[finite.size()], h = new double[finite.size()];
			for (int i = 0; i < x.length; i++) {
				x[i] = i;
				h[i] = finite.get(i).length == 0 ? Double.NaN : finite.get(i)[0];
			}
			p.add("separated bars", x, h);
		}
		p.setColor(Color.BLACK);
		p.addLabel(0.01, 0.06, title);
		var ip = p.getImagePlus().getProcessor().convertToRGB();
		return RgbImage.wrap(ip.getWidth(), ip.getHeight(), (int[]) ip.getPixels());
	}

	/** Linear interpolation between order statistics (numpy's default). */
	static double quantile(double[] sorted, double q) {
		double pos = q * (sorted.length - 1);
		int i = (int) Math.floor(pos);
		if (i >= sorted.length - 1) return sorted[sorted.length - 1];
		return sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]);
	}

	private static double[] paddedRange(double lo, double hi) {
		if (!(lo <= hi)) return new double[] { 0, 1 };
		double pad = hi > lo ? 0.06 * (hi - lo) : Math.max(1e-3, Math.abs(hi) * 0.05);
		// room above the highest value for the title
		return new double[] { lo < 0 || lo - pad >= 0 ? lo - pad : 0, hi + 2.5 * pad };
	}

	/** ImageJ labels the x ticks 0, 1, 2, ... with the names given in braces. */
	private static String categoryAxis(List<String> categories) {
		return "{" + String.join(",", categories.stream().map(c -> c.replace(",", " ").replace("{", "(").replace("}", ")")).toList()) + "}";
	}
}
