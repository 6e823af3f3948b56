package sc.fiji.stainnorm.fiji;

import java.util.function.BooleanSupplier;

import org.scijava.app.StatusService;
import org.scijava.log.LogService;

import sc.fiji.stainnorm.core.Progress;

/** Core progress reported to Fiji's status bar and progress bar; warnings go to the log. */
class StatusProgress implements Progress {
	private final StatusService status;
	private final LogService log;
	private final String prefix;
	private final BooleanSupplier stop;

	StatusProgress(StatusService status, LogService log, String prefix, BooleanSupplier stop) {
		this.status = status;
		this.log = log;
		this.prefix = prefix;
		this.stop = stop;
	}

	@Override
	public void update(long done, long total, String message) {
		if (status == null) return;
		if (total > 0) status.showStatus((int) Math.min(done, Integer.MAX_VALUE), (int) Math.min(total, Integer.MAX_VALUE),
			prefix + ": " + done + "/" + total + " " + message);
		else status.showStatus(prefix + ": " + message);
	}

	@Override
	public void warn(String message) {
		log.warn(prefix + ": " + message);
	}

	@Override
	public void error(String message) {
		log.error(prefix + ": " + message);
	}

	@Override
	public boolean isCancelled() {
		return stop.getAsBoolean();
	}
}
