package sc.fiji.stainnorm.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.PathChecks;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.BatchNormalizer;
import sc.fiji.stainnorm.vectors.OdScatterPlot;
import sc.fiji.stainnorm.vectors.StainVectorEstimate;

/** {@code ./stainnorm vectors}: the stain vectors of images, as numbers, a CSV and OD scatter plots. */
final class VectorsCli implements Subcommand {

	@Override
	public String name() {
		return "vectors";
	}

	@Override
	public String summary() {
		return "estimate the stain vectors of images; CSV and optical-density scatter plots";
	}

	@Override
	public Set<String> valuedOptions() {
		return Set.of("method", "csv", "plot");
	}

	@Override
	public Set<String> flagOptions() {
		return Set.of("overwrite");
	}

	@Override
	public String help() {
		return """
			Usage: ./stainnorm vectors [--method macenko|vahadane|khan] [--csv FILE] [--plot FILE.png] IMAGE...

			Estimates the haematoxylin and eosin vectors of every IMAGE (files, or folders of them) with the
			method's own estimator (default macenko) and prints, per stain, the unit optical-density vector
			(R, G, B), its angle to Ruifrok & Johnston's standard vector and the 99th-percentile concentration
			over the tissue, then the glass colour, the vectors as ./stainnorm deconvolve --vectors takes them,
			and the run("Colour Deconvolution2", ...) options for Landini's plugin ("User values").

			  --csv FILE     one row per image and stain
			  --plot FILE    PNG: per image (one row each) the tissue pixels' OD in the R-G, R-B and G-B planes,
			                 shaded by density, with the estimated vectors as lines (Ruifrok's dashed)
			  --overwrite    replace existing --csv / --plot files

			Example: ./stainnorm vectors --method vahadane --plot od.png slide.png
			         ./stainnorm deconvolve --vectors "0.6443,0.7167,0.2670;0.0929,0.9541,0.2846" --output stains/ slide.png
			""";
	}

	@Override
	public int run(CliArgs args, PrintStream out) {
		return run(args, out, System.err);
	}

	@Override
	public int run(CliArgs args, PrintStream out, PrintStream err) {
		if (args.positional().isEmpty()) throw new UsageException("No IMAGE given: name image files or folders");
		String method = args.get("method", "macenko").trim().toLowerCase(java.util.Locale.ROOT);
		if (!List.of(StainVectorEstimate.METHODS).contains(method))
			throw new UsageException("--method " + method + " cannot estimate stain vectors; use macenko, vahadane or khan");
		Path csv = args.path("csv", null), plot = args.path("plot", null);
		if (plot != null && !ImageFiles.isImageFile(plot)) throw new UsageException("--plot " + plot + " must end in .png, .tif or .jpg");
		for (Path p : new Path[] { csv, plot })
			if (p != null && !args.flag("overwrite") && Files.exists(p))
				throw new StainNormException(p + " exists; add --overwrite to replace it (nothing was written)");
		List<Path> inputs = BatchNormalizer.collectInputs(args.positional().stream().map(Path::of).toList(), null);
		if (csv != null) PathChecks.refuseOutputIsInput(csv, inputs, "--csv");
		if (plot != null) PathChecks.refuseOutputIsInput(plot, inputs, "--plot");
		StringBuilder table = new StringBuilder(StainVectorEstimate.csvHeader()).append('\n');
		List<String> names = new ArrayList<>();
		List<RgbImage> images = new ArrayList<>();
		List<StainVectorEstimate> estimates = new ArrayList<>();
		int failed = 0;
		for (Path in : inputs) {
			String name = in.getFileName().toString();
			try {
				RgbImage image = ImageFiles.read(in);
				StainVectorEstimate e = StainVectorEstimate.of(image, method);
				out.println(name + " (" + method + "):");
				out.print(e.describe());
				table.append(e.csvRows(name));
				names.add(name);
				images.add(image);
				estimates.add(e);
			}
			catch (StainNormException e) {
				failed++;
				err.println("ERROR: " + in + ": " + e.getMessage());
			}
		}
		if (csv != null && !estimates.isEmpty()) {
			AtomicFile.writeString(csv, table);
			out.println("vectors: table -> " + csv);
		}
		if (plot != null && !estimates.isEmpty()) {
			ImageFiles.write(OdScatterPlot.render(names, images, estimates), plot);
			out.println("vectors: OD plots -> " + plot);
		}
		if (failed > 0) throw new StainNormException(failed + " of " + inputs.size() + " images failed (each one's reason is in an ERROR line above)"
			+ (csv != null || plot != null ? "; the files hold the others" : ""));
		return Main.OK;
	}
}
