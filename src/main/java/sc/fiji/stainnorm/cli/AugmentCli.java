package sc.fiji.stainnorm.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import sc.fiji.stainnorm.augment.AugmentBatch;
import sc.fiji.stainnorm.augment.StainAugmenter;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.BatchNormalizer;

/** {@code ./stainnorm augment}: seeded stain variants of every input, for training. */
final class AugmentCli implements Subcommand {

	@Override
	public String name() {
		return "augment";
	}

	@Override
	public String summary() {
		return "write seeded stain variants of images (HED jitter, Macenko/Vahadane stain augmentation)";
	}

	@Override
	public Set<String> valuedOptions() {
		return Set.of("method", "copies", "sigma1", "sigma2", "seed", "output", "threads", "montage", "rotation");
	}

	@Override
	public Set<String> flagOptions() {
		return Set.of("overwrite");
	}

	@Override
	public String help() {
		return """
			Usage: ./stainnorm augment --output DIR [--method hed|macenko|vahadane] [--copies N]
			                           [--sigma1 0.05] [--sigma2 0.05] [--rotation 0] [--seed S] INPUT...

			Writes N stain variants of every INPUT (image files, or folders of them) into DIR as NAME_aug01.png,
			NAME_aug02.png, ..., and augmentation.csv with what was drawn for each copy. Each stain's
			concentration c becomes alpha*c + beta, alpha ~ U(1-sigma1, 1+sigma1), beta ~ U(-sigma2, sigma2):
			  hed        Tellez et al. 2018: Ruifrok's haematoxylin, eosin and DAB (default)
			  macenko    the image's own H and E vectors as Macenko's method estimates them
			  vahadane   the image's own H and E vectors as Vahadane's method estimates them
			Glass keeps its colour; patches without tissue are copied unchanged (with a warning).
			The draws depend only on the seed, the file name and the copy number: the same command gives
			the same files on any machine and with any --threads.

			  --copies N     variants per image (default 4)
			  --sigma1 S     range of the scale alpha around 1 (default 0.05)
			  --sigma2 S     range of the shift beta around 0, in OD units (default 0.05)
			  --rotation D   also turn each stain's vector by up to D degrees (default 0, at most 20)
			  --seed S       integer seed of the run (default 0)
			  --threads N    images processed at once (default: number of cores)
			  --montage F    also write F (.png): the first 8 inputs (rows), each with its variants
			  --overwrite    replace existing outputs (default: refuse before writing anything)

			Example: ./stainnorm augment --method hed --copies 8 --seed 42 --output train_aug/ train/
			""";
	}

	@Override
	public int run(CliArgs args, PrintStream out) {
		return run(args, out, System.err);
	}

	@Override
	public int run(CliArgs args, PrintStream out, PrintStream err) {
		if (args.positional().isEmpty()) throw new UsageException("No INPUT given: name image files or folders to augment");
		Path output = Path.of(args.require("output"));
		StainAugmenter.Method method;
		StainAugmenter augmenter;
		try {
			method = StainAugmenter.Method.parse(args.get("method", "hed"));
			augmenter = StainAugmenter.of(method, args.number("sigma1", StainAugmenter.DEFAULT_SIGMA1),
				args.number("sigma2", StainAugmenter.DEFAULT_SIGMA2)).withRotation(args.number("rotation", 0));
		}
		catch (StainNormException e) {
			throw new UsageException("--" + e.getMessage().replaceFirst("^Augmentation method", "method"));
		}
		int copies = args.integer("copies", 4);
		if (copies < 1) throw new UsageException("--copies must be at least 1");
		long seed = parseSeed(args.get("seed", "0"));
		int threads = args.integer("threads", Runtime.getRuntime().availableProcessors());
		if (threads < 1) throw new UsageException("--threads must be at least 1");
		List<Path> inputs = BatchNormalizer.collectInputs(args.positional().stream().map(Path::of).toList(), null);
		Path montage = args.path("montage", null);
		if (montage != null && !ImageFiles.isImageFile(montage)) throw new UsageException("--montage " + montage + " must end in .png, .tif or .jpg");
		if (montage != null && !args.flag("overwrite") && Files.exists(montage))
			throw new StainNormException(montage + " exists; add --overwrite to replace it (nothing was written)");
		List<AugmentBatch.Row> rows = AugmentBatch.run(augmenter, inputs, output, copies, seed, args.flag("overwrite"), threads,
			ConsoleProgress.to(out, err));
		if (montage != null) ImageFiles.write(AugmentBatch.montage(rows, copies, 8, 160), montage);
		long unchanged = rows.stream().filter(r -> r.augmentation().isUnchanged()).count() / copies;
		out.println("augment: " + rows.size() + " variants of " + inputs.size() + " images (" + augmenter + ", seed " + seed + ")"
			+ (unchanged > 0 ? ", " + unchanged + " copied unchanged" : "") + " -> " + output + ", parameters in "
			+ output.resolve(AugmentBatch.CSV));
		return Main.OK;
	}

	static long parseSeed(String text) {
		try {
			return Long.parseLong(text.trim());
		}
		catch (NumberFormatException e) {
			throw new UsageException("--seed '" + text + "' is not an integer");
		}
	}
}
