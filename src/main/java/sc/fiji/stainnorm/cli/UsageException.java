package sc.fiji.stainnorm.cli;

import sc.fiji.stainnorm.core.InvalidSettingException;

/** A command-line mistake (unknown option, missing value): exit code 2 instead of 1. */
public class UsageException extends InvalidSettingException {
	private static final long serialVersionUID = 1L;

	public UsageException(String message) {
		super(message);
	}
}
