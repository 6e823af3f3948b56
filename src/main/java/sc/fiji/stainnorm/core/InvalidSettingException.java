package sc.fiji.stainnorm.core;

/**
 * A setting that cannot be used as given (an unknown method, a malformed or out-of-range option, a bad shard),
 * found before any work starts. Option parsing and validation throw it, wherever they are called from, so
 * that callers can tell "the request was wrong" from "the work failed": the command line exits with 2 instead
 * of 1; in Fiji it is the same one-line message as any other failure.
 */
public class InvalidSettingException extends StainNormException {
	private static final long serialVersionUID = 1L;

	public InvalidSettingException(String message) {
		super(message);
	}
}
