package sc.fiji.stainnorm.fiji;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

import sc.fiji.stainnorm.core.StainNormException;

/** plugins.config and the ImageJ 1.x bridge: same labels as the SciJava menu leaves, same keys as the parameters. */
public class IJ1BridgeTest {
	static final Pattern LINE = Pattern.compile("(Plugins>Stain Normalization(?:>Utilities)?), \"([^\"]+)\", sc\\.fiji\\.stainnorm\\.fiji\\.IJ1Bridge\\(\"([\\w.]+)\"\\)");
	/** The one entry that is not a command: ImageJ's own browser launcher on the README's Fiji section. */
	static final String HELP = "Plugins>Stain Normalization, \"Stain Normalization Help\", ij.plugin.BrowserLauncher(\"" + IJ1Dialog.README + "\")";

	@Test
	public void pluginsConfigLabelsAreTheSciJavaMenuLeaves() throws IOException {
		List<String> labels = new ArrayList<>();
		try (Context context = new Context()) {
			CommandService commands = context.service(CommandService.class);
			for (String line : Files.readAllLines(Path.of("plugins.config"))) {
				if (line.isBlank() || line.startsWith("#") || line.equals(HELP)) continue;
				Matcher m = LINE.matcher(line);
				assertTrue("plugins.config line not understood: " + line, m.matches());
				CommandInfo info = commands.getCommand(m.group(3));
				assertEquals(m.group(3), info.getClassName());
				assertEquals(m.group(2), info.getMenuPath().getLeaf().getName());
				assertEquals("the same submenu as in Fiji", m.group(1), info.getMenuPath().getMenuString(false).replace(" > ", ">"));
				labels.add(m.group(2));
			}
		}
		assertEquals("every command once, in the SciJava menu's order", FijiCommandsTest.MENU, labels);
		assertTrue("the Help entry is there", Files.readAllLines(Path.of("plugins.config")).contains(HELP));
	}

	@Test
	public void macroOptionsFollowImageJConventions() {
		try (Context context = new Context()) {
			CommandInfo info = context.service(CommandService.class).getCommand(NormalizeFolderCommand.class.getName());
			Map<String, Object> m = IJ1Bridge.fromMacroOptions(info,
				"input_folder=[/data/my slides] output_folder=/out method=macenko reference_images=[a.png,b c.png] overwrite threads=2");
			assertEquals("/data/my slides", m.get("input_folder"));
			assertEquals("/out", m.get("output_folder"));
			assertEquals("a.png,b c.png", m.get("reference_images"));
			assertEquals("a bare key is a ticked checkbox", "true", m.get("overwrite"));
			assertEquals("2", m.get("threads"));
			assertEquals("an absent checkbox is unticked", "false",
				IJ1Bridge.fromMacroOptions(info, "input_folder=/a output_folder=/b method=x").get("overwrite"));
			try {
				IJ1Bridge.fromMacroOptions(info, "input_folder=/a outptu_folder=/b");
				fail("a typo in a key must not be ignored");
			}
			catch (StainNormException e) {
				assertTrue(e.getMessage(), e.getMessage().contains("outptu_folder") && e.getMessage().contains("output_folder"));
			}
		}
	}

	/**
	 * Issue 13: what the Recorder writes must replay. The open-image placeholder is ImageJ's *None* (the former
	 * "[none]" came back as an image titled "none"), and a 2e-4 default is shown and recorded as 0.0002, not 0.000.
	 */
	@Test
	public void recordedPlaceholdersAndSmallNumbersReplay() {
		try (Context context = new Context()) {
			CommandInfo info = context.service(CommandService.class).getCommand(NormalizeImageCommand.class.getName());
			Object none = IJ1Bridge.fromMacroOptions(info, "method=reinhard reference_image=" + NormalizerSetup.NO_IMAGE).get("reference_image");
			assertEquals(NormalizerSetup.NO_IMAGE, none);
			assertTrue(NormalizerSetup.isNoImage((String) none));
			assertTrue("a line recorded by an earlier version replays too",
				NormalizerSetup.isNoImage((String) IJ1Bridge.fromMacroOptions(info, "method=reinhard reference_image=[none]").get("reference_image")));
			assertTrue(NormalizerSetup.references(null, NormalizerSetup.NO_IMAGE).isEmpty());
		}
		assertEquals(4, IJ1Dialog.decimals(2e-4));
		assertEquals("0.0002", IJ1Dialog.numberText(2e-4));
		assertEquals(0, IJ1Dialog.decimals(100));
		assertEquals("100", IJ1Dialog.numberText(100));
		assertEquals(2, IJ1Dialog.decimals(0.15));
		assertEquals("NaN", IJ1Dialog.numberText(Double.NaN));
	}

	/** Issue 13: the dialog says which methods need a reference and lists each method's option keys with defaults. */
	@Test
	public void theMethodNotesComeFromTheMethodsThemselves() {
		assertEquals("macenko: needs a reference image\nOptions: io=240, alpha=1, beta=0.15, tissue=channels, reference=(unset)", IJ1Dialog.methodNote("macenko"));
		assertTrue(IJ1Dialog.methodNote("stst"), IJ1Dialog.methodNote("stst").startsWith("stst: no reference"));
		assertTrue(IJ1Dialog.methodNote("stst"), !IJ1Dialog.methodNote("stst").contains("model="));
		// the dialog says whose style the bundled model paints, that STST warns on others, and how to train one
		assertTrue(IJ1Dialog.methodNote("stst"), IJ1Dialog.methodNote("stst").contains("glioblastoma")
			&& IJ1Dialog.methodNote("stst").contains("STST warns") && IJ1Dialog.methodNote("stst").contains("(" + TrainStstCommand.LABEL + ")"));
		assertTrue(IJ1Dialog.methodNote("khan"), IJ1Dialog.methodNote("khan").startsWith("khan (experimental): needs a reference image; below the unnormalized input"));
		for (String m : sc.fiji.stainnorm.normalize.Methods.names()) {
			String note = IJ1Dialog.methodNote(m);
			for (String key : sc.fiji.stainnorm.normalize.Methods.optionDefaults(m).keySet())
				if (!key.equals("model")) assertTrue(note, note.contains(key + "="));
		}
	}

	/** A "method" that is not a normalization method (augmentation, stain vectors, ranking) gets no normalization notes. */
	@Test
	public void onlyANormalizationMethodChoiceGetsTheMethodNotes() throws Exception {
		Context ctx = IJ1Bridge.sharedContext();
		CommandService commands = ctx.service(CommandService.class);
		for (Class<?> c : List.of(NormalizeImageCommand.class, NormalizeFolderCommand.class, AugmentStainCommand.class, EstimateStainVectorsCommand.class,
			RankReferencesCommand.class)) {
			CommandInfo info = commands.getCommand(c.getName());
			org.scijava.module.Module module = ctx.service(org.scijava.module.ModuleService.class).createModule(info);
			module.initialize();
			boolean normalizes = c == NormalizeImageCommand.class || c == NormalizeFolderCommand.class;
			String help = IJ1Dialog.help(info, module);
			assertEquals(c.getSimpleName(), normalizes, IJ1Dialog.choosesNormalization(module.getInfo().getInput("method").getChoices()));
			assertEquals(help, normalizes, help.contains("Methods and their options"));
			assertTrue(help, !help.contains("Unknown method"));
		}
	}

	@Test
	public void theBridgeRunsTheCommandWithTheMacroOptions() throws Exception {
		Path out = Files.createTempDirectory("bridge");
		Thread t = Thread.currentThread();
		String name = t.getName();
		try {
			// ImageJ 1.x hands macro options only to threads whose name starts with "Run$_"
			t.setName("Run$_" + name);
			ij.Macro.setOptions("input_file=test-images/tissue2_A.png output_folder=[" + out + "] outputs=colour");
			new IJ1Bridge().run(ColourDeconvolutionCommand.class.getName());
			assertEquals(List.of("tissue2_A_Eosin.png", "tissue2_A_Hematoxylin.png", "tissue2_A_Residual.png"), FijiCommandsTest.names(out));
			// a failure writes nothing more and does not throw
			ij.Macro.setOptions("input_file=test-images/tissue2_B.png output_folder=[" + out + "] vectors=custom custom_vectors=[1 0 0]");
			new IJ1Bridge().run(ColourDeconvolutionCommand.class.getName());
			assertEquals(3, FijiCommandsTest.names(out).size());
		}
		finally {
			ij.Macro.setOptions(null);
			t.setName(name);
			for (String f : FijiCommandsTest.names(out))
				Files.delete(out.resolve(f));
			Files.delete(out);
		}
	}

	/**
	 * In ImageJ 1.x the menu thread's context class loader is the system one, which does not see our jar or
	 * SciJava in plugins/ (seen under Xvfb: "No compatible service" before any dialog). The bridge must not rely on it.
	 */
	@Test
	public void theBridgeWorksWhenTheContextClassLoaderSeesNoPlugins() throws Exception {
		java.lang.reflect.Field cached = IJ1Bridge.class.getDeclaredField("context");
		cached.setAccessible(true);
		Object saved = cached.get(null);
		cached.set(null, null);
		Path out = Files.createTempDirectory("bridge-cl");
		Thread t = Thread.currentThread();
		String name = t.getName();
		ClassLoader loader = t.getContextClassLoader();
		try {
			t.setName("Run$_" + name);
			t.setContextClassLoader(ClassLoader.getPlatformClassLoader());
			ij.Macro.setOptions("input_file=test-images/tissue2_A.png output_folder=[" + out + "] outputs=colour");
			new IJ1Bridge().run(ColourDeconvolutionCommand.class.getName());
			assertEquals(ClassLoader.getPlatformClassLoader(), t.getContextClassLoader());
			assertEquals(3, FijiCommandsTest.names(out).size());
		}
		finally {
			ij.Macro.setOptions(null);
			t.setName(name);
			t.setContextClassLoader(loader);
			Object created = cached.get(null);
			if (created != null && created != saved) ((Context) created).dispose();
			cached.set(null, saved);
			for (String f : FijiCommandsTest.names(out))
				Files.delete(out.resolve(f));
			Files.delete(out);
		}
	}
}
