package sc.fiji.stainnorm.fiji;

import org.scijava.command.DynamicCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.ui.DialogPrompt.MessageType;
import org.scijava.ui.UIService;

import ij.IJ;
import ij.ImagePlus;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * What every command of this project shares: a bad input or a failure ends the command as cancelled with a
 * one-line reason (shown in a dialog when there is a user interface, logged otherwise), never as a stack
 * trace; {@link #isStopRequested()} tells long loops that the user wants to stop.
 */
public abstract class StainNormCommand extends DynamicCommand {
	/** Plugins > Stain Normalization: the user tools first, then the submenu of the project's own runs. */
	static final String MENU = "Stain Normalization", TOOLS = "Utilities";
	static final double TOOLS_WEIGHT = 100;

	@Parameter
	protected LogService log;

	@Parameter(required = false)
	private UIService ui;

	private volatile Thread worker;
	private volatile String failure;
	private volatile boolean failedOnSetting;

	/** The work; throw {@link StainNormException} for anything the user has to fix. */
	protected abstract void execute();

	@Override
	public final void run() {
		worker = Thread.currentThread();
		IJ.resetEscape();
		try {
			execute();
		}
		catch (StainNormException e) {
			failedOnSetting = e instanceof InvalidSettingException;
			fail(e.getMessage());
		}
		catch (OutOfMemoryError e) {
			fail("out of memory: give Fiji more memory (Edit > Options > Memory & Threads) or use smaller images");
		}
		finally {
			worker = null;
		}
	}

	/** Why the last run failed, or null if it did not. */
	public String failure() {
		return failure;
	}

	/** Whether {@link #failure()} is a parameter that cannot be used as given rather than a failure of the work. */
	public boolean failedOnSetting() {
		return failedOnSetting;
	}

	protected void fail(String message) {
		failure = message;
		cancel(message);
		log.error(getInfo().getLabel() + ": " + message);
		if (ui != null && !ui.isHeadless() && ui.getDefaultUI() != null) ui.showDialog(message, getInfo().getLabel(), MessageType.ERROR_MESSAGE);
	}

	/** Escape in ImageJ, a cancelled module, or an interrupted command thread. */
	protected boolean isStopRequested() {
		Thread t = worker;
		return isCanceled() || IJ.escapePressed() || t != null && t.isInterrupted();
	}

	/** Unset image parameters arrive as an empty ImagePlus (scijava's default value), not as null. */
	protected static boolean isGiven(ImagePlus imp) {
		return imp != null && imp.getWidth() > 0 && imp.getProcessor() != null;
	}

	protected static String orEmpty(String s) {
		return s == null ? "" : s.trim();
	}
}
