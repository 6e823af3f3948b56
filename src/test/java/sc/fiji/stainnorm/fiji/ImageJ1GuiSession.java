package sc.fiji.stainnorm.fiji;

import java.awt.AWTException;
import java.awt.Button;
import java.awt.Checkbox;
import java.awt.Choice;
import java.awt.Component;
import java.awt.Container;
import java.awt.Dialog;
import java.awt.EventQueue;
import java.awt.Label;
import java.awt.Menu;
import java.awt.MenuBar;
import java.awt.MenuItem;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.TextField;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.Menus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.gui.PlotWindow;
import ij.measure.ResultsTable;
import ij.plugin.frame.Recorder;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * A user's session in a real ImageJ 1.x window, run by {@link ImageJ1GuiTest} in a JVM of its own on an Xvfb
 * display: the Plugins menu as plugins.config builds it, every command started from its menu item with the Macro
 * Recorder on, its dialog photographed, filled in and confirmed, the recorded line replayed as a macro, and each
 * result checked. Dialogs are driven through their own components and listeners (the code paths of a click or a
 * key press), which needs no window manager and no timing guesses. Exits 0 when everything held; otherwise prints
 * what did not and exits 1.
 */
public final class ImageJ1GuiSession {
	private static final long MINUTE = 60_000;
	private final Path work, shots, testImages;
	private final Robot robot;
	private ImageJ ij;
	private int shotNumber;
	private final List<String> problems = new ArrayList<>();

	private ImageJ1GuiSession(Path work, Path shots) throws AWTException {
		this.work = work;
		this.shots = shots;
		this.testImages = Path.of("test-images").toAbsolutePath();
		this.robot = new Robot();
	}

	public static void main(String[] args) {
		int code = 1;
		try {
			ImageJ1GuiSession s = new ImageJ1GuiSession(Path.of(args[0]), Path.of(args[1]));
			s.run();
			if (s.problems.isEmpty()) {
				System.out.println("GUI SESSION OK");
				code = 0;
			}
			else s.problems.forEach(p -> System.out.println("PROBLEM: " + p));
		}
		catch (Throwable t) {
			t.printStackTrace(System.out);
		}
		System.out.flush();
		Runtime.getRuntime().halt(code); // ImageJ's windows would keep the JVM alive
	}

	private void run() throws Exception {
		Files.createDirectories(shots);
		ij = onEdt(() -> new ImageJ());
		waitFor("the ImageJ window", () -> ij.isShowing(), MINUTE);
		onEdt(() -> {
			ij.setLocation(0, 0);
			return null;
		});
		checkMenu();
		photographMenu();
		onEdt(() -> new Recorder());
		waitFor("the Macro Recorder", () -> Recorder.getInstance() != null && Recorder.getInstance().isShowing(), MINUTE);
		onEdt(() -> {
			Recorder.getInstance().setLocation(0, 700);
			return null;
		});

		ImagePlus source = IJ.openImage(testImages.resolve("tissue2_C.png").toString());
		onEdt(() -> {
			source.show();
			return null;
		});
		waitFor("the source image window", () -> WindowManager.getImage("tissue2_C.png") != null, MINUTE);

		String only = System.getProperty("stainnorm.gui.only"); // for debugging one command: a part of its label
		List<Step> steps = steps().stream().filter(st -> only == null || st.label.contains(only)).toList();
		Map<Step, String> recorded = new LinkedHashMap<>();
		for (Step step : steps) {
			long t0 = System.currentTimeMillis();
			String line = record(step);
			System.out.println("recorded in " + (System.currentTimeMillis() - t0) + " ms: " + line);
			if (line != null) recorded.put(step, line);
		}
		escapeRecordsNothing();
		for (Map.Entry<Step, String> e : recorded.entrySet()) {
			long t0 = System.currentTimeMillis();
			replay(e.getKey(), e.getValue());
			System.out.println("replayed in " + (System.currentTimeMillis() - t0) + " ms: " + e.getKey().label);
		}
	}

	/** One command: the values typed into its dialog, what its result must be, and how to clear it for the replay. */
	private record Step(String label, Map<String, String> values, Runnable check, Runnable clear) {}

	private List<Step> steps() throws IOException {
		List<Step> steps = new ArrayList<>();
		String ref = testImages.resolve("tissue1_A.png").toString();

		steps.add(new Step(NormalizeImageCommand.LABEL, Map.of("method", "reinhard", "reference_images", ref),
			() -> expect("a window with the normalized image", WindowManager.getImage("tissue2_C-reinhard") != null),
			() -> closeImage("tissue2_C-reinhard")));

		Path in = Files.createDirectories(work.resolve("slides")), out = work.resolve("normalized");
		int files = 100;
		for (int i = 0; i < files; i++)
			Files.copy(testImages.resolve(i % 2 == 0 ? "tissue1_B.png" : "tissue2_C.png"), in.resolve(String.format("slide%03d.png", i)));
		int[] blank = new int[64 * 64];
		java.util.Arrays.fill(blank, 0xFFFFFF);
		ImageFiles.write(RgbImage.wrap(64, 64, blank), in.resolve("blank.png"));
		steps.add(new Step(NormalizeFolderCommand.LABEL, Map.of("input_folder", in.toString(), "output_folder", out.toString(), "method", "macenko",
			"reference_images", ref, "threads", "1"),
			() -> expect("every image of the folder normalized", count(out) == files + 1),
			() -> deleteTree(out)));

		Path slides = Files.createDirectories(work.resolve("whole-slides")), slide = WholeSlideCommandTest.slide(slides, "slide.tif", 700, 600,
			sc.fiji.stainnorm.synth.StainStyle.A), normalizedSlide = slides.resolve("normalized.tif");
		steps.add(new Step(NormalizeWholeSlideCommand.LABEL, Map.of("input_file", slide.toString(), "output_file", normalizedSlide.toString(), "method",
			"reinhard", "reference_images", ref, "threads", "1"),
			() -> expect("a complete pyramid", sc.fiji.stainnorm.slide.WholeSlideJob.incompleteReason(normalizedSlide, 700, 600) == null),
			() -> {
				try {
					Files.deleteIfExists(normalizedSlide);
				}
				catch (IOException e) {
					throw new java.io.UncheckedIOException(e);
				}
			}));

		steps.add(new Step(ColourDeconvolutionCommand.LABEL, Map.of("outputs", "both"),
			() -> expect("the concentration and stain windows", WindowManager.getImage("tissue2_C-concentrations") != null
				&& WindowManager.getImage("tissue2_C-stains") != null),
			() -> {
				closeImage("tissue2_C-concentrations");
				closeImage("tissue2_C-stains");
			}));

		Path metrics = work.resolve("metrics");
		steps.add(new Step(CompareCommand.LABEL, Map.of("ground_truth", testImages.resolve("tissue1_B.png").toString(), "prediction",
			testImages.resolve("tissue1_A.png").toString(), "output_folder", metrics.toString()),
			() -> {
				expect("metrics.csv", Files.isRegularFile(metrics.resolve(CompareCommand.CSV)));
				ResultsTable pairs = ResultsTable.getResultsTable(ResultsTables.METRICS);
				expect("the metrics table holds the pair alone, no mean/std rows", pairs != null && pairs.size() == 1);
				ResultsTable summary = ResultsTable.getResultsTable(ResultsTables.METRICS + ResultsTables.SUMMARY);
				expect("a summary table with mean and std", summary != null && summary.size() == 2 && "mean".equals(summary.getLabel(0)));
				expect("the metrics plot is a Plot window", plotWindow(ResultsTables.METRICS + ResultsTables.PLOT));
			},
			() -> {
				deleteTree(metrics);
				closeImage(ResultsTables.METRICS + ResultsTables.PLOT);
			}));

		Path src = Files.createDirectories(work.resolve("cmp-src")), gt = Files.createDirectories(work.resolve("cmp-gt"));
		Files.copy(testImages.resolve("tissue1_A.png"), src.resolve("t1.png"));
		Files.copy(testImages.resolve("tissue1_B.png"), gt.resolve("t1.png"));
		Path comparison = work.resolve("comparison");
		steps.add(new Step(CompareMethodsCommand.LABEL, Map.of("source_folder", src.toString(), "ground_truth_folder", gt.toString(),
			"reference_images", testImages.resolve("tissue2_B.png").toString(), "methods", "reinhard", "output_folder", comparison.toString(),
			"montage_rows", "1"),
			() -> {
				expect("comparison.csv", Files.isRegularFile(comparison.resolve(CompareMethodsCommand.CSV)));
				expect("the comparison plot is a Plot window", plotWindow(ResultsTables.COMPARISON + ResultsTables.PLOT + " (SSIM)"));
			},
			() -> {
				deleteTree(comparison);
				closeImage(ResultsTables.COMPARISON + ResultsTables.PLOT + " (SSIM)");
				closeImage(ResultsTables.COMPARISON + " Montage");
			}));

		Path training = Files.createDirectories(work.resolve("training")), model = work.resolve("tiny.zip");
		for (int s = 1; s <= 3; s++)
			ImageFiles.write(SyntheticTissue.generate(s, 80, 80).render(StainStyle.C, 1.0), training.resolve(s + ".png"));
		steps.add(new Step(TrainStstCommand.LABEL, Map.of("images_folder", training.toString(), "output_model", model.toString(), "steps", "4",
			"width", "2", "patch_size", "64", "threads", "1", "validation_fraction", "0.34"),
			() -> {
				expect("the trained model", Files.isRegularFile(model));
				expect("the losses in a Plot window", plotWindow("STST Training Losses"));
			},
			() -> {
				try (Stream<Path> s = Files.list(work)) {
					s.filter(p -> p.getFileName().toString().startsWith("tiny.zip")).forEach(ImageJ1GuiSession::delete);
				}
				catch (IOException e) {
					throw new java.io.UncheckedIOException(e);
				}
				closeAllImagesBut("tissue2_C.png");
			}));

		steps.add(new Step(AugmentStainCommand.LABEL, Map.of("method", "hed", "copies", "2", "seed", "3"),
			() -> {
				ImagePlus aug = WindowManager.getImage("tissue2_C-augmented");
				expect("the stack of augmented variants", aug != null && aug.getStackSize() == 2);
			},
			() -> closeImage("tissue2_C-augmented")));

		steps.add(new Step(EstimateStainVectorsCommand.LABEL, Map.of("method", "vahadane"),
			() -> {
				ResultsTable rt = ResultsTable.getResultsTable("Stain Vectors");
				expect("the stain-vector table with H and E", rt != null && rt.size() == 2);
				expect("the OD scatter plots", WindowManager.getImage("tissue2_C-od-plot") != null);
			},
			() -> closeImage("tissue2_C-od-plot")));

		Path candidates = work.resolve("candidates");
		Files.createDirectories(candidates);
		for (String f : new String[] { "tissue1_A.png", "tissue1_B.png", "tissue2_A.png", "tissue2_B.png" })
			Files.copy(testImages.resolve(f), candidates.resolve(f));
		steps.add(new Step(RankReferencesCommand.LABEL, Map.of("input_folder", candidates.toString(), "method", "reinhard"),
			() -> {
				ResultsTable rt = ResultsTable.getResultsTable("Reference Ranking");
				expect("the ranking of the four candidates", rt != null && rt.size() == 4);
			},
			() -> {}));

		steps.add(new Step(BenchmarkCommand.LABEL, Map.of("patches", "4", "size", "32", "methods", "reinhard", "threads", "1"),
			() -> {
				ResultsTable rt = ResultsTable.getResultsTable(ResultsTables.BENCHMARK);
				expect("the benchmark table with one method", rt != null && rt.size() == 1);
				expect("the benchmark plot is a Plot window", plotWindow(ResultsTables.BENCHMARK + ResultsTables.PLOT));
			},
			() -> closeImage(ResultsTables.BENCHMARK + ResultsTables.PLOT)));

		Path evaluation = work.resolve("evaluation");
		steps.add(new Step(EvaluateCommand.LABEL, Map.of("synthetic", "true", "output_folder", evaluation.toString(), "patches", "2", "patch_size", "64",
			"references", "1", "timing_patches", "0", "methods", "reinhard", "threads", "1"),
			() -> expect("the evaluation report", Files.isRegularFile(evaluation.resolve("results.md"))),
			() -> deleteTree(evaluation)));

		Path demo = work.resolve("demo");
		steps.add(new Step(DemoCommand.LABEL, Map.of("output_folder", demo.toString()),
			() -> expect("the demo montage", Files.isRegularFile(demo.resolve("montage.png"))),
			() -> deleteTree(demo)));
		return steps;
	}

	/** Plugins > Stain Normalization as plugins.config builds it: the user tools, Utilities, Help. */
	private void checkMenu() {
		MenuBar bar = Menus.getMenuBar();
		Menu ours = submenu(submenu(bar, "Plugins"), "Stain Normalization");
		List<String> entries = new ArrayList<>();
		for (int i = 0; i < ours.getItemCount(); i++)
			entries.add(ours.getItem(i).getLabel());
		List<String> expected = new ArrayList<>(FijiCommandsTest.USER_TOOLS);
		expected.add(StainNormCommand.TOOLS);
		expected.add("Stain Normalization Help");
		expect("Plugins > Stain Normalization is " + expected + ", not " + entries, expected.equals(entries));
		Menu tools = submenu(ours, StainNormCommand.TOOLS);
		List<String> toolEntries = new ArrayList<>();
		for (int i = 0; i < tools.getItemCount(); i++)
			toolEntries.add(tools.getItem(i).getLabel());
		expect("Utilities is " + FijiCommandsTest.TOOLS + ", not " + toolEntries, FijiCommandsTest.TOOLS.equals(toolEntries));
	}

	/**
	 * Opens Plugins > Stain Normalization > Utilities with the mouse, for the README's screenshot. The positions are
	 * those of ImageJ 1.54's menu bar at (0, 0) under Xvfb (no window manager), Utilities found by its place in
	 * the submenu (a fixed position would click whichever command moved there and leave its dialog open); the
	 * picture is looked at, not asserted, but a click that started a command is a problem.
	 */
	private void photographMenu() {
		Menu ours = submenu(submenu(Menus.getMenuBar(), "Plugins"), "Stain Normalization");
		int utilities = 0;
		while (utilities < ours.getItemCount() && !StainNormCommand.TOOLS.equals(ours.getItem(utilities).getLabel()))
			utilities++;
		int utilitiesY = STAIN_NORMALIZATION_Y + Math.round(utilities * MENU_ITEM_PITCH);
		click(318, 12); // Plugins
		robot.delay(500);
		click(350, STAIN_NORMALIZATION_Y); // Stain Normalization
		robot.delay(500);
		click(600, utilitiesY); // Utilities
		robot.delay(600);
		shot("menu", new Rectangle(0, 0, 1070, utilitiesY + 4 * Math.round(MENU_ITEM_PITCH)));
		robot.keyPress(KeyEvent.VK_ESCAPE);
		robot.keyRelease(KeyEvent.VK_ESCAPE);
		robot.delay(100);
		click(700, 900); // outside every menu: closes what is still open
		robot.delay(300);
		for (Window w : Window.getWindows())
			if (w instanceof Dialog d && w.isShowing()) {
				problems.add("photographing the menu opened \"" + d.getTitle() + "\": a click landed on a command (see " + shot("menu-misclick", w.getBounds()) + ")");
				close(w);
			}
	}

	/** Stain Normalization's row in the Plugins menu, and the height of a menu item (Utilities, the 7th, was at 271). */
	private static final int STAIN_NORMALIZATION_Y = 156;
	private static final float MENU_ITEM_PITCH = (271 - 156) / 6f;

	private void click(int x, int y) {
		robot.mouseMove(x, y);
		robot.mousePress(InputEvent.BUTTON1_DOWN_MASK);
		robot.mouseRelease(InputEvent.BUTTON1_DOWN_MASK);
	}

	/** Runs the step from its menu item with the Recorder on; returns the line recorded, or null after a problem. */
	private String record(Step step) throws Exception {
		int before = recordedLines().size();
		GenericDialog gd = openFromMenu(step.label);
		if (gd == null) return null;
		if (step.label.equals(NormalizeImageCommand.LABEL)) photographHelp(gd);
		ProgressWatch watch = step.label.equals(NormalizeFolderCommand.LABEL) ? new ProgressWatch() : null;
		fill(gd, step);
		if (watch != null) watch.start();
		press(gd, "OK");
		String line = awaitRecordedLine(step.label, before, 3 * MINUTE);
		if (watch != null) watch.stopAndCheck();
		if (line == null) return null;
		step.check.run();
		if (step.label.equals(NormalizeImageCommand.LABEL))
			expect("the open-image placeholder is recorded as ImageJ's *None*, which replays: " + line,
				line.contains("reference_image=" + NormalizerSetup.NO_IMAGE));
		if (step.label.equals(TrainStstCommand.LABEL))
			expect("the 2e-4 learning rate is recorded in full: " + line, line.contains("learning_rate=0.0002 "));
		if (step.label.equals(NormalizeFolderCommand.LABEL)) {
			String log = IJ.getLog() == null ? "" : IJ.getLog();
			expect("the blank image's warning is in the Log window: " + log, log.contains("WARNING:") && log.contains("blank.png"));
			expect("the run summary is in the Log window", log.contains(NormalizeFolderCommand.LABEL + ": macenko on "));
		}
		for (Window w : Window.getWindows())
			if (w instanceof PlotWindow pw && w.isShowing()) { // the plots, to look at
				onEdt(() -> {
					pw.toFront();
					return null;
				});
				robot.waitForIdle();
				robot.delay(300);
				shot(pw.getTitle(), w.getBounds());
			}
		step.clear.run();
		return line;
	}

	/** The recorded line as a macro, on a cleared result; the same checks as after recording. */
	private void replay(Step step, String line) throws InterruptedException {
		step.clear.run();
		Thread macro = new Thread(() -> IJ.runMacro(line), "replay");
		macro.start();
		long end = System.currentTimeMillis() + 3 * MINUTE;
		while (macro.isAlive() && System.currentTimeMillis() < end) {
			Window error = errorDialog(step.label);
			if (error != null) {
				problems.add("replaying " + line + " showed an error dialog (see " + shot(step.label + "-replay-error", error.getBounds()) + ")");
				close(error);
				return;
			}
			macro.join(100);
		}
		if (macro.isAlive()) {
			problems.add("replaying " + line + " did not finish in 3 minutes");
			return;
		}
		step.check.run();
		step.clear.run();
	}

	/** Escape closes a dialog, and nothing is recorded for it. */
	private void escapeRecordsNothing() throws Exception {
		int before = recordedLines().size();
		GenericDialog gd = openFromMenu(ColourDeconvolutionCommand.LABEL);
		if (gd == null) return;
		onEdt(() -> {
			gd.keyPressed(new KeyEvent(gd, KeyEvent.KEY_PRESSED, System.currentTimeMillis(), 0, KeyEvent.VK_ESCAPE, KeyEvent.CHAR_UNDEFINED));
			return null;
		});
		waitFor("the dialog to close after Escape", () -> !gd.isShowing(), MINUTE);
		robot.delay(700); // the Recorder writes after the command returns
		List<String> after = recordedLines();
		expect("Escape records nothing, but the Recorder got " + after.subList(before, after.size()), after.size() == before);
	}

	private GenericDialog openFromMenu(String label) throws Exception {
		MenuItem item = menuItem(label);
		EventQueue.invokeLater(() -> ij.actionPerformed(new ActionEvent(item, ActionEvent.ACTION_PERFORMED, item.getActionCommand())));
		long end = System.currentTimeMillis() + MINUTE;
		while (System.currentTimeMillis() < end) {
			for (Window w : Window.getWindows())
				if (w instanceof GenericDialog gd && gd.isShowing() && label.equals(gd.getTitle())) {
					robot.waitForIdle();
					robot.delay(400); // painted
					shot(label, gd.getBounds());
					return gd;
				}
			Window error = errorDialog(label);
			if (error != null) {
				problems.add(label + ": an error instead of the dialog (see " + shot(label + "-error", error.getBounds()) + ")");
				close(error);
				return null;
			}
			Thread.sleep(50);
		}
		problems.add(label + ": no dialog within a minute");
		return null;
	}

	/** Help opens the command's help page; photographed and closed again. */
	private void photographHelp(GenericDialog gd) throws Exception {
		Button help = button(gd, "Help");
		if (help == null) {
			problems.add(gd.getTitle() + " has no Help button");
			return;
		}
		EventQueue.invokeLater(() -> gd.actionPerformed(new ActionEvent(help, ActionEvent.ACTION_PERFORMED, "Help")));
		Window page = null;
		long end = System.currentTimeMillis() + 20_000;
		while (page == null && System.currentTimeMillis() < end) {
			for (Window w : Window.getWindows())
				if (w instanceof ij.gui.HTMLDialog && w.isShowing()) page = w;
			Thread.sleep(50);
		}
		if (page == null) {
			problems.add(gd.getTitle() + ": Help showed nothing");
			return;
		}
		robot.waitForIdle();
		robot.delay(400);
		shot(gd.getTitle() + "-help", page.getBounds());
		close(page);
		waitFor("the help page to close", () -> Stream.of(Window.getWindows()).noneMatch(w -> w instanceof ij.gui.HTMLDialog && w.isShowing()), MINUTE);
	}

	/** Types the step's values into the fields whose labels are the parameters' labels. */
	private void fill(GenericDialog gd, Step step) throws Exception {
		var info = IJ1Bridge.sharedContext().service(org.scijava.command.CommandService.class).getCommand(
			CommandRunner.find(IJ1Bridge.sharedContext().service(org.scijava.command.CommandService.class), step.label).getClassName());
		for (Map.Entry<String, String> e : step.values.entrySet()) {
			var item = info.getInput(e.getKey());
			if (item == null) throw new AssertionError(step.label + " has no parameter " + e.getKey());
			String label = IJ1Dialog.label(item);
			Component field = field(gd, label);
			if (field == null) {
				problems.add(step.label + ": no field labelled \"" + label + "\" for " + e.getKey());
				continue;
			}
			onEdt(() -> {
				if (field instanceof TextField tf) tf.setText(e.getValue());
				else if (field instanceof Choice c) c.select(e.getValue());
				else if (field instanceof Checkbox cb) cb.setState(Boolean.parseBoolean(e.getValue()));
				return null;
			});
		}
	}

	/** The field after the label with this text (a text field, choice, or the text field of a browse panel), or the checkbox. */
	private static Component field(Container gd, String label) {
		Component[] parts = gd.getComponents();
		for (int i = 0; i < parts.length; i++) {
			if (parts[i] instanceof Checkbox cb && label.equals(cb.getLabel())) return cb;
			if (parts[i] instanceof Label l && label.equals(l.getText().trim()) && i + 1 < parts.length) {
				Component next = parts[i + 1];
				if (next instanceof Container c && !(next instanceof Choice))
					for (Component inner : c.getComponents())
						if (inner instanceof TextField || inner instanceof Choice) return inner;
				return next;
			}
		}
		return null;
	}

	private void press(GenericDialog gd, String name) throws Exception {
		Button b = button(gd, name);
		if (b == null) throw new AssertionError(gd.getTitle() + " has no " + name + " button");
		onEdt(() -> {
			gd.actionPerformed(new ActionEvent(b, ActionEvent.ACTION_PERFORMED, name));
			return null;
		});
	}

	private static Button button(Container c, String name) {
		for (Component part : c.getComponents()) {
			if (part instanceof Button b && name.equals(b.getLabel().trim())) return b;
			if (part instanceof Container inner) {
				Button b = button(inner, name);
				if (b != null) return b;
			}
		}
		return null;
	}

	private String awaitRecordedLine(String label, int before, long timeout) throws InterruptedException {
		long end = System.currentTimeMillis() + timeout;
		while (System.currentTimeMillis() < end) {
			List<String> lines = recordedLines();
			for (String line : lines.subList(Math.min(before, lines.size()), lines.size()))
				if (line.startsWith("run(\"" + label + "\"")) return line;
			Window error = errorDialog(label);
			if (error != null) {
				problems.add(label + ": an error dialog (see " + shot(label + "-error", error.getBounds()) + ")");
				close(error);
				return null;
			}
			Thread.sleep(100);
		}
		problems.add(label + ": nothing recorded within " + timeout / 1000 + " s; the Recorder holds " + recordedLines());
		Thread.getAllStackTraces().forEach((t, stack) -> {
			System.out.println("thread " + t.getName() + ":");
			for (StackTraceElement e : stack)
				System.out.println("    " + e);
		});
		return null;
	}

	private static List<String> recordedLines() {
		Recorder r = Recorder.getInstance();
		String text = r == null ? "" : r.getText();
		return text == null ? List.of() : text.lines().filter(l -> !l.isBlank()).toList();
	}

	/** A message dialog titled like the command: how the bridge reports a failure in the GUI. */
	private static Window errorDialog(String label) {
		for (Window w : Window.getWindows())
			if (w instanceof Dialog d && w.isShowing() && !(w instanceof GenericDialog) && label.equals(d.getTitle())) return w;
		return null;
	}

	/**
	 * Samples the progress bar's pixels and the status line while a folder run works: the bar must grow and the
	 * status must count files, as a user watching ImageJ sees them.
	 */
	private final class ProgressWatch extends Thread {
		private final Set<Integer> widths = new LinkedHashSet<>();
		private final Set<String> statuses = new LinkedHashSet<>();
		private volatile boolean stop;

		ProgressWatch() {
			super("progress watch");
			setDaemon(true);
		}

		@Override
		public void run() {
			Component bar = ij.getProgressBar();
			while (!stop) {
				try {
					Rectangle r = new Rectangle(bar.getLocationOnScreen(), bar.getSize());
					widths.add(filledColumns(robot.createScreenCapture(r)));
					statuses.add(ImageJ.getStatusBarText());
					Thread.sleep(40);
				}
				catch (InterruptedException | java.awt.IllegalComponentStateException e) {
					return;
				}
			}
		}

		void stopAndCheck() throws InterruptedException {
			stop = true;
			join(5000);
			widths.remove(0);
			List<String> counted = statuses.stream().filter(s -> s.matches("Stain normalization: \\d+/\\d+ .*")).toList();
			System.out.println("progress bar widths seen: " + widths + "; " + counted.size() + " counting status lines, e.g. "
				+ counted.stream().limit(3).toList());
			int most = widths.stream().mapToInt(Integer::intValue).max().orElse(0), least = widths.stream().mapToInt(Integer::intValue).min().orElse(0);
			expect("the progress bar grows during the folder run (done widths seen: " + widths + ")", widths.size() >= 3 && most > 2 * least);
			expect("the status bar counts the files (seen: " + statuses + ")", counted.size() >= 2);
		}
	}

	/** Columns of the bar's image that hold the colour of its done part (ImageJ's gray, 128, 128, 128). */
	private static int filledColumns(BufferedImage img) {
		int n = 0;
		for (int x = 0; x < img.getWidth(); x++)
			for (int y = 0; y < img.getHeight(); y++)
				if ((img.getRGB(x, y) & 0xFFFFFF) == 0x808080) {
					n++;
					break;
				}
		return n;
	}

	private static Menu submenu(MenuBar bar, String name) {
		for (int i = 0; i < bar.getMenuCount(); i++)
			if (name.equals(bar.getMenu(i).getLabel())) return bar.getMenu(i);
		throw new AssertionError("no menu " + name);
	}

	private static Menu submenu(Menu menu, String name) {
		for (int i = 0; i < menu.getItemCount(); i++)
			if (menu.getItem(i) instanceof Menu m && name.equals(m.getLabel())) return m;
		throw new AssertionError("no submenu " + name + " in " + menu.getLabel());
	}

	private static MenuItem menuItem(String label) {
		Menu ours = submenu(submenu(Menus.getMenuBar(), "Plugins"), "Stain Normalization");
		for (Menu m : List.of(ours, submenu(ours, StainNormCommand.TOOLS)))
			for (int i = 0; i < m.getItemCount(); i++)
				if (label.equals(m.getItem(i).getLabel())) return m.getItem(i);
		throw new AssertionError("no menu item " + label);
	}

	private String shot(String name, Rectangle r) {
		Path file = shots.resolve(String.format("%02d-%s.png", ++shotNumber, name.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("-$", "")));
		try {
			ImageIO.write(robot.createScreenCapture(r), "png", file.toFile());
		}
		catch (IOException e) {
			problems.add("cannot save " + file + ": " + e.getMessage());
		}
		return file.toString();
	}

	private void expect(String what, boolean ok) {
		if (!ok) problems.add(what + " (open images: " + java.util.Arrays.toString(WindowManager.getImageTitles()) + ")");
	}

	private static boolean plotWindow(String title) {
		ImagePlus imp = WindowManager.getImage(title);
		return imp != null && imp.getWindow() instanceof PlotWindow;
	}

	private static void closeImage(String title) {
		ImagePlus imp = WindowManager.getImage(title);
		if (imp != null) {
			imp.changes = false;
			imp.close();
		}
	}

	private static void closeAllImagesBut(String keep) {
		int[] ids = WindowManager.getIDList();
		if (ids != null) for (int id : ids) {
			ImagePlus imp = WindowManager.getImage(id);
			if (imp != null && !keep.equals(imp.getTitle())) {
				imp.changes = false;
				imp.close();
			}
		}
	}

	private static void close(Window w) {
		EventQueue.invokeLater(w::dispose);
	}

	private static long count(Path dir) {
		try (Stream<Path> s = Files.list(dir)) {
			return s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
		}
		catch (IOException e) {
			return -1;
		}
	}

	private static void deleteTree(Path dir) {
		if (!Files.exists(dir)) return;
		try (Stream<Path> s = Files.walk(dir)) {
			s.sorted(Comparator.reverseOrder()).forEach(ImageJ1GuiSession::delete);
		}
		catch (IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	private static void delete(Path p) {
		try {
			Files.deleteIfExists(p);
		}
		catch (IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	private static void waitFor(String what, BooleanSupplier condition, long timeout) throws InterruptedException {
		long end = System.currentTimeMillis() + timeout;
		while (!condition.getAsBoolean()) {
			if (System.currentTimeMillis() > end) throw new AssertionError("timed out waiting for " + what);
			Thread.sleep(50);
		}
	}

	private static <T> T onEdt(Callable<T> c) throws Exception {
		AtomicReference<T> result = new AtomicReference<>();
		AtomicReference<Exception> failure = new AtomicReference<>();
		EventQueue.invokeAndWait(() -> {
			try {
				result.set(c.call());
			}
			catch (Exception e) {
				failure.set(e);
			}
		});
		if (failure.get() != null) throw failure.get();
		return result.get();
	}
}
