package sc.fiji.stainnorm.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;

import org.scijava.Context;
import org.scijava.ItemVisibility;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogService;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleRunner;
import org.scijava.module.ModuleService;
import org.scijava.module.process.LoadInputsPreprocessor;
import org.scijava.module.process.PostprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.PluginService;

import sc.fiji.stainnorm.core.StainNormException;

/**
 * Fiji's headless form, {@code --headless --run "Label" "key=value,key2='a b'"}, through scijava-common, but
 * with an honest exit code: scijava's own {@code --run} exits 0 even when the command failed or was
 * cancelled. Only this project's commands are offered (it is not a whole Fiji).
 */
final class HeadlessRunner {
	static final String PACKAGE = "sc.fiji.stainnorm.";

	private HeadlessRunner() {}

	static int run(List<String> args, boolean debug, PrintStream out, PrintStream err) {
		int at = args.indexOf("--run");
		if (at + 1 >= args.size()) throw new UsageException("--run needs a command label, e.g. --run \"Normalize Stain (Folder)\" \"key=value,...\"");
		String label = args.get(at + 1);
		String parameters = at + 2 < args.size() ? args.get(at + 2) : "";
		if (at + 3 < args.size()) throw new UsageException("Unexpected arguments after the parameter string: " + args.subList(at + 3, args.size()));
		Map<String, Object> inputs = new LinkedHashMap<>(parseParameters(parameters));
		try (Context context = new Context()) {
			CommandService commands = context.service(CommandService.class);
			CommandInfo info = find(commands, label);
			TreeSet<String> known = new TreeSet<>();
			for (ModuleItem<?> item : info.inputs())
				if (item.getVisibility() != ItemVisibility.MESSAGE && !isService(item)) known.add(item.getName());
			for (String key : inputs.keySet())
				if (!known.contains(key))
					throw new UsageException("\"" + info.getLabel() + "\" has no parameter '" + key + "'; its parameters are " + String.join(", ", known));
			if (!debug) // the failure is reported once, as one line, by Main
				context.service(LogService.class).setLevel(ModuleRunner.class.getName(), LogLevel.NONE);
			CommandModule module = (CommandModule) context.service(ModuleService.class).run(
				commands.getModuleService().createModule(info), preprocessorsWithoutPersistedValues(context), postprocessors(context), inputs).get();
			if (module.isCanceled()) {
				String reason = module.getCancelReason();
				throw new StainNormException("\"" + info.getLabel() + "\" did not run: "
					+ (reason == null || reason.isBlank() ? "it was cancelled (is a required parameter missing? its parameters are " + String.join(", ", known) + ")" : reason));
			}
			return Main.OK;
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new StainNormException("Interrupted");
		}
		catch (ExecutionException e) {
			Throwable cause = e.getCause();
			while (cause != null && !(cause instanceof StainNormException) && cause.getCause() != null && cause.getCause() != cause)
				cause = cause.getCause();
			if (cause instanceof StainNormException sne) throw sne;
			throw new StainNormException("\"" + label + "\" failed: " + e.getCause(), e.getCause());
		}
	}

	/**
	 * Every preprocessor but the one that fills unset inputs with values remembered from earlier runs: a
	 * headless run must do what its parameter string says, not what the last run said.
	 */
	private static List<PreprocessorPlugin> preprocessorsWithoutPersistedValues(Context context) {
		List<PreprocessorPlugin> pre = new ArrayList<>(context.service(PluginService.class).createInstancesOfType(PreprocessorPlugin.class));
		pre.removeIf(p -> p instanceof LoadInputsPreprocessor);
		return pre;
	}

	private static List<PostprocessorPlugin> postprocessors(Context context) {
		return context.service(PluginService.class).createInstancesOfType(PostprocessorPlugin.class);
	}

	private static boolean isService(ModuleItem<?> item) {
		return org.scijava.service.Service.class.isAssignableFrom(item.getType()) || Context.class.isAssignableFrom(item.getType());
	}

	/** Finds a command of this project by its label, menu leaf or class name. */
	static CommandInfo find(CommandService commands, String label) {
		List<String> ours = new ArrayList<>();
		for (CommandInfo info : commands.getCommands()) {
			if (!info.getClassName().startsWith(PACKAGE)) continue;
			String menuLeaf = info.getMenuPath() == null || info.getMenuPath().getLeaf() == null ? null : info.getMenuPath().getLeaf().getName();
			if (label.equals(info.getLabel()) || label.equals(menuLeaf) || label.equals(info.getClassName())) return info;
			if (menuLeaf != null) ours.add("\"" + menuLeaf + "\"");
		}
		throw new UsageException("No command labelled \"" + label + "\"; available: " + String.join(", ", new TreeSet<>(ours)));
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
