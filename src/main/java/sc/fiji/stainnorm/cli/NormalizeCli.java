package sc.fiji.stainnorm.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.Shard;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.BatchNormalizer;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;

/** {@code ./stainnorm normalize}: read → normalize → write for files and folders. */
final class NormalizeCli implements Subcommand {

	@Override
	public String name() {
		return "normalize";
	}

	@Override
	public String summary() {
		return "normalize images or folders with one method";
	}

	@Override
	public Set<String> valuedOptions() {
		return Set.of("method", "reference", "model", "output", "options", "threads", "shard", "pattern");
	}

	@Override
	public Set<String> flagOptions() {
		return Set.of("overwrite");
	}

	@Override
	public String help() {
		return """
			Usage: ./stainnorm normalize --method METHOD [--reference IMG]... [--model FILE] --output DIR INPUT...

			Normalizes every INPUT (image files, or folders of them) and writes the results into DIR under the
			same file names. Existing outputs are skipped (so a stopped run resumes) unless --overwrite is given.

			  --method M        one of: %s
			  --reference IMG   target-style image for the classical methods; repeat it to pool several
			  --model FILE      STST model (.zip); default: the bundled model
			  --output DIR      output folder (created if needed; must not be an input folder)
			  --options K=V,..  method settings, e.g. io=240,alpha=1,beta=0.15 for macenko
			  --pattern GLOB    only files whose name matches, e.g. '*.tif'
			  --shard I/N       process only part I of N of the sorted inputs (cluster job arrays)
			  --threads N       files processed at once (default: number of cores)
			  --overwrite       replace existing outputs

			Example: ./stainnorm normalize --method macenko --reference target.png --output out/ slides/
			""".formatted(String.join(", ", Methods.names()));
	}

	@Override
	public int run(CliArgs args, PrintStream out) {
		return run(args, out, System.err);
	}

	@Override
	public int run(CliArgs args, PrintStream out, PrintStream err) {
		String method = args.require("method");
		MethodOptions options = MethodOptions.parse(args.get("options", null));
		if (args.get("model", null) != null) options = options.with("model", args.get("model", null));
		StainNormalizer normalizer = Methods.create(method, options);
		if (!normalizer.needsReference() && !args.all("reference").isEmpty())
			throw Methods.referencesNotTaken(normalizer, "--reference " + String.join(" ", args.all("reference")));
		List<RgbImage> references = new ArrayList<>();
		for (String r : args.all("reference"))
			references.add(ImageFiles.read(Path.of(r)));
		if (normalizer.needsReference() && references.isEmpty())
			throw new UsageException("Method " + method + " needs at least one --reference image of the target stain style");
		if (args.positional().isEmpty()) throw new UsageException("No INPUT given: name image files or folders to normalize");
		Path output = Path.of(args.require("output"));
		List<Path> inputs = BatchNormalizer.collectInputs(args.positional().stream().map(Path::of).toList(), args.get("pattern", null));
		normalizer.fit(references);
		int threads = args.integer("threads", Runtime.getRuntime().availableProcessors());
		if (threads < 1) throw new UsageException("--threads must be at least 1");
		BatchNormalizer.Report report = BatchNormalizer.run(normalizer, inputs, output, args.flag("overwrite"),
			Shard.parse(args.get("shard", null)), threads, ConsoleProgress.to(out, err));
		out.println(method + ": " + report.summary() + " -> " + output);
		long failed = report.count(BatchNormalizer.Outcome.FAILED);
		if (failed > 0)
			throw new StainNormException(failed + " of " + report.files().size() + " images failed: " + report.failedNames(5)
				+ " (each one's reason is in an ERROR line above); run again to redo them");
		return Main.OK;
	}
}
