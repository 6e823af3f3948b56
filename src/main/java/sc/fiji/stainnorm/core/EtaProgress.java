package sc.fiji.stainnorm.core;

/**
 * Adds the estimated time left to the messages of another {@link Progress} ("... – 42% – ETA 3 min 10 s"), from the rate
 * since the first update it saw (so work taken over from an interrupted run does not count as fast work).
 */
public final class EtaProgress implements Progress {
	private final Progress target;
	private long startNanos = -1, startDone;

	private EtaProgress(Progress target) {
		this.target = target;
	}

	public static Progress of(Progress target) {
		return target == Progress.NONE ? target : new EtaProgress(target);
	}

	@Override
	public void update(long done, long total, String message) {
		if (done < 0 || total <= 0) {
			target.update(done, total, message);
			return;
		}
		target.update(done, total, message + " – " + (100 * done / total) + "%" + eta(done, total, System.nanoTime()));
	}

	synchronized String eta(long done, long total, long now) {
		if (startNanos < 0) {
			startNanos = now;
			startDone = done;
			return "";
		}
		long progressed = done - startDone;
		if (progressed <= 0 || done >= total) return "";
		double seconds = (now - startNanos) / 1e9 * (total - done) / progressed;
		return " – ETA " + duration(seconds);
	}

	/** "45 s", "3 min 10 s", "2 h 05 min". */
	public static String duration(double seconds) {
		long s = Math.round(seconds);
		if (s < 60) return s + " s";
		if (s < 3600) return s / 60 + " min " + s % 60 + " s";
		return s / 3600 + " h " + String.format("%02d", s % 3600 / 60) + " min";
	}

	@Override
	public void warn(String message) {
		target.warn(message);
	}

	@Override
	public void error(String message) {
		target.error(message);
	}

	@Override
	public boolean isCancelled() {
		return target.isCancelled();
	}
}
