package sc.fiji.stainnorm.fiji;

import java.awt.Button;
import java.awt.Checkbox;
import java.awt.Choice;
import java.awt.Component;
import java.awt.FlowLayout;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Label;
import java.awt.Panel;
import java.awt.TextField;
import java.io.File;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.swing.JFileChooser;

import org.scijava.Context;
import org.scijava.ItemVisibility;
import org.scijava.command.CommandInfo;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;

import ij.ImagePlus;
import ij.gui.GenericDialog;
import ij.gui.MultiLineLabel;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.Methods;

/**
 * The ImageJ 1.x dialog of a command: each field is added under its parameter name, so that the Macro Recorder
 * writes the documented keys, and then shows the parameter's label. The command's description heads the dialog,
 * Help lists every parameter (label, macro key, description) and each method's option keys with their
 * defaults, the method choice says what the chosen method needs and takes, and reference files have a chooser.
 */
final class IJ1Dialog {
	static final String README = "https://github.com/fiji/Stain_Normalization#in-fiji";
	static final String ADD_FILES = "Add files...";

	private IJ1Dialog() {}

	/** The values the user chose, as text keyed by parameter name, or null when the dialog was cancelled. */
	static Map<String, Object> ask(Context ctx, CommandInfo info) {
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
		List<ModuleItem<?>> shown = shownItems(info);
		GenericDialog gd = new GenericDialog(info.getLabel());
		if (info.getDescription() != null && !info.getDescription().isBlank()) gd.addMessage(info.getDescription());
		for (ModuleItem<?> item : shown)
			addField(gd, item, module.getInfo().getInput(item.getName()), module.getInput(item.getName()));
		gd.addHelp(help(info, module));
		gd.showDialog();
		if (gd.wasCanceled()) return null;
		Map<String, Object> inputs = new LinkedHashMap<>();
		for (ModuleItem<?> item : shown) {
			ModuleItem<?> live = module.getInfo().getInput(item.getName());
			Class<?> type = item.getType();
			if (isBoolean(type)) inputs.put(item.getName(), gd.getNextBoolean());
			else if (hasChoices(live)) inputs.put(item.getName(), gd.getNextChoice());
			else if (isNumber(type)) inputs.put(item.getName(), numberText(gd.getNextNumber()));
			else inputs.put(item.getName(), gd.getNextString());
		}
		return inputs;
	}

	/** The visible inputs a dialog asks for; an image parameter is the current image. */
	static List<ModuleItem<?>> shownItems(CommandInfo info) {
		return CommandRunner.userInputs(info).stream()
			.filter(i -> i.getVisibility() != ItemVisibility.INVISIBLE && !ImagePlus.class.isAssignableFrom(i.getType())).toList();
	}

	private static void addField(GenericDialog gd, ModuleItem<?> item, ModuleItem<?> live, Object value) {
		String name = item.getName();
		Class<?> type = item.getType();
		if (isBoolean(type)) {
			gd.addCheckbox(name, Boolean.TRUE.equals(value));
			((Checkbox) gd.getCheckboxes().lastElement()).setLabel(label(item));
			return;
		}
		if (hasChoices(live)) {
			String[] items = live.getChoices().stream().map(String::valueOf).toArray(String[]::new);
			gd.addChoice(name, items, value == null ? items[0] : String.valueOf(value));
			gd.getLabel().setText(label(item));
			if (name.equals("method") && choosesNormalization(live.getChoices())) addMethodNotes(gd, (Choice) gd.getChoices().lastElement(), items);
			return;
		}
		if (isNumber(type)) {
			double v = value == null ? 0 : ((Number) value).doubleValue();
			gd.addNumericField(name, v, type == int.class || type == Integer.class ? 0 : decimals(v));
		}
		else if (type == File.class && "directory".equals(item.getWidgetStyle())) gd.addDirectoryField(name, value == null ? "" : value.toString());
		else if (type == File.class) gd.addFileField(name, value == null ? "" : value.toString());
		else if (type == File[].class) addFilesField(gd, name, value instanceof File[] f ? f : new File[0]);
		else gd.addStringField(name, value == null ? "" : value.toString(), 30);
		gd.getLabel().setText(label(item));
	}

	/** What the chosen method needs and which options it takes; follows the choice. */
	private static void addMethodNotes(GenericDialog gd, Choice choice, String[] methods) {
		String widest = "";
		for (String m : methods)
			if (methodNote(m).length() > widest.length()) widest = methodNote(m);
		gd.addMessage(widest);
		Component message = gd.getMessage();
		java.util.function.Consumer<String> show = m -> {
			if (message instanceof MultiLineLabel l) l.setText(methodNote(m));
			else if (message instanceof Label l) l.setText(methodNote(m));
		};
		show.accept(choice.getSelectedItem());
		choice.addItemListener(e -> show.accept(choice.getSelectedItem()));
	}

	/**
	 * Whether a "method" choice picks a normalization method (the notes say what each one needs), not, for
	 * example, an augmentation or stain-vector estimation method of the same name, for which they would be wrong.
	 */
	static boolean choosesNormalization(List<?> choices) {
		return choices.stream().map(String::valueOf).collect(java.util.stream.Collectors.toSet()).equals(new java.util.HashSet<>(Methods.names()));
	}

	/** E.g. "macenko: needs a reference image. Options: io=240, alpha=1, beta=0.15, ..." */
	static String methodNote(String method) {
		try {
			boolean needsReference = Methods.create(method).needsReference();
			Map<String, String> options = Methods.optionDefaults(method);
			options.remove("model"); // a field of its own
			List<String> keys = new ArrayList<>();
			options.forEach((k, v) -> keys.add(v == null ? k + "=(unset)" : k + "=" + v));
			return Methods.label(method) + (needsReference ? ": needs a reference image" : ": no reference (its style is in the model)")
				+ (method.equals("stst") ? "\n" + sc.fiji.stainnorm.stst.Stst.bundledStyleNote() : "")
				+ (Methods.isExperimental(method) ? "; below the unnormalized input on the cross-lab protocol (docs/results.md)" : "") + "\nOptions: "
				+ (keys.isEmpty() ? "none" : String.join(", ", keys));
		}
		catch (StainNormException e) {
			return method + ": " + e.getMessage();
		}
	}

	/** A text field of comma-separated paths with a chooser that adds files to it. */
	private static void addFilesField(GenericDialog gd, String name, File[] files) {
		gd.addStringField(name, CommandRunner.fileListText(Arrays.stream(files).map(File::getPath).toList()), 30);
		TextField text = (TextField) gd.getStringFields().lastElement();
		GridBagLayout layout = (GridBagLayout) gd.getLayout();
		GridBagConstraints constraints = layout.getConstraints(text);
		Button add = new Button(ADD_FILES);
		add.addActionListener(e -> {
			JFileChooser chooser = new JFileChooser();
			chooser.setMultiSelectionEnabled(true);
			chooser.setDialogTitle("Reference images");
			if (chooser.showOpenDialog(null) != JFileChooser.APPROVE_OPTION) return;
			List<String> paths = new ArrayList<>();
			for (File f : chooser.getSelectedFiles())
				paths.add(f.getPath());
			String chosen = CommandRunner.fileListText(paths);
			text.setText(text.getText().isBlank() ? chosen : text.getText().trim() + "," + chosen);
		});
		Panel panel = new Panel(new FlowLayout(FlowLayout.LEFT, 0, 0));
		panel.add(text);
		panel.add(add);
		layout.setConstraints(panel, constraints);
		gd.add(panel);
	}

	/** The Help button's page: what the command does, each field with its macro key, the methods' options. */
	static String help(CommandInfo info, Module module) {
		StringBuilder h = new StringBuilder("<html><h2>").append(escape(info.getLabel())).append("</h2>");
		if (info.getDescription() != null) h.append("<p>").append(escape(info.getDescription())).append("</p>");
		h.append("<table border=1 cellpadding=3><tr><th>field</th><th>macro key</th><th>what it is</th></tr>");
		for (ModuleItem<?> item : CommandRunner.userInputs(info)) {
			String description = item.getDescription() == null ? "" : item.getDescription();
			if (item.getVisibility() == ItemVisibility.INVISIBLE) description += (description.isEmpty() ? "" : " ") + "(macros and headless runs only)";
			h.append("<tr><td>").append(escape(label(item))).append("</td><td><code>").append(item.getName()).append("</code></td><td>")
				.append(escape(description)).append("</td></tr>");
		}
		h.append("</table>");
		ModuleItem<?> method = module.getInfo().getInput("method");
		if (method != null && hasChoices(method) && choosesNormalization(method.getChoices())) {
			h.append("<h3>Methods and their options (<code>key=value,...</code>)</h3><ul>");
			for (Object m : method.getChoices())
				h.append("<li>").append(escape(methodNote(String.valueOf(m))).replace("\n", "<br>")).append("</li>");
			h.append("</ul>");
		}
		h.append("<p>A recorded line replays with the same keys: <code>run(\"").append(escape(info.getLabel()))
			.append("\", \"key=value key=[value with spaces]\");</code> A ticked checkbox is its key alone.</p>")
			.append("<p>More: the README, section In Fiji: <a href=\"").append(README).append("\">").append(README).append("</a></p></html>");
		return h.toString();
	}

	private static String escape(String s) {
		return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

	static String label(ModuleItem<?> item) {
		String l = item.getLabel();
		return l == null || l.isBlank() ? item.getName() : l;
	}

	/** Enough decimals to show the value exactly (2e-4 as 0.0002, not 0.000), up to 9. */
	static int decimals(double v) {
		if (!Double.isFinite(v) || v == Math.rint(v)) return v == Math.rint(v) ? 0 : 3;
		return Math.max(1, Math.min(9, BigDecimal.valueOf(v).stripTrailingZeros().scale()));
	}

	/** As the dialog read it: whole numbers without ".0", other values in full. */
	static String numberText(double v) {
		if (Double.isNaN(v)) return "NaN";
		if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
		return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
	}

	private static boolean isBoolean(Class<?> type) {
		return type == boolean.class || type == Boolean.class;
	}

	private static boolean isNumber(Class<?> type) {
		return type == int.class || type == Integer.class || type == double.class || type == Double.class;
	}

	private static boolean hasChoices(ModuleItem<?> item) {
		return item.getChoices() != null && !item.getChoices().isEmpty();
	}
}
