package sc.fiji.stainnorm.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

import sc.fiji.stainnorm.demo.Demo;

/** {@code ./stainnorm demo}: every method on the project's synthetic test images, with a montage. */
final class DemoCli implements Subcommand {

	@Override
	public String name() {
		return "demo";
	}

	@Override
	public String summary() {
		return "normalize the built-in test images with every method; outputs, montage, metrics";
	}

	@Override
	public Set<String> valuedOptions() {
		return Set.of("output");
	}

	@Override
	public Set<String> flagOptions() {
		return Set.of("overwrite");
	}

	@Override
	public String help() {
		return """
			Usage: ./stainnorm demo [--output DIR] [--overwrite]

			Renders the synthetic test tissue in stain styles A and C and normalizes it with every method
			towards style B (reference: another tissue in style B), so the style-B rendering of the same
			tissue is the exact ground truth. Writes DIR/input/, DIR/<method>/, DIR/montage.png and
			DIR/metrics.csv (mean of every standard metric per method, and for the unnormalized input, against
			the ground truth). DIR defaults to ./demo-output and must be empty unless --overwrite is given.
			""";
	}

	@Override
	public int run(CliArgs args, PrintStream out) {
		return run(args, out, System.err);
	}

	@Override
	public int run(CliArgs args, PrintStream out, PrintStream err) {
		if (!args.positional().isEmpty()) throw new UsageException("demo takes no positional arguments, got " + args.positional() + " (the folder goes in --output)");
		Path dir = args.path("output", Path.of("demo-output"));
		Demo.Result r = Demo.run(dir, args.flag("overwrite"), ConsoleProgress.to(out, err));
		out.println("methods run: " + String.join(", ", r.methods()));
		r.skipped().forEach((m, why) -> out.println("skipped " + m + ": " + why));
		out.println();
		out.print(r.metricsText());
		out.println();
		out.println("montage: " + r.montage());
		out.println("metrics: " + r.metricsCsv());
		return Main.OK;
	}
}
