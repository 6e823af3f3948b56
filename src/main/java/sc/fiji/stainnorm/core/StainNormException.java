package sc.fiji.stainnorm.core;

/**
 * A problem the user can fix (bad input, missing file, unknown option). Its message is shown as one line
 * without a stack trace, so it must say what was found and what is accepted.
 */
public class StainNormException extends RuntimeException {
	private static final long serialVersionUID = 1L;

	public StainNormException(String message) {
		super(message);
	}

	public StainNormException(String message, Throwable cause) {
		super(message, cause);
	}
}
