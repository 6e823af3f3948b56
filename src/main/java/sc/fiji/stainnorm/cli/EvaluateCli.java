package sc.fiji.stainnorm.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import sc.fiji.stainnorm.evaluate.EvaluateRun;

/** {@code ./stainnorm evaluate}: every method on the shared test images (or the synthetic ones), the paper's tables. */
final class EvaluateCli implements Subcommand {

	@Override
	public String name() {
		return "evaluate";
	}

	@Override
	public String summary() {
		return "compare every method on test images: metrics, stain separation, speed, report";
	}

	@Override
	public Set<String> valuedOptions() {
		return Set.of("data", "output", "markdown", "seed", "patches", "patch-size", "references", "timing-patches", "model", "train-steps",
			"threads", "methods");
	}

	@Override
	public Set<String> flagOptions() {
		return Set.of("overwrite", "synthetic");
	}

	@Override
	public String help() {
		return """
			Usage: ./stainnorm evaluate [--data DIR | --synthetic] [--output DIR] [options]

			Runs every registered method and scores it like the STST paper: matched ground truth (test patches
			stain-shifted with seeded parameters, normalized back, compared with the original), unmatched ground
			truth (the same tissue from two scanners, registered), stain-separation distances SH/SE/SBg, speed,
			and the spread over reference images. Writes CSV files, box plots, montages and a Markdown report.

			  --data DIR             shared H&E folder with pengyzhang_cell_seg_matlab/ and DeepMicroscopy_MultiScanner_SCC/
			                         (default ../shared/data/he)
			  --synthetic            use the project's synthetic tissue instead (known answer; quick)
			  --output DIR           report folder (default evaluation-output); must be empty unless --overwrite
			  --markdown FILE        write the Markdown report there instead of DIR/results.md
			  --seed N               seed of the stain shifts and of the reference choice (default 1)
			  --patches N            at most N test patches (default: all; --synthetic: 4)
			  --patch-size N         test patch size in pixels (default 256)
			  --references N         reference images tried per classical method (default 5; the first makes the tables)
			  --timing-patches N     patches per method for the speed table (default 500; 0 skips timing)
			  --model FILE           STST model (default: the bundled one; the test split is the model's held-out tiles)
			  --train-steps N        train an STST model on the train split first (N steps) and evaluate it
			  --threads N            worker threads (default: all cores)
			  --methods a,b,...      only these methods (default: all)
			  --overwrite            write into a non-empty output folder

			Example: ./stainnorm evaluate --output docs/evaluation --markdown docs/results.md
			""";
	}

	@Override
	public int run(CliArgs args, PrintStream out) {
		return run(args, out, System.err);
	}

	@Override
	public int run(CliArgs args, PrintStream out, PrintStream err) {
		boolean synthetic = args.flag("synthetic");
		if (synthetic && args.get("data", null) != null) throw new UsageException("Give --data or --synthetic, not both");
		if (!args.positional().isEmpty()) throw new UsageException("evaluate takes no positional arguments, got " + args.positional());
		List<String> methods = new ArrayList<>();
		for (String m : args.get("methods", "").split(","))
			if (!m.isBlank()) methods.add(m.trim().toLowerCase());
		String model = args.get("model", null), markdown = args.get("markdown", null);
		EvaluateRun.Options o = new EvaluateRun.Options(args.path("data", Path.of("..", "shared", "data", "he")), synthetic,
			args.path("output", Path.of("evaluation-output")), markdown == null ? null : Path.of(markdown), args.flag("overwrite"),
			args.integer("seed", 1), args.integer("patches", 0), args.integer("patch-size", 256), args.integer("references", 5),
			args.integer("timing-patches", 500), model == null ? null : Path.of(model), args.integer("train-steps", 0),
			args.integer("threads", Runtime.getRuntime().availableProcessors()), methods, commandLine(args));
		EvaluateRun.Outcome r = EvaluateRun.run(o, ConsoleProgress.to(out, err));
		out.println("methods evaluated: " + String.join(", ", r.methods()));
		r.skipped().forEach((m, why) -> out.println("skipped " + m + ": " + why));
		out.printf(java.util.Locale.ROOT, "report: %s (%.0f s)%n", r.report(), r.seconds());
		return r.skipped().isEmpty() ? Main.OK : Main.FAILED;
	}

	/** The command as the user would type it again (options in a fixed order, so reruns compare equal). */
	private static String commandLine(CliArgs args) {
		StringBuilder sb = new StringBuilder("./stainnorm evaluate");
		for (String flag : List.of("synthetic", "overwrite"))
			if (args.flag(flag)) sb.append(" --").append(flag);
		for (String key : List.of("data", "output", "markdown", "seed", "patches", "patch-size", "references", "timing-patches", "model",
			"train-steps", "threads", "methods")) {
			String v = args.get(key, null);
			if (v != null) sb.append(" --").append(key).append(' ').append(v.contains(" ") ? "'" + v + "'" : v);
		}
		return sb.toString();
	}
}
