package sc.fiji.stainnorm.cli;

import java.io.PrintStream;

import sc.fiji.stainnorm.core.Progress;

/**
 * Progress as plain lines ("[3/40] 03.tif written"), readable in a terminal and in a cluster job's log;
 * per-item warnings and errors ("WARNING: ...", "ERROR: in/03.tif: Cannot write ...") go to the error stream, so a
 * job that keeps stdout as its log and stderr for attention shows them where a user looks for trouble.
 */
final class ConsoleProgress implements Progress {
	private final PrintStream out, err;

	private ConsoleProgress(PrintStream out, PrintStream err) {
		this.out = out;
		this.err = err;
	}

	static Progress to(PrintStream out, PrintStream err) {
		return new ConsoleProgress(out, err);
	}

	@Override
	public synchronized void warn(String message) {
		err.println("WARNING: " + message);
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
