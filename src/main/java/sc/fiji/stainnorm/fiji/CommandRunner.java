package sc.fiji.stainnorm.fiji;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;

import org.scijava.Cancelable;
import org.scijava.Context;
import org.scijava.ItemVisibility;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.convert.ConvertService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogService;
import org.scijava.module.Module;
import org.scijava.module.ModuleRunner;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.PluginService;
import org.scijava.service.Service;

import ij.ImagePlus;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * Runs this project's commands from text ({@code key=value} of a macro or {@code --run}) the same way for
 * headless Fiji, our command line and plain ImageJ 1.x: keys are the parameter names, values are converted
 * strictly (a typo is an error, not a silent default), and parameters not given take their declared defaults,
 * never values remembered from an earlier interactive run (a cluster job must not inherit a GUI session).
 */
public final class CommandRunner {
	public static final String PACKAGE = "sc.fiji.stainnorm.";

	/**
	 * A finished run: the module (for its outputs) and, if it did not complete, why.
	 *
	 * @param invalidSetting the failure was a parameter that cannot be used as given (an {@link InvalidSettingException}:
	 *        unknown key, unreadable number, unknown method, bad options or shard), not a failure of the work
	 */
	public record Result(Module module, String failure, boolean alreadyReported, boolean invalidSetting) {
		public Result(Module module, String failure, boolean alreadyReported) {
			this(module, failure, alreadyReported, false);
		}

		public boolean ok() {
			return failure == null;
		}
	}

	private CommandRunner() {}

	/** The inputs a user sets: no services, no context, no messages. */
	public static List<ModuleItem<?>> userInputs(CommandInfo info) {
		List<ModuleItem<?>> items = new ArrayList<>();
		for (ModuleItem<?> item : info.inputs())
			if (item.getVisibility() != ItemVisibility.MESSAGE && !Service.class.isAssignableFrom(item.getType())
				&& !Context.class.isAssignableFrom(item.getType())) items.add(item);
		return items;
	}

	public static TreeSet<String> parameterNames(CommandInfo info) {
		TreeSet<String> names = new TreeSet<>();
		for (ModuleItem<?> item : userInputs(info))
			names.add(item.getName());
		return names;
	}

	/** This project's command with the given label, menu leaf or class name. */
	public static CommandInfo find(CommandService commands, String label) {
		List<String> ours = new ArrayList<>();
		for (CommandInfo info : commands.getCommands()) {
			if (!info.getClassName().startsWith(PACKAGE)) continue;
			String leaf = info.getMenuPath() == null || info.getMenuPath().getLeaf() == null ? null : info.getMenuPath().getLeaf().getName();
			if (label.equals(info.getLabel()) || label.equals(leaf) || label.equals(info.getClassName())) return info;
			if (leaf != null) ours.add("\"" + leaf + "\"");
		}
		throw new StainNormException("No command labelled \"" + label + "\"; available: " + String.join(", ", new TreeSet<>(ours)));
	}

	/**
	 * Runs {@code info} with {@code inputs} (text or typed values, keyed by parameter name) and waits for it. An
	 * unknown key or a value of the wrong kind is a failure before anything runs (the result has no module).
	 */
	public static Result run(Context context, CommandInfo info, Map<String, ?> inputs) {
		return run(context, info, inputs, false);
	}

	/** @param quiet no stack trace in the log when the command throws: the caller reports the failure */
	public static Result run(Context context, CommandInfo info, Map<String, ?> inputs, boolean quiet) {
		if (quiet) context.service(LogService.class).setLevel(ModuleRunner.class.getName(), LogLevel.NONE);
		Map<String, ModuleItem<?>> items = new LinkedHashMap<>();
		for (ModuleItem<?> item : userInputs(info))
			items.put(item.getName(), item);
		ConvertService convert = context.service(ConvertService.class);
		Map<String, Object> converted = new LinkedHashMap<>();
		for (Map.Entry<String, ?> e : inputs.entrySet()) {
			ModuleItem<?> item = items.get(e.getKey());
			if (item == null) return new Result(null, "\"" + info.getLabel() + "\" has no parameter '" + e.getKey()
				+ "'; its parameters are " + String.join(", ", parameterNames(info)), false, true);
			try {
				converted.put(e.getKey(), convert(item, e.getValue(), convert));
			}
			catch (StainNormException bad) {
				return new Result(null, bad.getMessage(), false, bad instanceof InvalidSettingException);
			}
		}
		ModuleService modules = context.service(ModuleService.class);
		Module module = modules.createModule(info);
		for (ModuleItem<?> item : items.values()) {
			String name = item.getName();
			if (converted.containsKey(name)) {
				module.setInput(name, converted.get(name));
				module.resolveInput(name);
			}
			// an image left open is filled by Fiji with the current image, or taken from ImageJ by the command
			else if (!ImagePlus.class.isAssignableFrom(item.getType())) module.resolveInput(name);
		}
		try {
			// no postprocessors: outputs go back to the caller, not to a display that a headless run lacks
			List<PreprocessorPlugin> pre = context.service(PluginService.class).createInstancesOfType(PreprocessorPlugin.class);
			modules.run(module, pre, List.of()).get();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			module.cancel();
			return new Result(module, "interrupted", false);
		}
		catch (ExecutionException e) {
			Throwable cause = e.getCause();
			while (cause != null && !(cause instanceof StainNormException) && cause.getCause() != null && cause.getCause() != cause)
				cause = cause.getCause();
			if (cause instanceof StainNormException sne) return new Result(module, sne.getMessage(), false, sne instanceof InvalidSettingException);
			throw new StainNormException("\"" + info.getLabel() + "\" failed: " + e.getCause(), e.getCause());
		}
		Object command = module instanceof StainNormCommand ? module : module.getDelegateObject();
		if (command instanceof StainNormCommand snc && snc.failure() != null)
			return new Result(module, snc.failure(), true, snc.failedOnSetting());
		if (module instanceof Cancelable c && c.isCanceled()) {
			String reason = c.getCancelReason();
			return new Result(module, reason == null || reason.isBlank()
				? "it was cancelled (is a required parameter missing? its parameters are " + String.join(", ", parameterNames(info)) + ")"
				: reason, false);
		}
		return new Result(module, null, false);
	}

	/** Text into the parameter's type; anything that does not parse is an error naming the key. */
	static Object convert(ModuleItem<?> item, Object value, ConvertService convert) {
		Class<?> type = item.getType();
		String key = item.getName();
		if (value == null) return null;
		if (!(value instanceof String text)) {
			if (type.isInstance(value) || type.isPrimitive()) return value;
			Object c = convert.convert(value, type);
			if (c == null) throw new InvalidSettingException(key + ": a " + value.getClass().getSimpleName() + " cannot be used as " + type.getSimpleName());
			return c;
		}
		String t = text.trim();
		if (type == String.class) return text;
		if (type == boolean.class || type == Boolean.class) {
			if (t.isEmpty() || t.equalsIgnoreCase("true") || t.equalsIgnoreCase("yes") || t.equals("1")) return true;
			if (t.equalsIgnoreCase("false") || t.equalsIgnoreCase("no") || t.equals("0")) return false;
			throw new InvalidSettingException(key + "=" + text + " must be true or false");
		}
		try {
			if (type == int.class || type == Integer.class) return Integer.parseInt(t);
			if (type == long.class || type == Long.class) return Long.parseLong(t);
			if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
				double d = Double.parseDouble(t);
				if (!Double.isFinite(d)) throw new NumberFormatException();
				return type == float.class || type == Float.class ? (Object) (float) d : (Object) d;
			}
		}
		catch (NumberFormatException e) {
			throw new InvalidSettingException(key + "=" + text + " is not a " + (type == double.class || type == Double.class
				|| type == float.class || type == Float.class ? "number" : "whole number"));
		}
		if (type == File.class) return t.isEmpty() ? null : new File(t);
		if (type == File[].class) return fileList(key, t);
		if (ImagePlus.class.isAssignableFrom(type))
			throw new InvalidSettingException(key + " cannot be given as text; open the image first (it becomes the current image) or use input_file");
		Object c = convert.convert(text, type);
		if (c == null) throw new InvalidSettingException(key + "=" + text + " cannot be read as " + type.getSimpleName());
		return c;
	}

	/**
	 * The inverse of {@link #fileList}: the names joined by {@code ,}, each one that holds {@code ,}, {@code ]} or a
	 * quote (or starts or ends with a space) put in quotes, so that the text reads back as the same files.
	 */
	public static String fileListText(List<String> names) {
		List<String> items = new ArrayList<>();
		for (String name : names) {
			boolean plain = !name.isBlank() && name.strip().equals(name) && name.chars().noneMatch(ch -> ch == ',' || ch == ']' || ch == '\'' || ch == '"');
			items.add(plain ? name : name.indexOf('\'') < 0 ? "'" + name + "'" : "\"" + name + "\"");
		}
		return String.join(",", items);
	}

	/**
	 * A list of files as text: names separated by {@code ,}; a name in '...' or "..." is taken literally, so it may
	 * hold {@code ,} and {@code ]} (and the other quote): {@code a.png,'/data/x, y.png',"/data/it's.png"}. Blank
	 * items are skipped. (In {@code --run}, a whole value in quotes is already one file; see HeadlessRunner.)
	 */
	public static File[] fileList(String key, String text) {
		List<File> files = new ArrayList<>();
		int i = 0, n = text.length();
		while (i < n) {
			while (i < n && Character.isWhitespace(text.charAt(i)))
				i++;
			if (i >= n) break;
			char c = text.charAt(i);
			String name;
			if (c == '\'' || c == '"') {
				int end = text.indexOf(c, i + 1);
				if (end < 0) throw new InvalidSettingException(key + ": unclosed " + c + " in " + text);
				name = text.substring(i + 1, end);
				i = end + 1;
				while (i < n && Character.isWhitespace(text.charAt(i)))
					i++;
				if (i < n && text.charAt(i) != ',')
					throw new InvalidSettingException(key + ": after the quoted file name " + c + name + c + " comes '" + text.substring(i)
						+ "' instead of ',' and the next name");
				i++;
			}
			else {
				int end = text.indexOf(',', i);
				if (end < 0) end = n;
				name = text.substring(i, end).trim();
				i = end + 1;
			}
			if (!name.isBlank()) files.add(new File(name));
		}
		return files.toArray(new File[0]);
	}
}
