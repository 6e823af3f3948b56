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
	static final Pattern LINE = Pattern.compile("Plugins>Stain Normalization, \"([^\"]+)\", sc\\.fiji\\.stainnorm\\.fiji\\.IJ1Bridge\\(\"([\\w.]+)\"\\)");

	@Test
	public void pluginsConfigLabelsAreTheSciJavaMenuLeaves() throws IOException {
		List<String> labels = new ArrayList<>();
		try (Context context = new Context()) {
			CommandService commands = context.service(CommandService.class);
			for (String line : Files.readAllLines(Path.of("plugins.config"))) {
				if (line.isBlank() || line.startsWith("#")) continue;
				Matcher m = LINE.matcher(line);
				assertTrue("plugins.config line not understood: " + line, m.matches());
				CommandInfo info = commands.getCommand(m.group(2));
				assertEquals(m.group(2), info.getClassName());
				assertEquals(m.group(1), info.getMenuPath().getLeaf().getName());
				assertEquals("Stain Normalization", info.getMenuPath().get(1).getName());
				labels.add(m.group(1));
			}
		}
		for (String label : FijiCommandsTest.MENU)
			assertTrue(label + " is in plugins.config", labels.contains(label));
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
