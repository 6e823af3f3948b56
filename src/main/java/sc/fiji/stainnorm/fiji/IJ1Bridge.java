package sc.fiji.stainnorm.fiji;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.scijava.Context;
import org.scijava.ItemVisibility;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.gui.GenericDialog;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * Plain ImageJ 1.x entry point for the SciJava commands (see {@code plugins.config}; its argument is the
 * command's class name). The macro options' keys are the command's parameter names; without macro options a
 * dialog asks for them, labelled with the same names so that the macro recorder writes the same keys. In Fiji
 * the SciJava command itself takes over the menu label and this class is not used.
 */
public class IJ1Bridge implements PlugIn {
	private static Context context;

	private static synchronized Context context() {
		if (context == null) context = new Context();
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
			Map<String, Object> inputs = options != null ? fromMacroOptions(info, options) : fromDialog(ctx, info);
			if (inputs == null) return; // dialog cancelled
			CommandRunner.Result result = CommandRunner.run(ctx, info, inputs, true);
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

	/** An ImageJ 1.x dialog for the visible parameters; field labels are the parameter names (= macro keys). */
	private static Map<String, Object> fromDialog(Context ctx, CommandInfo info) {
		if (java.awt.GraphicsEnvironment.isHeadless())
			throw new StainNormException("no parameters given; in headless mode pass them as macro options, e.g. "
				+ String.join("=... ", CommandRunner.parameterNames(info)) + "=...");
		Module module = ctx.service(ModuleService.class).createModule(info);
		try {
			module.initialize(); // fills dynamic choices such as the list of methods
		}
		catch (org.scijava.module.MethodCallException e) {
			throw new StainNormException("cannot prepare the dialog of " + info.getLabel() + ": " + e.getMessage());
		}
		GenericDialog gd = new GenericDialog(info.getLabel());
		List<ModuleItem<?>> shown = CommandRunner.userInputs(info).stream()
			.filter(i -> i.getVisibility() != ItemVisibility.INVISIBLE && !ImagePlus.class.isAssignableFrom(i.getType())).toList();
		for (ModuleItem<?> item : shown) {
			ModuleItem<?> live = module.getInfo().getInput(item.getName());
			Object value = module.getInput(item.getName());
			String name = item.getName();
			Class<?> type = item.getType();
			List<?> choices = live.getChoices();
			if (type == boolean.class || type == Boolean.class) gd.addCheckbox(name, Boolean.TRUE.equals(value));
			else if (choices != null && !choices.isEmpty()) {
				String[] items = choices.stream().map(String::valueOf).toArray(String[]::new);
				gd.addChoice(name, items, value == null ? items[0] : String.valueOf(value));
			}
			else if (type == int.class || type == Integer.class) gd.addNumericField(name, value == null ? 0 : ((Number) value).doubleValue(), 0);
			else if (type == double.class || type == Double.class) gd.addNumericField(name, value == null ? 0 : ((Number) value).doubleValue(), 3);
			else if (type == File.class && "directory".equals(item.getWidgetStyle())) gd.addDirectoryField(name, value == null ? "" : value.toString());
			else if (type == File.class) gd.addFileField(name, value == null ? "" : value.toString());
			else gd.addStringField(name, value == null ? "" : value instanceof File[] f ? String.join(",", java.util.Arrays.stream(f).map(File::getPath).toList()) : value.toString(), 30);
		}
		gd.showDialog();
		if (gd.wasCanceled()) return null;
		Map<String, Object> inputs = new LinkedHashMap<>();
		for (ModuleItem<?> item : shown) {
			ModuleItem<?> live = module.getInfo().getInput(item.getName());
			Class<?> type = item.getType();
			if (type == boolean.class || type == Boolean.class) inputs.put(item.getName(), gd.getNextBoolean());
			else if (live.getChoices() != null && !live.getChoices().isEmpty()) inputs.put(item.getName(), gd.getNextChoice());
			else if (type == int.class || type == Integer.class || type == double.class || type == Double.class)
				inputs.put(item.getName(), String.valueOf(gd.getNextNumber()).replaceAll("\\.0$", ""));
			else inputs.put(item.getName(), gd.getNextString());
		}
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
}
