package sc.fiji.stainnorm.report;

import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;

import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import sc.fiji.stainnorm.core.RgbImage;

/**
 * A labelled grid of images, like the paper's Figures 1 and 5: one row per source image, one column per
 * stage (source, each method, ground truth). Cells are scaled to a common size; missing cells stay white.
 */
public final class Montage {
	private static final int HEADER = 22, GAP = 4;
	private final List<String> columns;
	private final List<RgbImage[]> rows = new ArrayList<>();
	private final List<String> rowNames = new ArrayList<>();

	public Montage(List<String> columns) {
		this.columns = List.copyOf(columns);
	}

	/** @param cells one image per column, null where there is none */
	public Montage addRow(String name, RgbImage... cells) {
		if (cells.length != columns.size())
			throw new IllegalArgumentException(cells.length + " cells for " + columns.size() + " columns");
		rows.add(cells.clone());
		rowNames.add(name);
		return this;
	}

	/** Renders the grid with cells of at most {@code cellSize} pixels on their longer side. */
	public RgbImage render(int cellSize) {
		int cols = columns.size();
		int width = cols * cellSize + (cols + 1) * GAP;
		int rowHeight = cellSize + HEADER;
		int height = HEADER + rows.size() * rowHeight + GAP;
		ColorProcessor canvas = new ColorProcessor(width, height);
		canvas.setColor(Color.WHITE);
		canvas.fill();
		canvas.setColor(Color.BLACK);
		canvas.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
		canvas.setAntialiasedText(true);
		for (int c = 0; c < cols; c++)
			canvas.drawString(columns.get(c), GAP + c * (cellSize + GAP) + 2, HEADER - 5);
		canvas.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
		for (int r = 0; r < rows.size(); r++) {
			int top = HEADER + r * rowHeight;
			canvas.drawString(rowNames.get(r), GAP + 2, top + HEADER - 6);
			for (int c = 0; c < cols; c++) {
				RgbImage cell = rows.get(r)[c];
				if (cell == null) continue;
				ImageProcessor ip = new ColorProcessor(cell.width(), cell.height(), cell.pixels().clone());
				double scale = Math.min((double) cellSize / cell.width(), (double) cellSize / cell.height());
				ip.setInterpolationMethod(scale < 1 ? ImageProcessor.BILINEAR : ImageProcessor.NEAREST_NEIGHBOR);
				ImageProcessor scaled = ip.resize(Math.max(1, (int) Math.round(cell.width() * scale)),
					Math.max(1, (int) Math.round(cell.height() * scale)), scale < 1);
				canvas.insert(scaled, GAP + c * (cellSize + GAP), top + HEADER);
			}
		}
		return RgbImage.wrap(width, height, (int[]) canvas.getPixels());
	}
}
