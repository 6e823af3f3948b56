package sc.fiji.stainnorm.vectors;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ij.gui.Plot;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.deconvolution.StainVectors;
import sc.fiji.stainnorm.report.Montage;

/**
 * The optical density of an image's tissue pixels in three projections (R–G, R–B, G–B), as a density-shaded cloud,
 * with the estimated stain vectors drawn as lines from the origin (Ruifrok's standard H and E dashed, for
 * comparison). Drawn by ImageJ's {@link Plot} off screen, so it works headless.
 */
public final class OdScatterPlot {
	public static final String[] PANELS = { "R-G", "R-B", "G-B" };
	private static final int[][] AXES = { { 0, 1 }, { 0, 2 }, { 1, 2 } };
	private static final String[] CHANNEL = { "OD red", "OD green", "OD blue" };
	private static final int BINS = 120, LEVELS = 6, PANEL_SIZE = 300;
	static final Color HAEMATOXYLIN = new Color(70, 40, 170), EOSIN = new Color(220, 40, 120), REFERENCE = new Color(120, 120, 120);

	private OdScatterPlot() {}

	/** One row per image: its three projections. */
	public static RgbImage render(List<String> names, List<RgbImage> images, List<StainVectorEstimate> estimates) {
		Montage m = new Montage(List.of(PANELS[0] + " projection", PANELS[1] + " projection", PANELS[2] + " projection"));
		int cell = 0;
		for (int i = 0; i < names.size(); i++) {
			RgbImage[] panels = panels(images.get(i), estimates.get(i));
			cell = Math.max(cell, Math.max(panels[0].width(), panels[0].height()));
			m.addRow(names.get(i) + " (" + estimates.get(i).method() + ")", panels);
		}
		return m.render(cell);
	}

	/** The three projections of one image. */
	public static RgbImage[] panels(RgbImage image, StainVectorEstimate estimate) {
		float[] od = StainVectorEstimate.tissueOd(image, estimate.glass());
		int n = od.length / 3;
		// the axes reach the 99.5th percentile of the largest channel OD, so that a few black pixels do not squash the cloud
		float[] largest = new float[n];
		for (int i = 0; i < n; i++)
			largest[i] = Math.max(od[3 * i], Math.max(od[3 * i + 1], od[3 * i + 2]));
		double limit = Math.max(0.3, n == 0 ? 1 : sc.fiji.stainnorm.core.Percentile.of(largest, n, 99.5) * 1.05);
		RgbImage[] out = new RgbImage[3];
		for (int k = 0; k < 3; k++)
			out[k] = panel(od, n, AXES[k][0], AXES[k][1], limit, estimate);
		return out;
	}

	private static RgbImage panel(float[] od, int n, int ax, int ay, double limit, StainVectorEstimate estimate) {
		int[] count = new int[BINS * BINS];
		int max = 0;
		for (int i = 0; i < n; i++) {
			int bx = (int) (od[3 * i + ax] / limit * BINS), by = (int) (od[3 * i + ay] / limit * BINS);
			if (bx < 0 || by < 0 || bx >= BINS || by >= BINS) continue;
			max = Math.max(max, ++count[by * BINS + bx]);
		}
		Plot p = new Plot(PANELS[ax + ay - 1], CHANNEL[ax], CHANNEL[ay]);
		p.setSize(PANEL_SIZE, PANEL_SIZE);
		// room below 0 where a vector has a negative component there (Macenko's plane allows it), so that its line shows
		double[][] v0 = estimate.vectors();
		double xLo = Math.min(v0[0][ax], v0[1][ax]) < 0 ? -0.25 * limit : 0, yLo = Math.min(v0[0][ay], v0[1][ay]) < 0 ? -0.25 * limit : 0;
		p.setLimits(xLo, limit, yLo, limit);
		// density classes on a log scale, light to dark, each drawn as one series of dots at the bin centres
		List<List<double[]>> levels = new ArrayList<>();
		for (int l = 0; l < LEVELS; l++)
			levels.add(new ArrayList<>());
		double logMax = Math.log1p(max);
		for (int b = 0; b < count.length; b++) {
			if (count[b] == 0) continue;
			int level = Math.min(LEVELS - 1, (int) (Math.log1p(count[b]) / logMax * LEVELS));
			levels.get(level).add(new double[] { (b % BINS + 0.5) * limit / BINS, (b / BINS + 0.5) * limit / BINS });
		}
		for (int l = 0; l < LEVELS; l++) {
			List<double[]> pts = levels.get(l);
			if (pts.isEmpty()) continue;
			int shade = 215 - l * 190 / (LEVELS - 1);
			p.setColor(new Color(shade, shade, Math.min(255, shade + 30)));
			p.setLineWidth(3);
			p.addPoints(pts.stream().mapToDouble(q -> q[0]).toArray(), pts.stream().mapToDouble(q -> q[1]).toArray(), Plot.DOT);
		}
		p.setLineWidth(1);
		for (int s = 0; s < 2; s++) {
			p.setColor(REFERENCE);
			line(p, StainVectors.H_E.vector(s), ax, ay, limit, true);
		}
		p.setLineWidth(2);
		double[][] v = estimate.vectors();
		p.setColor(HAEMATOXYLIN);
		line(p, v[0], ax, ay, limit, false);
		p.setColor(EOSIN);
		line(p, v[1], ax, ay, limit, false);
		p.setColor(HAEMATOXYLIN);
		p.addLabel(0.03, 0.07, "H " + String.format(java.util.Locale.ROOT, "(%.0f°)", estimate.anglesToRuifrok()[0]));
		p.setColor(EOSIN);
		p.addLabel(0.03, 0.14, "E " + String.format(java.util.Locale.ROOT, "(%.0f°)", estimate.anglesToRuifrok()[1]));
		p.setColor(REFERENCE);
		p.addLabel(0.03, 0.21, "Ruifrok (dashed)");
		var ip = p.getImagePlus().getProcessor().convertToRGB();
		return RgbImage.wrap(ip.getWidth(), ip.getHeight(), Arrays.copyOf((int[]) ip.getPixels(), ip.getWidth() * ip.getHeight()));
	}

	/** From the origin along the vector's projection to the edge of the plot. */
	private static void line(Plot p, double[] v, int ax, int ay, double limit, boolean dashed) {
		double x = v[ax], y = v[ay], reach = Math.max(Math.abs(x), Math.abs(y));
		if (!(reach > 1e-9)) return;
		double t = 0.97 * limit / reach;
		if (dashed) p.drawDottedLine(0, 0, x * t, y * t, 4);
		else p.drawLine(0, 0, x * t, y * t);
	}
}
