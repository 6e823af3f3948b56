package sc.fiji.stainnorm.fiji;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import net.imagej.patcher.LegacyEnvironment;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.stst.StstModel;
import sc.fiji.stainnorm.stst.StstTrainer;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;
import sc.fiji.stainnorm.normalize.Methods;

/**
 * Every macro in {@code macros/}, run truly headless in a patched ImageJ 1.x ({@link LegacyEnvironment}) that
 * finds our menu entries through {@code plugins.config}. ImageJ 1.x does not fail on macro errors, so the
 * checks are on the files written and on stderr.
 */
public class MacrosTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	/** How to check each macro; a new macro without an entry here fails the test, so none goes untested. */
	private final Map<String, BiConsumer<Path, String>> checks = Map.of("Batch_Normalize_Folder.ijm", this::batchNormalizeFolder,
		"Compare_Methods.ijm", this::compareMethods, "Train_STST_Model.ijm", this::trainStstModel,
		"Augment_Stain_Folder.ijm", this::augmentStainFolder,
		// run with slides in WholeSlideCommandTest (folders of pyramidal TIFFs): here only the check of its refusals
		"Batch_Normalize_Slides.ijm", this::batchNormalizeSlides);

	@Test
	public void everyMacroIsKnownAndRuns() throws IOException {
		try (Stream<Path> s = Files.list(Path.of("macros"))) {
			for (Path macro : s.filter(p -> p.toString().endsWith(".ijm")).sorted().toList()) {
				BiConsumer<Path, String> check = checks.get(macro.getFileName().toString());
				assertTrue("no test for " + macro + ": add one to MacrosTest", check != null);
				String text = Files.readString(macro);
				assertTrue(macro + " has a header saying how to call it", text.startsWith("//") && text.contains("-batch") && text.contains("--headless"));
				check.accept(macro, text);
			}
		}
	}

	private void batchNormalizeFolder(Path macro, String text) {
		try {
			Path in = tmp.newFolder("in").toPath();
			Files.copy(Path.of("test-images", "tissue1_B.png"), in.resolve("a.png"));
			Files.copy(Path.of("test-images", "tissue2_C.png"), in.resolve("b.png"));
			Path out = tmp.getRoot().toPath().resolve("out");
			String err = runMacro(text, "input=[" + in + "] output=[" + out + "] method=nosuchmethod");
			assertTrue(err, err.contains("Unknown method 'nosuchmethod'"));
			assertFalse("a failed run writes nothing", Files.exists(out));
			assumeTrue("skipped: reinhard not registered yet", Methods.names().contains("reinhard"));
			err = runMacro(text, "input=[" + in + "] output=[" + out + "] method=reinhard");
			assertTrue("the message names this macro's own key: " + err, err.contains("in macros/Batch_Normalize_Folder.ijm the key is reference"));
			assertFalse("a failed run writes nothing", Files.exists(out));
			err = runMacro(text, "input=[" + in + "] output=[" + out + "] method=reinhard reference=[" + Path.of("test-images", "tissue1_A.png").toAbsolutePath()
				+ "] shard=1/2");
			assertEquals(err, List.of("a.png"), FijiCommandsTest.names(out));
			err = runMacro(text, "input=[" + in + "] output=[" + out + "] method=reinhard reference=[" + Path.of("test-images", "tissue1_A.png").toAbsolutePath() + "]");
			assertEquals(err, List.of("a.png", "b.png"), FijiCommandsTest.names(out));
			assertFalse(err, err.contains("Exception") || err.contains("ERROR"));
			// a reference whose name holds a comma, quoted inside the brackets as the header says, next to a plain one
			Path comma = Files.copy(Path.of("test-images", "tissue1_A.png"), tmp.getRoot().toPath().resolve("tar, get.png"));
			Path out2 = tmp.getRoot().toPath().resolve("out2");
			err = runMacro(text, "input=[" + in + "] output=[" + out2 + "] method=reinhard reference=['" + comma + "',"
				+ Path.of("test-images", "tissue2_B.png").toAbsolutePath() + "]");
			assertEquals(err, List.of("a.png", "b.png"), FijiCommandsTest.names(out2));
			assertFalse(err, err.contains("Exception") || err.contains("ERROR"));
		}
		catch (IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	private void batchNormalizeSlides(Path macro, String text) {
		try {
			Path empty = tmp.newFolder("no-slides").toPath();
			Files.copy(Path.of("test-images", "tissue1_B.png"), empty.resolve("a.png"));
			// the macro's exit() message goes to ImageJ's log, not stderr: the check is that nothing ran or was written
			Path out = tmp.getRoot().toPath().resolve("slides-out");
			String err = runMacro(text, "input=[" + empty + "] output=[" + out + "] method=stst");
			assertFalse(err, Files.exists(out) || err.contains("Exception"));
			err = runMacro(text, "method=stst");
			assertFalse(err, err.contains("Exception"));
		}
		catch (IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	private void augmentStainFolder(Path macro, String text) {
		try {
			Path in = tmp.newFolder("aug-in").toPath();
			Files.copy(Path.of("test-images", "tissue1_B.png"), in.resolve("a.png"));
			Path out = tmp.getRoot().toPath().resolve("aug-out");
			String err = runMacro(text, "input=[" + in + "] output=[" + out + "] method=nosuch");
			assertTrue(err, err.contains("nosuch"));
			assertFalse("a failed run writes nothing", Files.exists(out.resolve("a_aug01.png")));
			err = runMacro(text, "input=[" + in + "] output=[" + out + "] method=macenko copies=2 seed=5");
			assertEquals(err, List.of("a_aug01.png", "a_aug02.png", "augmentation.csv"), FijiCommandsTest.names(out));
			assertFalse(err, err.contains("Exception") || err.contains("ERROR"));
		}
		catch (IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	private void compareMethods(Path macro, String text) {
		try {
			Path src = tmp.newFolder("cmp-src").toPath(), gt = tmp.newFolder("cmp-gt").toPath();
			Files.copy(Path.of("test-images", "tissue1_A.png"), src.resolve("t1.png"));
			Files.copy(Path.of("test-images", "tissue1_B.png"), gt.resolve("t1.png"));
			Path out = tmp.getRoot().toPath().resolve("cmp-out");
			String ref = Path.of("test-images", "tissue2_B.png").toAbsolutePath().toString();
			String err = runMacro(text, "source=[" + src + "] truth=[" + gt + "] output=[" + out + "] methods=[reinhard,nosuch] reference=[" + ref + "]");
			assertTrue(err, err.contains("Unknown method 'nosuch'"));
			assertFalse("a failed run writes nothing", Files.exists(out));
			assumeTrue("skipped: reinhard not registered yet", Methods.names().contains("reinhard"));
			err = runMacro(text, "source=[" + src + "] truth=[" + gt + "] output=[" + out + "] methods=[reinhard] reference=[" + ref + "] convention=paper");
			assertEquals(err, List.of("comparison.csv", "comparison_montage.png", "comparison_plot.png", "comparison_summary.csv"),
				FijiCommandsTest.names(out));
			List<String> csv = Files.readAllLines(out.resolve("comparison.csv"));
			assertEquals(3, csv.size());
			assertTrue(csv.get(2), csv.get(2).startsWith("reinhard,t1.png,0."));
			assertFalse(err, err.contains("Exception") || err.contains("ERROR"));
			err = runMacro(text, "source=[" + src + "] truth=[" + gt + "] output=[" + out + "] methods=[reinhard] reference=[" + ref + "]");
			assertTrue("a second run does not overwrite unasked: " + err, err.contains("exists; set overwrite"));
		}
		catch (IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	/**
	 * A CI-sized training run (6 steps, width 2, 64x64 patches). In a JVM of its own: TensorFlow's natives load
	 * once per JVM, and the patched ImageJ loads our classes (so the engine) a second time.
	 */
	private void trainStstModel(Path macro, String text) {
		try {
			Path images = tmp.newFolder("stst-images").toPath();
			for (int s = 1; s <= 3; s++)
				ImageFiles.write(SyntheticTissue.generate(s, 80, 80).render(StainStyle.C, 1.0), images.resolve(s + ".png"));
			Path model = tmp.getRoot().toPath().resolve("tiny model.zip");
			String args = "images=[" + images + "] model=[" + model + "] steps=6 width=2 patch=64 threads=1 validation=0.34";
			String err = runMacroInNewJvm(macro, args);
			assertTrue(err, Files.isRegularFile(model));
			assertEquals(err, "2", StstModel.read(model).metadata("ngf"));
			assertTrue(err, Files.isRegularFile(StstTrainer.lossCsvOf(model)) && Files.isRegularFile(StstTrainer.lossPlotOf(model)));
			assertFalse(err, err.contains("Exception") || err.contains("ERROR"));
			byte[] trained = Files.readAllBytes(model);
			err = runMacroInNewJvm(macro, args);
			assertTrue("no overwriting unasked: " + err, err.contains("exists; set overwrite"));
			assertArrayEquals(trained, Files.readAllBytes(model));
		}
		catch (IOException | InterruptedException e) {
			throw new AssertionError(e);
		}
	}

	/** Runs {@link #main} (a macro file and its argument) in a new JVM with this class path; returns its output. */
	static String runMacroInNewJvm(Path macro, String argument) throws IOException, InterruptedException {
		Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
		Process p = new ProcessBuilder(javaBin.toString(), "-Xmx2g", "--add-opens=java.base/java.lang=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), MacrosTest.class.getName(),
			macro.toAbsolutePath().toString(), argument).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)) p.destroyForcibly();
		return out;
	}

	public static void main(String[] args) throws IOException {
		runMacro(Files.readString(Path.of(args[0])), args[1]); // its stderr is passed through
		System.exit(0); // ImageJ's threads would keep the JVM alive
	}

	/** Runs macro text with an argument in a fresh headless ImageJ 1.x; returns what it wrote to stderr. */
	static String runMacro(String macro, String argument) {
		PrintStream saved = System.err;
		ByteArrayOutputStream captured = new ByteArrayOutputStream();
		try (PrintStream both = new PrintStream(new TeeStream(saved, captured), true, StandardCharsets.UTF_8)) {
			System.setErr(both);
			LegacyEnvironment ij1 = new LegacyEnvironment(null, true);
			ij1.disableIJ1PluginDirs();
			// our classes and their dependencies, loaded again against the patched ImageJ 1.x
			ij1.addPluginClasspath(MacrosTest.class.getClassLoader());
			ij1.runMacro(macro, argument);
		}
		catch (ClassNotFoundException e) {
			throw new AssertionError("ImageJ 1.x could not be patched", e);
		}
		finally {
			System.setErr(saved);
		}
		return captured.toString(StandardCharsets.UTF_8);
	}

	private static final class TeeStream extends java.io.OutputStream {
		private final java.io.OutputStream a, b;

		TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
			this.a = a;
			this.b = b;
		}

		@Override
		public void write(int c) throws IOException {
			a.write(c);
			b.write(c);
		}

		@Override
		public void write(byte[] buf, int off, int len) throws IOException {
			a.write(buf, off, len);
			b.write(buf, off, len);
		}
	}
}
