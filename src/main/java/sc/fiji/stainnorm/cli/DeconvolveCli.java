package sc.fiji.stainnorm.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import sc.fiji.stainnorm.core.FloatTiff;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.ImageOutput;
import sc.fiji.stainnorm.core.PathChecks;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.deconvolution.ColourDeconvolution;
import sc.fiji.stainnorm.deconvolution.StainVectors;
import sc.fiji.stainnorm.normalize.BatchNormalizer;

/** {@code ./stainnorm deconvolve}: Ruifrok &amp; Johnston colour deconvolution into per-stain images. */
final class DeconvolveCli implements Subcommand {

	@Override
	public String name() {
		return "deconvolve";
	}

	@Override
	public String summary() {
		return "split images into per-stain concentration and single-stain images";
	}

	@Override
	public Set<String> valuedOptions() {
		return Set.of("output", "vectors", "io");
	}

	@Override
	public Set<String> flagOptions() {
		return Set.of("overwrite");
	}

	@Override
	public String help() {
		return """
			Usage: ./stainnorm deconvolve --output DIR [--vectors he|hedab|"r,g,b;r,g,b[;r,g,b]"] [--io N] INPUT...

			Ruifrok & Johnston colour deconvolution of every INPUT (image files, or folders of them). For each
			image NAME and each stain S it writes into DIR:
			  NAME_S.tif   the stain's concentration (optical density units), 32-bit float TIFF; values below 0
			               (colours outside the stains' range) are written as 0
			  NAME_S.png   the image that stain alone would give (single-stain reconstruction)

			  --vectors V   he (default): Ruifrok's haematoxylin and eosin, third stain = residual
			                hedab: haematoxylin, eosin, DAB
			                "r,g,b;r,g,b" or "r,g,b;r,g,b;r,g,b": your own optical-density vectors
			                (non-negative, normalized for you); with two, the third is the residual
			  --io N        background (white) intensity, 1-255 (default 255)
			  --overwrite   replace existing outputs (default: an existing file is never replaced; images
			                whose outputs all exist are skipped, missing outputs are written)

			DIR must not be the folder of an input (also not through a symbolic link), and two inputs may not
			share a name without their ending (a.png and a.tif would give the same outputs).

			Example: ./stainnorm deconvolve --output stains/ --vectors hedab slide.png
			""";
	}

	@Override
	public int run(CliArgs args, PrintStream out) {
		return run(args, out, System.err);
	}

	@Override
	public int run(CliArgs args, PrintStream out, PrintStream err) {
		if (args.positional().isEmpty()) throw new UsageException("No INPUT given: name image files or folders to deconvolve");
		Path output = Path.of(args.require("output"));
		StainVectors stains = parseVectors(args.get("vectors", "he"));
		double io = args.number("io", 255);
		if (!(io >= 1 && io <= 255)) throw new UsageException("--io must be from 1 to 255, got " + args.get("io", null));
		ColourDeconvolution deconvolution = new ColourDeconvolution(stains, io);
		List<Path> inputs = BatchNormalizer.collectInputs(args.positional().stream().map(Path::of).toList(), null);
		PathChecks.refuseOutputInInputFolder(output, inputs, "The output folder");
		PathChecks.refuseClashingNames(inputs, DeconvolveCli::baseName, "have the same name without their ending, so their outputs would too");
		List<Path[]> outputs = inputs.stream().map(in -> outputFiles(output, baseName(in), stains)).toList();
		for (Path[] files : outputs)
			for (Path f : files)
				PathChecks.refuseOutputIsInput(f, inputs, "The output");
		BatchNormalizer.checkWritableFolder(output);
		boolean overwrite = args.flag("overwrite");
		int failed = 0, done = 0;
		List<String> failedNames = new java.util.ArrayList<>();
		for (int k = 0; k < inputs.size(); k++) {
			Path in = inputs.get(k);
			Path[] files = outputs.get(k);
			done++;
			// without --overwrite a complete output is never replaced; an incomplete one is written again
			boolean[] keep = new boolean[files.length];
			int existing = 0;
			for (int f = 0; f < files.length && !overwrite; f++) {
				String problem = Files.exists(files[f]) ? ImageOutput.whyIncomplete(files[f]) : "missing";
				keep[f] = problem == null;
				if (keep[f]) existing++;
				else if (!"missing".equals(problem)) err.println("WARNING: the existing output " + files[f] + " " + problem + "; writing it again");
			}
			if (existing == files.length) {
				out.println("[" + done + "/" + inputs.size() + "] " + in.getFileName() + " skipped (outputs exist)");
				continue;
			}
			try {
				RgbImage image = ImageFiles.read(in);
				float[][] c = deconvolution.concentrations(image);
				long negative = ColourDeconvolution.clampNegative(c);
				for (int s = 0; s < 3; s++) {
					if (!keep[2 * s]) FloatTiff.write(c[s], image.width(), image.height(), files[2 * s]);
					if (!keep[2 * s + 1]) ImageFiles.write(deconvolution.singleStain(image.width(), image.height(), c, s), files[2 * s + 1]);
				}
				out.println("[" + done + "/" + inputs.size() + "] " + in.getFileName() + " written"
					+ (!overwrite && existing > 0 ? " (" + existing + " of its " + files.length + " outputs existed and were kept; --overwrite replaces them)" : "")
					+ (negative > 0 ? String.format(Locale.ROOT, " (%.1f%% of concentrations were negative, written as 0)", 100.0 * negative / (3.0 * image.pixelCount())) : ""));
			}
			catch (StainNormException e) {
				failed++;
				if (failedNames.size() < 5) failedNames.add(in.getFileName().toString());
				err.println("ERROR: " + in + ": " + e.getMessage());
			}
		}
		out.println("deconvolve: " + (inputs.size() - failed) + " of " + inputs.size() + " images done -> " + output);
		if (failed > 0) throw new StainNormException(failed + " of " + inputs.size() + " images failed: " + String.join(", ", failedNames)
			+ (failed > failedNames.size() ? " and " + (failed - failedNames.size()) + " more" : "") + " (each one's reason is in an ERROR line above)");
		return Main.OK;
	}

	private static String baseName(Path in) {
		return in.getFileName().toString().replaceFirst("\\.[^.]+$", "");
	}

	/** NAME_S.tif and NAME_S.png for each stain S, in that order. */
	private static Path[] outputFiles(Path output, String base, StainVectors stains) {
		Path[] files = new Path[6];
		for (int s = 0; s < 3; s++) {
			String suffix = "_" + fileSafe(stains.names()[s]);
			files[2 * s] = output.resolve(base + suffix + ".tif");
			files[2 * s + 1] = output.resolve(base + suffix + ".png");
		}
		return files;
	}

	private static String fileSafe(String name) {
		return name.replaceAll("[^A-Za-z0-9]+", "-");
	}

	/** {@code he}, {@code hedab}, or two or three {@code r,g,b} vectors separated by semicolons. */
	static StainVectors parseVectors(String text) {
		String t = text.trim().toLowerCase(Locale.ROOT);
		if (t.equals("he") || t.equals("h&e")) return StainVectors.H_E;
		if (t.equals("hedab") || t.equals("h&e&dab") || t.equals("h-e-dab")) return StainVectors.H_E_DAB;
		String[] parts = t.split(";");
		if (parts.length != 2 && parts.length != 3)
			throw new UsageException("--vectors '" + text + "' must be he, hedab, or two or three r,g,b vectors separated by ';'");
		double[][] v = new double[parts.length][];
		for (int i = 0; i < parts.length; i++) {
			String[] xyz = parts[i].trim().split("\\s*,\\s*");
			if (xyz.length != 3) throw new UsageException("--vectors: stain " + (i + 1) + " '" + parts[i].trim() + "' needs 3 numbers r,g,b");
			v[i] = new double[3];
			for (int c = 0; c < 3; c++) {
				try {
					v[i][c] = Double.parseDouble(xyz[c]);
				}
				catch (NumberFormatException e) {
					throw new UsageException("--vectors: '" + xyz[c] + "' in stain " + (i + 1) + " is not a number");
				}
				if (!(v[i][c] >= 0) || Double.isInfinite(v[i][c]))
					throw new UsageException("--vectors: stain " + (i + 1) + " has component " + xyz[c] + "; optical densities must be finite and not negative");
			}
			if (v[i][0] + v[i][1] + v[i][2] == 0) throw new UsageException("--vectors: stain " + (i + 1) + " is all zero");
		}
		StainVectors sv = parts.length == 2 ? StainVectors.of(new String[] { "Stain1", "Stain2", "Residual" }, v[0], v[1])
			: StainVectors.of(new String[] { "Stain1", "Stain2", "Stain3" }, v[0], v[1], v[2]);
		try {
			new ColourDeconvolution(sv, 255); // fails early, with a clear message, for parallel vectors
		}
		catch (StainNormException e) {
			throw new UsageException("--vectors: " + e.getMessage());
		}
		return sv;
	}
}
