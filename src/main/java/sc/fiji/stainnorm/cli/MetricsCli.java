package sc.fiji.stainnorm.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.PathChecks;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.metrics.Convention;
import sc.fiji.stainnorm.metrics.ImagePair;
import sc.fiji.stainnorm.metrics.MetricTable;
import sc.fiji.stainnorm.metrics.Metrics;

/** {@code ./stainnorm metrics}: every metric for one pair of images or for two folders matched by file name. */
final class MetricsCli implements Subcommand {

	@Override
	public String name() {
		return "metrics";
	}

	@Override
	public String summary() {
		return "compare predictions with ground truth: SSIM, MS-SSIM, FSIM, PSNR, ... (mean ± std)";
	}

	@Override
	public Set<String> valuedOptions() {
		return Set.of("convention", "csv", "threads");
	}

	@Override
	public Set<String> flagOptions() {
		return Set.of("overwrite");
	}

	@Override
	public String help() {
		return """
			Usage: ./stainnorm metrics [--convention standard|paper] [--csv FILE] GROUND_TRUTH PREDICTION   (files or folders)

			Compares PREDICTION with GROUND_TRUTH (two 8-bit RGB images of equal size, or two folders whose image files
			are paired by file name) with SSIM, MS-SSIM, FSIM, FSIMc, SCC, PCC, MSE, RMSE, PSNR, ERGAS, RASE, UQI and
			the stain-separation distances SH, SE, SBg, and prints mean ± std over the pairs.

			  --convention C   standard (textbook definitions, the default) or paper (the STST paper's
			                   implementations: sewar 0.4.3 and its MATLAB MS-SSIM/FSIMc, comparable with its Table I)
			  --csv FILE       also write every pair's values plus mean and std rows as CSV
			  --overwrite      replace an existing CSV file
			  --threads N      pairs compared at once (default: number of cores)

			Example: ./stainnorm metrics --convention paper --csv scores.csv ground_truth/ normalized/
			""";
	}

	@Override
	public int run(CliArgs args, PrintStream out) {
		return run(args, out, System.err);
	}

	@Override
	public int run(CliArgs args, PrintStream out, PrintStream err) {
		List<String> pos = args.positional();
		if (pos.size() != 2)
			throw new UsageException("Give exactly two paths, GROUND_TRUTH and PREDICTION (files or folders); got " + pos.size());
		Convention convention = Convention.parse(args.get("convention", "standard")); // an unknown one exits 2 (InvalidSettingException)
		int threads = args.integer("threads", Runtime.getRuntime().availableProcessors());
		if (threads < 1) throw new UsageException("--threads must be at least 1");
		Path csv = args.path("csv", null);
		if (csv != null && Files.exists(csv) && !args.flag("overwrite"))
			throw new StainNormException("CSV file " + csv + " exists; give --overwrite to replace it");
		if (csv != null && Files.isDirectory(csv)) throw new StainNormException("--csv must name a file, but " + csv + " is a folder");
		if (csv != null) AtomicFile.requireWritableFolder(csv.toAbsolutePath().getParent(), "the CSV file's folder");
		Path gt = Path.of(pos.get(0)), pred = Path.of(pos.get(1));
		for (Path p : List.of(gt, pred))
			if (!Files.exists(p)) throw new StainNormException("Not found: " + p);
		if (csv != null) PathChecks.refuseOutputIsInput(csv, imagesIn(gt, pred), "--csv");
		List<ImagePair> pairs;
		if (Files.isDirectory(gt) && Files.isDirectory(pred)) pairs = ImagePair.matchFolders(gt, pred);
		else if (!Files.isDirectory(gt) && !Files.isDirectory(pred)) pairs = List.of(ImagePair.ofFiles(gt, pred));
		else throw new UsageException("GROUND_TRUTH and PREDICTION must both be files or both be folders");
		boolean single = pairs.size() == 1;
		MetricTable table = Metrics.evaluate(pairs, convention, threads, single ? Progress.NONE : ConsoleProgress.to(out, err));
		List<MetricTable.Row> failed = table.failures();
		if (single && !failed.isEmpty()) throw new StainNormException(failed.get(0).error());
		if (single) for (String w : table.rows().get(0).warnings())
			out.println("WARNING: " + w);
		out.print(table.toText());
		if (csv != null) {
			table.writeCsv(csv);
			out.println("CSV written to " + csv);
		}
		if (!failed.isEmpty())
			throw new StainNormException(failed.size() + " of " + pairs.size() + " pairs could not be compared (each one is an ERROR line above); first: "
				+ failed.get(0).name() + ": " + failed.get(0).error());
		return Main.OK;
	}

	/** The files compared: the two named, or the image files in the two folders named. */
	private static List<Path> imagesIn(Path... paths) {
		List<Path> files = new java.util.ArrayList<>();
		for (Path p : paths) {
			if (!Files.isDirectory(p)) files.add(p);
			else try (var s = Files.list(p)) {
				s.filter(ImageFiles::isImageFile).forEach(files::add);
			}
			catch (java.io.IOException e) {
				throw new StainNormException("Cannot list folder " + p + ": " + e.getMessage());
			}
		}
		return files;
	}
}
