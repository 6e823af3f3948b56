package sc.fiji.stainnorm.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.Shard;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.normalize.StainProfile;
import sc.fiji.stainnorm.slide.PyramidTiffOptions;
import sc.fiji.stainnorm.slide.WholeSlideJob;

/** {@code ./stainnorm slide}: whole slides, tile by tile with one source model per slide, into pyramidal TIFFs. */
final class SlideCli implements Subcommand {

	@Override
	public String name() {
		return "slide";
	}

	@Override
	public String summary() {
		return "normalize whole-slide images (SVS, pyramidal TIFF) into pyramidal TIFFs";
	}

	@Override
	public Set<String> valuedOptions() {
		return Set.of("method", "reference", "model", "output", "options", "threads", "shard", "compression", "quality", "tile-size",
			"samples", "seed");
	}

	@Override
	public Set<String> flagOptions() {
		return Set.of("overwrite", "bigtiff");
	}

	@Override
	public String help() {
		return """
			Usage: ./stainnorm slide --method METHOD [--reference IMG]... [--options K=V,..] --output OUT.tif SLIDE
			       ./stainnorm slide --method METHOD [--reference IMG]... --output DIR SLIDE... (or folders of slides)

			Normalizes whole-slide images (Aperio SVS, tiled or strip TIFF and BigTIFF, pyramidal TIFF, OME-TIFF)
			tile by tile in bounded memory, with ONE source model per slide learned from a seeded sample of its
			tissue tiles (logged), and writes each as a tiled pyramidal TIFF (BigTIFF when over 4 GB) that OpenSlide
			and libvips open, keeping the pixel size. Glass tiles get the same model, so no tile border shows. A killed run
			resumes where it stopped when run again; complete outputs are skipped unless --overwrite.

			  --method M        one of: %s
			  --reference IMG   target-style image for the classical methods; repeat it to pool several
			  --model FILE      STST model (.zip); default: the bundled model
			  --output OUT      OUT.tif for one slide; a folder for several (NAME.tif each)
			  --options K=V,..  method settings, as for normalize
			  --compression C   jpeg (default) or deflate (lossless)
			  --quality Q       JPEG quality 1-100 (default 90)
			  --tile-size N     256 or 512 (default 512)
			  --bigtiff         write BigTIFF even when the file stays under 4 GB
			  --samples N       tissue tiles the source model is learned from (default 64)
			  --seed S          where those tiles are drawn (default 1)
			  --shard I/N       only part I of N of the sorted slides (cluster job arrays)
			  --threads N       tiles normalized and encoded at once (default: number of cores)
			  --overwrite       replace existing outputs

			Example: ./stainnorm slide --method macenko --reference target.png --output normalized/ slides/
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
		// a stain profile (--reference NAME.stainprofile) is an already fitted target, as for `normalize`
		StainNormalizer profiled = StainProfile.fromReferences(method, args.get("options", null), args.all("reference"));
		StainNormalizer normalizer = profiled != null ? profiled : Methods.create(method, options);
		if (profiled == null && !normalizer.needsReference() && !args.all("reference").isEmpty())
			throw Methods.referencesNotTaken(normalizer, "--reference " + String.join(" ", args.all("reference")));
		if (profiled == null && normalizer.needsReference() && args.all("reference").isEmpty())
			throw new UsageException("Method " + method + " needs at least one --reference image of the target stain style");
		if (args.positional().isEmpty()) throw new UsageException("No SLIDE given: name slide files or folders of slides");
		Path output = Path.of(args.require("output"));
		PyramidTiffOptions write = writeOptions(args);
		int samples = args.integer("samples", 64);
		if (samples < 1) throw new UsageException("--samples must be at least 1");
		Shard shard = Shard.parse(args.get("shard", null));
		List<Path> slides = WholeSlideJob.collectSlides(args.positional().stream().map(Path::of).toList());
		if (profiled == null) {
			List<RgbImage> references = new ArrayList<>();
			for (String r : args.all("reference")) references.add(ImageFiles.read(Path.of(r)));
			normalizer.fit(references);
		}
		WholeSlideJob.Settings settings = WholeSlideJob.Settings.of(normalizer, jobTag(method, args), write)
			.withSamples(samples, 256, args.integer("seed", 1)).withShard(shard);
		WholeSlideJob.Report report = WholeSlideJob.run(slides, output, settings, ConsoleProgress.to(out, err));
		out.println(method + ": " + report.summary() + " -> " + output);
		long failed = report.count(WholeSlideJob.Outcome.FAILED);
		if (failed > 0)
			throw new StainNormException(failed + " of " + report.items().size() + " slides failed: " + report.failedNames(5)
				+ " (each one's reason is in an ERROR line above); run again to redo or resume them");
		return Main.OK;
	}

	static PyramidTiffOptions writeOptions(CliArgs args) {
		PyramidTiffOptions o = PyramidTiffOptions.defaults();
		String compression = args.get("compression", "jpeg").toLowerCase(Locale.ROOT);
		o = switch (compression) {
			case "jpeg" -> o.withCompression(PyramidTiffOptions.Compression.JPEG);
			case "deflate" -> o.withCompression(PyramidTiffOptions.Compression.DEFLATE);
			default -> throw new UsageException("--compression " + compression + ": use jpeg or deflate");
		};
		if (args.get("quality", null) != null) {
			if (o.compression() != PyramidTiffOptions.Compression.JPEG) throw new UsageException("--quality is for --compression jpeg only");
			o = o.withJpegQuality(args.integer("quality", 90));
		}
		o = o.withTileSize(args.integer("tile-size", o.tileSize()));
		int threads = args.integer("threads", Runtime.getRuntime().availableProcessors());
		if (threads < 1) throw new UsageException("--threads must be at least 1");
		return o.withThreads(threads).withOverwrite(args.flag("overwrite")).withForceBigTiff(args.flag("bigtiff"));
	}

	/** Method, options, model and references (names and sizes): what the journal of a resumable write must match. */
	static String jobTag(String method, CliArgs args) {
		StringBuilder tag = new StringBuilder(method);
		if (args.get("options", null) != null) tag.append(" options=").append(args.get("options", null));
		if (args.get("model", null) != null) tag.append(" model=").append(fileKey(Path.of(args.get("model", null))));
		for (String r : args.all("reference")) tag.append(" reference=").append(fileKey(Path.of(r)));
		tag.append(" samples=").append(args.get("samples", "64")).append(" seed=").append(args.get("seed", "1"));
		return tag.toString();
	}

	private static String fileKey(Path p) {
		try {
			return p.getFileName() + ":" + java.nio.file.Files.size(p);
		}
		catch (java.io.IOException e) {
			throw new InvalidSettingException("Cannot read " + p + ": " + e.getMessage());
		}
	}
}
