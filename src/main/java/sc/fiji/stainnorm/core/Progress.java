package sc.fiji.stainnorm.core;

/** Where long work reports how far it got: the console, Fiji's status bar, or nowhere. */
@FunctionalInterface
public interface Progress {
	Progress NONE = (done, total, message) -> {};

	/** @param message what just happened, e.g. the file name; may be empty */
	void update(long done, long total, String message);

	/** A line worth showing the user even when no progress bar is visible. */
	default void warn(String message) {
		update(-1, -1, "WARNING: " + message);
	}

	/** A failure worth an error line (one item failed; the work goes on). */
	default void error(String message) {
		update(-1, -1, "ERROR: " + message);
	}

	/** Has the user asked to stop? Long loops check this between items. */
	default boolean isCancelled() {
		return false;
	}
}
