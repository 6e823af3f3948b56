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
import sc.fiji.stainnorm.normalize.StainProfile;
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
		return Set.of("method", "reference", "model", "output", "options", "threads", "shard", "pattern", "save-profile");
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
			  --reference IMG   target-style image for the classical methods; repeat it to pool several;
			                    or one NAME.stainprofile saved by --save-profile (no fitting)
			  --save-profile F  save what the method learned from its references as F (.stainprofile);
			                    without INPUT and --output, only that is done
			  --model FILE      STST model (.zip); default: the bundled model
			  --output DIR      output folder (created if needed; must not be an input folder)
			  --options K=V,..  method settings, e.g. io=240,alpha=1,beta=0.15 for macenko
			  --pattern GLOB    only files whose name matches, e.g. '*.tif'
			  --shard I/N       process only part I of N of the sorted inputs (cluster job arrays)
			  --threads N       files processed at once (default: number of cores; STST one more, as a
			                    worker inside a TensorFlow call only waits)
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
		// a stain profile (--reference NAME.stainprofile) is an already fitted target
		StainNormalizer profiled = StainProfile.fromReferences(method, args.get("options", null), args.all("reference"));
		StainNormalizer normalizer = profiled != null ? profiled : Methods.create(method, options);
		if (profiled == null && !normalizer.needsReference() && !args.all("reference").isEmpty())
			throw Methods.referencesNotTaken(normalizer, "--reference " + String.join(" ", args.all("reference")));
		List<RgbImage> references = new ArrayList<>();
		if (profiled == null) for (String r : args.all("reference"))
			references.add(ImageFiles.read(Path.of(r)));
		if (args.get("save-profile", null) != null && !StainProfile.methods().contains(normalizer.name()))
			throw new UsageException("--save-profile: " + normalizer.name() + " has no stain profile (" + String.join(", ", StainProfile.methods()) + " have)");
		if (profiled == null && args.get("save-profile", null) != null && args.positional().isEmpty() && args.get("output", null) == null)
			return saveProfileOnly(normalizer, references, args, out);
		if (profiled == null && normalizer.needsReference() && references.isEmpty())
			throw new UsageException("Method " + method + " needs at least one --reference image of the target stain style");
		if (args.positional().isEmpty()) throw new UsageException("No INPUT given: name image files or folders to normalize");
		Path output = Path.of(args.require("output"));
		List<Path> inputs = BatchNormalizer.collectInputs(args.positional().stream().map(Path::of).toList(), args.get("pattern", null));
		if (profiled == null) normalizer.fit(references);
		if (args.get("save-profile", null) != null) saveProfile(normalizer, args, out);
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

	/** {@code --save-profile} without inputs: fit the references and save what was learned, nothing else. */
	private static int saveProfileOnly(StainNormalizer normalizer, List<RgbImage> references, CliArgs args, PrintStream out) {
		if (references.isEmpty()) throw new UsageException("--save-profile needs --reference images to learn the target style from");
		normalizer.fit(references);
		saveProfile(normalizer, args, out);
		return Main.OK;
	}

	private static void saveProfile(StainNormalizer fitted, CliArgs args, PrintStream out) {
		Path file = Path.of(args.get("save-profile", null));
		if (!StainProfile.isProfile(file)) throw new UsageException("--save-profile " + file + " must end in " + StainProfile.EXTENSION);
		if (!args.flag("overwrite") && java.nio.file.Files.exists(file))
			throw new StainNormException(file + " exists; add --overwrite to replace it");
		StainProfile.save(fitted, args.get("options", null), args.all("reference"), file);
		out.println(fitted.name() + ": stain profile -> " + file + " (use it as --reference " + file.getFileName() + ")");
	}
}
