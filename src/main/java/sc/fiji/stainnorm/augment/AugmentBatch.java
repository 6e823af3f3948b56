package sc.fiji.stainnorm.augment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.PathChecks;
import sc.fiji.stainnorm.core.Csv;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.ParallelItems;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.BatchNormalizer;

/**
 * Augments files: {@code copies} variants of every input as {@code NAME_aug01.png}, ... in the output folder, and
 * {@link #CSV} there with what was drawn for each. Shared by {@code ./stainnorm augment} and the Fiji command.
 * Nothing is overwritten unless asked: existing outputs stop the run before any work.
 */
public final class AugmentBatch {
	public static final String CSV = "augmentation.csv";

	/** One written variant. */
	public record Row(Path input, int copy, Path output, long seed, Augmentation augmentation) {}

	private AugmentBatch() {}

	/** {@code NAME_aug03.png}: two digits, more when there are 100 copies or more. */
	public static String outputName(Path input, int copy, int copies) {
		String base = input.getFileName().toString().replaceFirst("\\.[^.]+$", "");
		int digits = Math.max(2, String.valueOf(copies).length());
		return base + "_aug" + String.format(Locale.ROOT, "%0" + digits + "d", copy) + ".png";
	}

	public static List<Row> run(StainAugmenter augmenter, List<Path> inputs, Path output, int copies, long runSeed, boolean overwrite,
		int threads, Progress progress)
	{
		PathChecks.refuseOutputInInputFolder(output, inputs, "The output folder"); // by real path: a link to the input folder too
		checkTargets(inputs.stream().map(p -> p.getFileName().toString()).toList(), output, copies, overwrite);
		AtomicLong done = new AtomicLong();
		// a file that cannot be read or written does not stop the others; the run fails at the end, naming it
		List<Object> perFile = ParallelItems.map(inputs, threads, "augment", progress, (index, in) -> {
			try {
				List<Row> rows = writeVariants(augmenter, ImageFiles.read(in), in, output, copies, runSeed, progress);
				progress.update(done.incrementAndGet(), inputs.size(), in.getFileName() + ": " + copies + " variants" + clipping(rows));
				return rows;
			}
			catch (StainNormException e) {
				progress.update(done.incrementAndGet(), inputs.size(), in.getFileName() + " FAILED: " + e.getMessage());
				return e.getMessage();
			}
		}, "Interrupted", cause -> new StainNormException("Augmentation failed: " + cause, cause));
		if (progress.isCancelled()) throw new StainNormException("cancelled; " + CSV + " was not written");
		List<Row> rows = new ArrayList<>();
		List<String> failures = new ArrayList<>();
		for (int i = 0; i < perFile.size(); i++) {
			if (perFile.get(i) instanceof List<?> r) for (Object row : r)
				rows.add((Row) row);
			else failures.add(inputs.get(i).getFileName() + ": " + perFile.get(i));
		}
		AtomicFile.writeString(output.resolve(CSV), csv(augmenter, rows));
		if (!failures.isEmpty())
			throw new StainNormException(failures.size() + " of " + inputs.size() + " images failed, e.g. " + failures.get(0) + " (" + CSV
				+ " lists the others)");
		return rows;
	}

	/** The same for an image in memory (Fiji's current image) that goes by {@code fileName}. */
	public static List<Row> runImage(StainAugmenter augmenter, RgbImage image, String fileName, Path output, int copies, long runSeed,
		boolean overwrite, Progress progress)
	{
		checkTargets(List.of(fileName), output, copies, overwrite);
		List<Row> rows = writeVariants(augmenter, image, Path.of(fileName), output, copies, runSeed, progress);
		AtomicFile.writeString(output.resolve(CSV), csv(augmenter, rows));
		return rows;
	}

	/** The variants of one image, in memory, with their seeds. */
	public static List<Augmentation> variants(StainAugmenter augmenter, RgbImage image, String fileName, int copies, long runSeed) {
		List<Augmentation> out = new ArrayList<>();
		for (int k = 1; k <= copies; k++)
			out.add(augmenter.augment(image, StainAugmenter.seed(runSeed, fileName, k)));
		return out;
	}

	private static List<Row> writeVariants(StainAugmenter augmenter, RgbImage image, Path in, Path output, int copies, long runSeed,
		Progress progress)
	{
		String name = in.getFileName().toString();
		List<Row> rows = new ArrayList<>();
		for (int k = 1; k <= copies; k++) {
			long seed = StainAugmenter.seed(runSeed, name, k);
			Augmentation a = augmenter.augment(image, seed);
			Path out = output.resolve(outputName(in, k, copies));
			ImageFiles.write(a.image(), out);
			rows.add(new Row(in, k, out, seed, a));
		}
		if (rows.get(0).augmentation().isUnchanged()) progress.warn(name + ": copied unchanged (" + rows.get(0).augmentation().unchanged() + ")");
		return rows;
	}

	private static String clipping(List<Row> rows) {
		long clipped = 0, values = 0;
		for (Row r : rows) {
			clipped += r.augmentation().clippedValues();
			values += 3L * r.augmentation().image().pixelCount();
		}
		return clipped == 0 ? "" : String.format(Locale.ROOT, " (%.3f%% of channel values clipped to 0-255)", 100.0 * clipped / values);
	}

	/** Fails before any work when outputs collide or exist (unless overwriting) or the folder cannot be written. */
	private static void checkTargets(List<String> names, Path output, int copies, boolean overwrite) {
		if (copies < 1) throw new InvalidSettingException("copies=" + copies + " must be at least 1");
		Set<Path> targets = new LinkedHashSet<>();
		for (String name : names)
			for (int k = 1; k <= copies; k++) {
				Path t = output.resolve(outputName(Path.of(name), k, copies));
				if (!targets.add(t))
					throw new StainNormException("Two inputs would write " + t + " (same file name in two folders); augment them separately");
			}
		targets.add(output.resolve(CSV));
		if (!overwrite) for (Path t : targets)
			if (Files.exists(t)) throw new StainNormException(t + " exists; allow overwriting to replace it (nothing was written)");
		BatchNormalizer.checkWritableFolder(output);
	}

	/** A grid of the first {@code maxRows} inputs (one per row): the input, then its variants. */
	public static RgbImage montage(List<Row> rows, int copies, int maxRows, int cellSize) {
		List<String> columns = new ArrayList<>(List.of("input"));
		for (int k = 1; k <= copies; k++)
			columns.add(String.format(Locale.ROOT, "aug%02d", k));
		sc.fiji.stainnorm.report.Montage m = new sc.fiji.stainnorm.report.Montage(columns);
		for (int start = 0, shown = 0; start + copies <= rows.size() && shown < maxRows; start += copies, shown++) {
			RgbImage[] cells = new RgbImage[copies + 1];
			Row first = rows.get(start);
			cells[0] = ImageFiles.read(first.input());
			for (int k = 0; k < copies; k++)
				cells[k + 1] = rows.get(start + k).augmentation().image();
			m.addRow(first.input().getFileName().toString(), cells);
		}
		return m.render(cellSize);
	}

	static String csv(StainAugmenter augmenter, List<Row> rows) {
		StringBuilder sb = new StringBuilder("input,copy,output,method,sigma1,sigma2,seed");
		for (String s : new String[] { "1", "2", "3" })
			sb.append(",alpha_").append(s);
		for (String s : new String[] { "1", "2", "3" })
			sb.append(",beta_").append(s);
		for (String s : new String[] { "1", "2", "3" })
			sb.append(",rotation_deg_").append(s);
		for (String s : new String[] { "1", "2", "3" })
			sb.append(",axis_deg_").append(s);
		sb.append(",clipped_values,unchanged\n");
		for (Row r : rows) {
			Augmentation a = r.augmentation();
			sb.append(Csv.field(r.input().getFileName().toString())).append(',').append(r.copy()).append(',')
				.append(Csv.field(r.output().getFileName().toString())).append(',').append(augmenter.method().key()).append(',')
				.append(Csv.number(augmenter.sigma1())).append(',').append(Csv.number(augmenter.sigma2())).append(',').append(r.seed());
			for (double v : a.alpha())
				sb.append(',').append(Csv.number(v));
			for (double v : a.beta())
				sb.append(',').append(Csv.number(v));
			for (double v : a.rotation())
				sb.append(',').append(Csv.number(v));
			for (double v : a.axis())
				sb.append(',').append(Csv.number(v));
			sb.append(',').append(a.clippedValues()).append(',').append(a.isUnchanged() ? Csv.field(a.unchanged()) : "").append('\n');
		}
		return sb.toString();
	}
}
