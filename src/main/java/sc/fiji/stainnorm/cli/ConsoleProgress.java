package sc.fiji.stainnorm.cli;

import java.io.PrintStream;

import sc.fiji.stainnorm.core.Progress;

/**
 * Progress as plain lines ("[3/40] 03.tif written"), readable in a terminal and in a cluster job's log;
 * per-item errors ("ERROR: in/03.tif: Cannot write ...") go to the error stream.
 */
final class ConsoleProgress implements Progress {
	private final PrintStream out, err;

	private ConsoleProgress(PrintStream out, PrintStream err) {
		this.out = out;
		this.err = err;
	}

	/** Progress and warnings on {@code out}, errors on {@code System.err}. */
	static Progress to(PrintStream out) {
		return new ConsoleProgress(out, System.err);
	}

	static Progress to(PrintStream out, PrintStream err) {
		return new ConsoleProgress(out, err);
	}

	@Override
	public synchronized void error(String message) {
		err.println("ERROR: " + message);
	}

	@Override
	public synchronized void update(long done, long total, String message) {
		if (done < 0) out.println(message);
		else out.println("[" + done + "/" + total + "] " + message);
	}
}
