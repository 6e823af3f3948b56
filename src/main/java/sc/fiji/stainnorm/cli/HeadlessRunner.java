package sc.fiji.stainnorm.cli;

import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;

import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.fiji.CommandRunner;
import sc.fiji.stainnorm.fiji.StainNormCommand;

/**
 * Fiji's headless form, {@code --headless --run "Label" "key=value,key2='a b'"}, through scijava-common, but
 * with an honest exit code: scijava's own {@code --run} exits 0 even when the command failed or was
 * cancelled: 2 for a parameter that cannot be used as given (unknown, repeated, unreadable, a required file
 * missing, or refused by the command as an {@link sc.fiji.stainnorm.core.InvalidSettingException}), 1 for a
 * failure of the work. Only this project's commands are offered (it is not a whole Fiji). Parameters not given
 * take their declared defaults, never values remembered from an earlier run (see {@link CommandRunner}).
 */
final class HeadlessRunner {

	private HeadlessRunner() {}

	static int run(List<String> args, boolean debug, PrintStream out, PrintStream err) {
		int at = args.indexOf("--run");
		if (at + 1 >= args.size()) throw new UsageException("--run needs a command label, e.g. --run \"Normalize Stain (Folder)\" \"key=value,...\"");
		String label = args.get(at + 1);
		String parameters = at + 2 < args.size() ? args.get(at + 2) : "";
		if (at + 3 < args.size()) throw new UsageException("Unexpected arguments after the parameter string: " + args.subList(at + 3, args.size()));
		List<Parameter> given = parse(parameters);
		try (Context context = new Context()) {
			CommandInfo info;
			try {
				info = CommandRunner.find(context.service(CommandService.class), label);
			}
			catch (StainNormException e) {
				throw new UsageException(e.getMessage());
			}
			Map<String, Object> inputs = inputs(info, given);
			List<String> missing = missingFiles(context, info, inputs);
			if (!missing.isEmpty())
				throw new UsageException("\"" + info.getLabel() + "\" needs " + String.join(", ", missing) + "; its parameters are "
					+ String.join(", ", CommandRunner.parameterNames(info)));
			// the failure is reported once, as one line, by Main (commands would log it too)
			if (!debug) context.service(LogService.class).setLevel(StainNormCommand.class.getName(), LogLevel.NONE);
			CommandRunner.Result result = CommandRunner.run(context, info, inputs, !debug);
			if (result.ok()) return Main.OK;
			String message = result.alreadyReported() || result.module() == null ? result.failure()
				: "\"" + info.getLabel() + "\" did not run: " + result.failure();
			throw result.invalidSetting() ? new UsageException(message) : new StainNormException(message);
		}
	}

	/** One {@code key=value} of the parameter string; {@code quoted}: the value was written in '...' or "...". */
	record Parameter(String key, String value, boolean quoted) {}

	/**
	 * The command's inputs from the parsed parameters: unknown keys are refused; a file-list parameter
	 * ({@code File[]}, e.g. {@code reference_images}) takes a quoted value as one file name, whatever it holds, a
	 * bracketed or plain value as a comma-separated list (see {@link CommandRunner#fileList}), and may be repeated
	 * to add files; any other key given twice is refused instead of the last one silently winning.
	 */
	static Map<String, Object> inputs(CommandInfo info, List<Parameter> given) {
		TreeSet<String> known = CommandRunner.parameterNames(info);
		Map<String, Class<?>> types = new LinkedHashMap<>();
		for (ModuleItem<?> item : CommandRunner.userInputs(info))
			types.put(item.getName(), item.getType());
		Map<String, Object> inputs = new LinkedHashMap<>();
		for (Parameter p : given) {
			if (!known.contains(p.key()))
				throw new UsageException("\"" + info.getLabel() + "\" has no parameter '" + p.key() + "'; its parameters are " + String.join(", ", known));
			if (types.get(p.key()) == File[].class) {
				File[] files = p.quoted() ? (p.value().isEmpty() ? new File[0] : new File[] { new File(p.value()) })
					: CommandRunner.fileList(p.key(), p.value());
				File[] before = (File[]) inputs.getOrDefault(p.key(), new File[0]);
				File[] all = Arrays.copyOf(before, before.length + files.length);
				System.arraycopy(files, 0, all, before.length, files.length);
				inputs.put(p.key(), all);
			}
			else if (inputs.putIfAbsent(p.key(), p.value()) != null)
				throw new UsageException("Parameter " + p.key() + " given twice; give it once");
		}
		return inputs;
	}

	/**
	 * Required file and folder parameters that were not given (or given empty) and have no default: a command line
	 * that lacks them is wrong (exit 2), as a missing {@code --output} is for the subcommands.
	 */
	private static List<String> missingFiles(Context context, CommandInfo info, Map<String, Object> inputs) {
		Module defaults = context.service(ModuleService.class).createModule(info);
		List<String> missing = new ArrayList<>();
		for (ModuleItem<?> item : CommandRunner.userInputs(info)) {
			if (!item.isRequired() || item.getType() != File.class && item.getType() != File[].class) continue;
			Object value = inputs.get(item.getName());
			boolean empty = value == null || value instanceof String text && text.isBlank() || value instanceof File[] files && files.length == 0;
			if (empty && defaults.getInput(item.getName()) == null) missing.add(item.getName());
		}
		return missing;
	}

	/** {@link #parse} as a map of key to value text, for a quick look at what a string means. */
	static Map<String, String> parseParameters(String text) {
		Map<String, String> map = new LinkedHashMap<>();
		for (Parameter p : parse(text))
			map.put(p.key(), p.value());
		return map;
	}

	/**
	 * Parses {@code key=value,key2='a, b',key3=[c d],key4="it's"} (Fiji's {@code --run} syntax; ImageJ macro
	 * brackets also accepted). A value in '...' or "..." runs to the next same quote, one in [...] to the next
	 * {@code ]}, so a file name holding {@code ,} or {@code ]} is written in quotes (in "..." when it holds a
	 * {@code '}). Values keep their text; they are converted to each parameter's type later.
	 */
	static List<Parameter> parse(String text) {
		List<Parameter> list = new ArrayList<>();
		int i = 0, n = text.length();
		while (i < n) {
			while (i < n && (text.charAt(i) == ',' || Character.isWhitespace(text.charAt(i))))
				i++;
			if (i >= n) break;
			int eq = text.indexOf('=', i);
			if (eq < 0) throw new UsageException("Parameter '" + text.substring(i).trim() + "' is not of the form key=value");
			String key = text.substring(i, eq).trim();
			if (key.isEmpty() || key.contains(",")) throw new UsageException("Bad parameter near '" + text.substring(i) + "'");
			i = eq + 1;
			String value;
			char c = i < n ? text.charAt(i) : ',';
			char close = c == '\'' ? '\'' : c == '"' ? '"' : c == '[' ? ']' : 0;
			if (close != 0) {
				int end = text.indexOf(close, i + 1);
				if (end < 0) throw new UsageException("Unclosed " + c + " in the value of " + key);
				value = text.substring(i + 1, end);
				i = end + 1;
				int next = i;
				while (next < n && Character.isWhitespace(text.charAt(next)))
					next++;
				if (next < n && text.charAt(next) != ',')
					throw new UsageException("The value of " + key + " goes on after its closing " + close + " ('" + text.substring(i).trim()
						+ "'); a value holding " + close + " goes in " + (close == '\'' ? "\"...\"" : close == '"' ? "'...'" : "'...' or \"...\""));
			}
			else {
				int end = text.indexOf(',', i);
				if (end < 0) end = n;
				value = text.substring(i, end).trim();
				i = end;
			}
			list.add(new Parameter(key, value, close == '\'' || close == '"'));
		}
		return list;
	}
}
