package sc.fiji.stainnorm.fiji;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.scijava.Context;
import org.scijava.app.event.StatusEvent;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogListener;
import org.scijava.log.LogMessage;
import org.scijava.log.LogService;
import org.scijava.module.ModuleItem;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * Plain ImageJ 1.x entry point for the SciJava commands (see {@code plugins.config}; its argument is the
 * command's class name). The macro options' keys are the command's parameter names; without macro options a
 * dialog ({@link IJ1Dialog}) asks for them, recorded under the same keys. The commands report through SciJava's
 * status and log services; this bridge's context passes both on to ImageJ 1.x's status bar, progress bar and Log
 * window. In Fiji the SciJava command itself takes over the menu label and this class is not used.
 */
public class IJ1Bridge implements PlugIn {
	private static Context context;
	/** Held here because the event service keeps its subscribers only weakly. */
	private static ImageJ1Output output;

	private static synchronized Context context() {
		if (context == null) {
			context = new Context();
			output = new ImageJ1Output();
			context.service(LogService.class).addLogListener(output);
			context.service(EventService.class).subscribe(output);
		}
		return context;
	}

	/**
	 * SciJava finds its plugins and services through the thread's context class loader, which in ImageJ 1.x is the
	 * system one (ij.jar only), not the plugin class loader that holds our jar and its dependencies in plugins/.
	 */
	@Override
	public void run(String className) {
		Thread thread = Thread.currentThread();
		ClassLoader saved = thread.getContextClassLoader();
		thread.setContextClassLoader(IJ1Bridge.class.getClassLoader());
		try {
			runCommand(className);
		}
		finally {
			thread.setContextClassLoader(saved);
		}
	}

	private void runCommand(String className) {
		String label = className;
		try {
			Context ctx = context();
			CommandService commands = ctx.service(CommandService.class);
			CommandInfo info = commands.getCommand(className);
			if (info == null) throw new StainNormException("no SciJava command " + className + " (is the Stain_Normalization jar complete?)");
			label = info.getLabel();
			String options = Macro.getOptions();
			Map<String, Object> inputs = options != null ? fromMacroOptions(info, options) : IJ1Dialog.ask(ctx, info);
			if (inputs == null) { // dialog cancelled: nothing ran, so nothing for the Macro Recorder either
				ij.plugin.frame.Recorder.setCommand(null);
				return;
			}
			CommandRunner.Result result = CommandRunner.run(ctx, info, inputs, true);
			IJ.showProgress(1.0); // hides the bar, also after a failure
			if (!result.ok()) {
				report(label, result.failure(), result.alreadyReported());
				return;
			}
			// batch mode keeps images without windows; a headless JVM without batch mode cannot show them at all
			if (Interpreter.isBatchMode() || !java.awt.GraphicsEnvironment.isHeadless())
				for (ModuleItem<?> out : info.outputs())
					if (result.module().getOutput(out.getName()) instanceof ImagePlus imp) imp.show();
		}
		catch (StainNormException e) {
			report(label, e.getMessage(), false);
		}
	}

	/**
	 * ImageJ's macro conventions: {@code key=value} or {@code key=[value with spaces]}; a boolean is true when
	 * its key appears alone (as the recorder writes a ticked checkbox) and false when absent.
	 */
	static Map<String, Object> fromMacroOptions(CommandInfo info, String options) {
		Map<String, Object> inputs = new LinkedHashMap<>();
		TreeSet<String> known = CommandRunner.parameterNames(info);
		Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(=(\\[[^\\]]*\\]|\\S*))?").matcher(options);
		while (m.find()) {
			String key = m.group(1);
			if (!known.contains(key))
				throw new StainNormException("\"" + info.getLabel() + "\" has no parameter '" + key + "'; its parameters are " + String.join(", ", known));
			String value = m.group(3);
			if (value == null) value = "true";
			else if (value.startsWith("[")) value = value.substring(1, value.length() - 1);
			inputs.put(key, value);
		}
		for (ModuleItem<?> item : CommandRunner.userInputs(info))
			if ((item.getType() == boolean.class || item.getType() == Boolean.class) && !inputs.containsKey(item.getName()))
				inputs.put(item.getName(), "false");
		return inputs;
	}

	/** GUI: an error dialog. Headless or batch: one line on stderr and in the log. A running macro is stopped. */
	private static void report(String label, String message, boolean alreadyLogged) {
		String line = label + ": " + message;
		boolean gui = IJ.getInstance() != null && !java.awt.GraphicsEnvironment.isHeadless();
		if (gui && !Interpreter.isBatchMode()) IJ.error(label, message);
		else {
			if (!alreadyLogged) System.err.println("[ERROR] " + line);
			if (IJ.getInstance() != null) IJ.log("ERROR: " + line);
		}
		if (Interpreter.getInstance() != null) Interpreter.abort();
	}

	/**
	 * The bridge context's status events and log messages, shown where an ImageJ 1.x user looks: the status and
	 * progress bar, and the Log window (warnings and the run summaries). Without an ImageJ window (headless,
	 * {@code -batch}) nothing is added: the log service already writes to the console, and errors are reported
	 * by {@link #report}.
	 */
	static final class ImageJ1Output implements LogListener {
		@EventHandler
		public void onEvent(StatusEvent e) {
			if (IJ.getInstance() == null) return;
			// SciJava's value is the count done; IJ.showProgress(int, int) would show one more
			if (e.getProgressMaximum() > 0) IJ.showProgress((double) e.getProgressValue() / e.getProgressMaximum());
			String message = e.getStatusMessage();
			if (message != null && !message.isEmpty()) IJ.showStatus(message);
		}

		@Override
		public void messageLogged(LogMessage message) {
			if (IJ.getInstance() == null || message.level() == LogLevel.ERROR || message.level() > LogLevel.INFO) return;
			IJ.log((message.level() == LogLevel.WARN ? "WARNING: " : "") + message.text());
		}
	}

	/** For the tests: the bridge's own context, connected to ImageJ 1.x. */
	static Context sharedContext() {
		return context();
	}
}
