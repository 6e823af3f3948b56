package sc.fiji.stainnorm.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogService;

import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.fiji.CommandRunner;
import sc.fiji.stainnorm.fiji.StainNormCommand;

/**
 * Fiji's headless form, {@code --headless --run "Label" "key=value,key2='a b'"}, through scijava-common, but
 * with an honest exit code: scijava's own {@code --run} exits 0 even when the command failed or was
 * cancelled. Only this project's commands are offered (it is not a whole Fiji). Parameters not given take
 * their declared defaults, never values remembered from an earlier run (see {@link CommandRunner}).
 */
final class HeadlessRunner {

	private HeadlessRunner() {}

	static int run(List<String> args, boolean debug, PrintStream out, PrintStream err) {
		int at = args.indexOf("--run");
		if (at + 1 >= args.size()) throw new UsageException("--run needs a command label, e.g. --run \"Normalize Stain (Folder)\" \"key=value,...\"");
		String label = args.get(at + 1);
		String parameters = at + 2 < args.size() ? args.get(at + 2) : "";
		if (at + 3 < args.size()) throw new UsageException("Unexpected arguments after the parameter string: " + args.subList(at + 3, args.size()));
		Map<String, Object> inputs = new LinkedHashMap<>(parseParameters(parameters));
		try (Context context = new Context()) {
			CommandInfo info;
			try {
				info = CommandRunner.find(context.service(CommandService.class), label);
			}
			catch (StainNormException e) {
				throw new UsageException(e.getMessage());
			}
			TreeSet<String> known = CommandRunner.parameterNames(info);
			for (String key : inputs.keySet())
				if (!known.contains(key))
					throw new UsageException("\"" + info.getLabel() + "\" has no parameter '" + key + "'; its parameters are " + String.join(", ", known));
			// the failure is reported once, as one line, by Main (commands would log it too)
			if (!debug) context.service(LogService.class).setLevel(StainNormCommand.class.getName(), LogLevel.NONE);
			CommandRunner.Result result = CommandRunner.run(context, info, inputs, !debug);
			if (result.ok()) return Main.OK;
			String message = result.alreadyReported() || result.module() == null ? result.failure()
				: "\"" + info.getLabel() + "\" did not run: " + result.failure();
			throw result.invalidSetting() ? new UsageException(message) : new StainNormException(message);
		}
	}

	/**
	 * Parses {@code key=value,key2='a, b',key3=[c d]} (Fiji's {@code --run} syntax; ImageJ macro brackets also
	 * accepted). Values keep their text; scijava converts them to each parameter's type.
	 */
	static Map<String, String> parseParameters(String text) {
		Map<String, String> map = new LinkedHashMap<>();
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
			}
			else {
				int end = text.indexOf(',', i);
				if (end < 0) end = n;
				value = text.substring(i, end).trim();
				i = end;
			}
			map.put(key, value);
		}
		return map;
	}
}
