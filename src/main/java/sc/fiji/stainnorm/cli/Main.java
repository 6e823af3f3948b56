package sc.fiji.stainnorm.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * The {@code ./stainnorm} command line: {@code stainnorm [--debug] SUBCOMMAND [options]}, or Fiji's own
 * {@code stainnorm --headless --run "Label" "key=value,..."}. Exit codes: 0 success, 1 the work failed (a
 * clear one-line message on stderr), 2 the command line was wrong (a {@link UsageException} here, or an
 * {@link InvalidSettingException} from the option parsing and validation of the core), 3 an unexpected
 * internal error.
 */
public final class Main {
	public static final int OK = 0, FAILED = 1, USAGE = 2, INTERNAL = 3;

	/** Every subcommand, in the order of the overview. */
	static List<Subcommand> subcommands() {
		return List.of(
			new NormalizeCli(),
			new SlideCli(),
			new TrainCli(),
			new DeconvolveCli(),
			new MetricsCli(),
			new BenchmarkCli(),
			new DemoCli(),
			new EvaluateCli(),
			new AugmentCli(),
			new VectorsCli(),
			new RankReferencesCli());
	}

	private Main() {}

	public static void main(String[] argv) {
		System.setProperty("java.awt.headless", "true");
		int code = run(argv, System.out, System.err);
		System.out.flush();
		// TensorFlow and SciJava leave non-daemon threads behind; the exit code is the contract
		System.exit(code);
	}

	public static int run(String[] argv, PrintStream out, PrintStream err) {
		List<String> args = new ArrayList<>(Arrays.asList(argv));
		boolean debug = args.remove("--debug");
		try {
			if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
				out.print(overview());
				return args.isEmpty() ? USAGE : OK;
			}
			if (args.contains("--run") && (args.get(0).equals("--headless") || args.get(0).equals("--run")))
				return HeadlessRunner.run(args, debug, out, err);
			String name = args.get(0);
			Subcommand sub = subcommands().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
			if (sub == null) {
				err.println("stainnorm: unknown subcommand '" + name + "'. Run ./stainnorm --help for the list.");
				return USAGE;
			}
			List<String> rest = args.subList(1, args.size());
			if (rest.contains("--help") || rest.contains("-h")) {
				out.print(sub.help());
				return OK;
			}
			return sub.run(CliArgs.parse(rest, sub.valuedOptions(), sub.flagOptions()), out, err);
		}
		catch (InvalidSettingException e) { // UsageException included: whatever code found the bad setting
			err.println("stainnorm: " + e.getMessage());
			if (debug) e.printStackTrace(err);
			return USAGE;
		}
		catch (StainNormException e) {
			err.println("stainnorm: " + e.getMessage());
			if (debug) e.printStackTrace(err);
			return FAILED;
		}
		catch (OutOfMemoryError e) {
			err.println("stainnorm: out of memory; give Java more with STAINNORM_JAVA_OPTS=-Xmx16g, or use smaller images");
			return FAILED;
		}
		catch (Throwable e) {
			err.println("stainnorm: internal error: " + e + (debug ? "" : " (run again with --debug for the stack trace)"));
			if (debug) e.printStackTrace(err);
			return INTERNAL;
		}
	}

	static String overview() {
		StringBuilder sb = new StringBuilder();
		sb.append("Stain Normalization for Fiji: colour normalization of H&E images\n\n");
		sb.append("Usage: ./stainnorm [--debug] SUBCOMMAND [options]    (./stainnorm SUBCOMMAND --help for details)\n");
		sb.append("       ./stainnorm --headless --run \"<Command label>\" \"key=value,...\"\n\n");
		sb.append("Subcommands:\n");
		for (Subcommand s : subcommands())
			sb.append(String.format("  %-10s %s%n", s.name(), s.summary()));
		return sb.toString();
	}
}
