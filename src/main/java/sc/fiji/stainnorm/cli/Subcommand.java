package sc.fiji.stainnorm.cli;

import java.io.PrintStream;
import java.util.Set;

/** One {@code ./stainnorm NAME ...} subcommand. */
public interface Subcommand {
	String name();

	/** One line for the overview of {@code ./stainnorm --help}. */
	String summary();

	/** The full text of {@code ./stainnorm NAME --help}: usage line, options, an example. */
	String help();

	/** Options (without the dashes) that take a value, e.g. {@code output}. */
	Set<String> valuedOptions();

	/** Options that take no value, e.g. {@code overwrite}. */
	default Set<String> flagOptions() {
		return Set.of();
	}

	/**
	 * Runs the subcommand. Problems the user can fix are thrown as
	 * {@link sc.fiji.stainnorm.core.StainNormException} and printed as one line.
	 *
	 * @return the process exit code (0 success)
	 */
	int run(CliArgs args, PrintStream out) throws Exception;

	/** As {@link #run(CliArgs, PrintStream)}, for subcommands that report per-item errors on {@code err}. */
	default int run(CliArgs args, PrintStream out, PrintStream err) throws Exception {
		return run(args, out);
	}
}
