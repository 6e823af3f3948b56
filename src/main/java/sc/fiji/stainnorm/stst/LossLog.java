package sc.fiji.stainnorm.stst;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;


import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.ImageOutput;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.report.Plots;

/**
 * The training loss log: one CSV row per step, and a plot of the curves in the manner of the paper's Fig. 4. Both
 * mark the steps {@link TrainingHealth} finds collapsed (the CSV's {@code health} column, shaded bands in the plot).
 */
final class LossLog {
	static final String HEADER = "step,loss_d,loss_g_gan,loss_g_l1,val_l1,seconds,health";

	record Row(int step, double lossD, double lossGan, double l1, double valL1, double seconds) {}

	private LossLog() {}

	/** The rows, each with its {@code health}: empty, or the {@link TrainingHealth.Kind} of collapse at that step. */
	static void write(Path csv, List<Row> rows) {
		List<TrainingHealth.Span> spans = TrainingHealth.analyse(rows);
		StringBuilder sb = new StringBuilder(HEADER).append('\n');
		for (Row r : rows) {
			TrainingHealth.Kind k = TrainingHealth.at(spans, r.step);
			sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%s,%.2f,%s%n", r.step, r.lossD, r.lossGan, r.l1,
				Double.isNaN(r.valL1) ? "" : String.format(Locale.ROOT, "%.6f", r.valL1), r.seconds, k == null ? "" : k.csvName()));
		}
		AtomicFile.writeString(csv, sb);
	}

	/** Rows up to {@code lastStep} of an earlier run (for resuming); none if the file is missing. The health column, derived, is not read. */
	static List<Row> read(Path csv, int lastStep) {
		List<Row> rows = new ArrayList<>();
		try {
			for (String line : Files.readAllLines(csv)) {
				if (line.startsWith("step") || line.isBlank()) continue;
				String[] f = line.split(",", -1);
				int step = Integer.parseInt(f[0]);
				if (step > lastStep) break;
				rows.add(new Row(step, Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
					f[4].isEmpty() ? Double.NaN : Double.parseDouble(f[4]), Double.parseDouble(f[5])));
			}
		}
		catch (NoSuchFileException e) {
			return rows;
		}
		catch (IOException | RuntimeException e) {
			throw new StainNormException("Cannot read the earlier loss log " + csv + ": " + e.getMessage());
		}
		return rows;
	}

	static final Color DISCRIMINATOR_COLLAPSE = new Color(255, 205, 205), GENERATOR_COLLAPSE = new Color(255, 225, 160);

	/**
	 * Three panels: discriminator loss, generator adversarial loss, and L1 (training, smoothed; validation dots).
	 * Collapsed spans are shaded in every panel and named under the title.
	 */
	static void plot(List<Row> rows, double lambda, Path png, String title) {
		List<TrainingHealth.Span> spans = TrainingHealth.analyse(rows);
		int w = 900, panelH = 220, h = 40 + 3 * panelH;
		BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = img.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, w, h);
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
		g.drawString(title, 70, 24);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		g.drawString(spans.isEmpty() ? "training health: no collapse detected" : "shaded: " + collapseLegend(spans), 70, 38);
		panel(g, rows, Row::lossD, null, "discriminator loss", 40, panelH, w, new Color(0x1f77b4), spans);
		panel(g, rows, Row::lossGan, null, "generator cGAN loss", 40 + panelH, panelH, w, new Color(0xd62728), spans);
		panel(g, rows, Row::l1, Row::valL1, "generator L1 (x" + (int) lambda + " in the loss); dots: validation", 40 + 2 * panelH, panelH, w, new Color(0x2ca02c), spans);
		g.dispose();
		ImageOutput.write(new ij.ImagePlus(png.getFileName().toString(), img), png, true);
	}

	private static String collapseLegend(List<TrainingHealth.Span> spans) {
		StringBuilder sb = new StringBuilder();
		for (TrainingHealth.Span s : spans) {
			if (sb.length() > 0) sb.append(", ");
			if (sb.length() > 90) return sb.append("... (").append(spans.size()).append(" spans, see the CSV's health column)").toString();
			sb.append(s.kind().label).append(" ").append(s.first()).append("-").append(s.last());
		}
		return sb.toString();
	}

	private static void panel(Graphics2D g, List<Row> rows, ToDoubleFunction<Row> f, ToDoubleFunction<Row> dots, String label, int top,
		int height, int width, Color colour, List<TrainingHealth.Span> spans) {
		int left = 70, right = width - 20, bottom = top + height - 35, plotTop = top + 10;
		double[] y = rows.stream().mapToDouble(f).toArray();
		double[] smooth = Plots.movingAverage(y, Math.max(1, y.length / 100));
		double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
		for (double v : smooth) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
		if (dots != null) for (Row r : rows) { double v = dots.applyAsDouble(r); if (!Double.isNaN(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
		if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
		int maxStep = rows.isEmpty() ? 1 : Math.max(1, rows.get(rows.size() - 1).step);
		for (TrainingHealth.Span s : spans) {
			int x0 = left + (int) Math.round((double) s.first() / maxStep * (right - left)), x1 = left + (int) Math.round((double) s.last() / maxStep * (right - left));
			g.setColor(s.kind() == TrainingHealth.Kind.DISCRIMINATOR ? DISCRIMINATOR_COLLAPSE : GENERATOR_COLLAPSE);
			g.fillRect(x0, plotTop, Math.max(1, x1 - x0), bottom - plotTop);
		}
		g.setColor(Color.GRAY);
		g.drawRect(left, plotTop, right - left, bottom - plotTop);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		g.setColor(Color.BLACK);
		g.drawString(label, left + 5, plotTop + 14);
		g.drawString(String.format(Locale.ROOT, "%.3g", hi), 5, plotTop + 10);
		g.drawString(String.format(Locale.ROOT, "%.3g", lo), 5, bottom);
		g.drawString("0", left, bottom + 14);
		g.drawString("step " + maxStep, right - 60, bottom + 14);
		g.setColor(colour);
		g.setStroke(new BasicStroke(1.5f));
		int px = -1, py = -1;
		for (int i = 0; i < smooth.length; i++) {
			int x = left + (int) Math.round((double) rows.get(i).step / maxStep * (right - left));
			int yy = bottom - (int) Math.round((smooth[i] - lo) / (hi - lo) * (bottom - plotTop));
			if (px >= 0) g.drawLine(px, py, x, yy);
			px = x;
			py = yy;
		}
		if (dots != null) {
			g.setColor(Color.BLACK);
			for (Row r : rows) {
				double v = dots.applyAsDouble(r);
				if (Double.isNaN(v)) continue;
				int x = left + (int) Math.round((double) r.step / maxStep * (right - left));
				int yy = bottom - (int) Math.round((v - lo) / (hi - lo) * (bottom - plotTop));
				g.fillOval(x - 3, yy - 3, 6, 6);
			}
		}
	}
}
