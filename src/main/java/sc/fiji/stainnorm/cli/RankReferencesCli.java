package sc.fiji.stainnorm.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.BatchNormalizer;
import sc.fiji.stainnorm.normalize.ReferenceRanking;
import sc.fiji.stainnorm.normalize.StainProfile;

/** {@code ./stainnorm rank-references}: which candidate reference is most typical of a set of images. */
final class RankReferencesCli implements Subcommand {

	@Override
	public String name() {
		return "rank-references";
	}

	@Override
	public String summary() {
		return "rank candidate reference images by how typical their stain profile is of the set";
	}

	@Override
	public Set<String> valuedOptions() {
		return Set.of("method", "options", "csv", "threads");
	}

	@Override
	public Set<String> flagOptions() {
		return Set.of("overwrite");
	}

	@Override
	public String help() {
		return """
			Usage: ./stainnorm rank-references [--method macenko|vahadane|khan|reinhard] [--csv FILE] IMAGE...

			Fits the method on each IMAGE (files, or folders of them; at least 3) alone and ranks the images by
			the distance of that stain profile to the median profile of all of them (each number scaled by its
			robust spread over the set). The first is the most typical: a representative --reference instead
			of the first image at hand; the last are outliers (other stain, scanner, or odd patches). Images the
			method cannot fit (no tissue) are listed at the end with the reason.

			  --method M     whose stain profile to compare (default macenko)
			  --options K=V  method settings, as for normalize
			  --csv FILE     rank,image,distance,problem
			  --threads N    images fitted at once (default: number of cores)
			  --overwrite    replace an existing --csv file

			Example: ./stainnorm rank-references --method vahadane slides/
			""";
	}

	@Override
	public int run(CliArgs args, PrintStream out) {
		return run(args, out, System.err);
	}

	@Override
	public int run(CliArgs args, PrintStream out, PrintStream err) {
		if (args.positional().isEmpty()) throw new UsageException("No IMAGE given: name the candidate images or their folder");
		String method = args.get("method", "macenko").trim().toLowerCase(Locale.ROOT);
		if (!StainProfile.methods().contains(method))
			throw new UsageException("--method " + method + " has no stain profile; use one of " + String.join(", ", StainProfile.methods()));
		Path csv = args.path("csv", null);
		if (csv != null && !args.flag("overwrite") && Files.exists(csv)) throw new StainNormException(csv + " exists; add --overwrite to replace it");
		int threads = args.integer("threads", Runtime.getRuntime().availableProcessors());
		if (threads < 1) throw new UsageException("--threads must be at least 1");
		List<Path> inputs = BatchNormalizer.collectInputs(args.positional().stream().map(Path::of).toList(), null);
		if (csv != null) sc.fiji.stainnorm.core.PathChecks.refuseOutputIsInput(csv, inputs, "--csv");
		List<ReferenceRanking.Candidate> ranked = ReferenceRanking.rank(inputs, method, args.get("options", null), threads,
			sc.fiji.stainnorm.core.Progress.NONE);
		out.println("rank  distance  image (" + method + " stain profile vs. the median of " + inputs.size() + " images)");
		int rank = 0;
		for (ReferenceRanking.Candidate c : ranked) {
			if (c.failure() == null) {
				rank++;
				out.println(String.format(Locale.ROOT, "%4d  %8.3f  %s", rank, c.distance(), c.file()));
			}
			else {
				out.println("   -         -  " + c.file() + "  not ranked: " + c.failure());
				err.println("WARNING: " + c.file() + ": not ranked: " + c.failure());
			}
		}
		out.println("most typical: " + ranked.get(0).file() + " (use it as --reference)");
		if (csv != null) {
			AtomicFile.writeString(csv, ReferenceRanking.csv(ranked));
			out.println("rank-references: table -> " + csv);
		}
		return Main.OK;
	}
}
