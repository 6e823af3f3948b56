package sc.fiji.stainnorm.cli;

import java.io.PrintStream;

import sc.fiji.stainnorm.core.Progress;

/** Progress as plain lines ("[3/40] 03.tif written"), readable in a terminal and in a cluster job's log. */
final class ConsoleProgress implements Progress {
	private final PrintStream out;

	private ConsoleProgress(PrintStream out) {
		this.out = out;
	}

	static Progress to(PrintStream out) {
		return new ConsoleProgress(out);
	}

	@Override
	public synchronized void update(long done, long total, String message) {
		if (done < 0) out.println(message);
		else out.println("[" + done + "/" + total + "] " + message);
	}
}
