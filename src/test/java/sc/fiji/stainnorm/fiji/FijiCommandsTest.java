package sc.fiji.stainnorm.fiji;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeFalse;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.menu.MenuService;
import org.scijava.menu.ShadowMenu;

import ij.ImagePlus;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.deconvolution.ColourDeconvolution;
import sc.fiji.stainnorm.deconvolution.StainVectors;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.TestImages;

/** The SciJava commands as Fiji sees them: menu entries, and runs with inputs given as a map. */
public class FijiCommandsTest {
	/** Plugins > Stain Normalization in menu order: the user tools, then the Utilities submenu. */
	static final List<String> USER_TOOLS = List.of(NormalizeImageCommand.LABEL, NormalizeFolderCommand.LABEL, NormalizeWholeSlideCommand.LABEL,
		ColourDeconvolutionCommand.LABEL,
		CompareCommand.LABEL, CompareMethodsCommand.LABEL, TrainStstCommand.LABEL, AugmentStainCommand.LABEL,
		EstimateStainVectorsCommand.LABEL, RankReferencesCommand.LABEL);
	static final List<String> TOOLS = List.of(BenchmarkCommand.LABEL, EvaluateCommand.LABEL, DemoCommand.LABEL);
	static final List<String> MENU = java.util.stream.Stream.concat(USER_TOOLS.stream(), TOOLS.stream()).toList();

	@ClassRule
	public static final CommandContext COMMANDS = new CommandContext();

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	static CommandRunner.Result run(String label, Map<String, ?> inputs) {
		return COMMANDS.run(label, inputs);
	}

	/**
	 * Runs through the module service directly, as Fiji's own code would (CommandService.run answers null for
	 * commands that are their own module, as DynamicCommands are).
	 */
	static StainNormCommand runByService(Class<? extends org.scijava.command.Command> c, Map<String, Object> inputs) throws Exception {
		CommandInfo info = COMMANDS.context().service(CommandService.class).getCommand(c.getName());
		return (StainNormCommand) COMMANDS.context().service(org.scijava.module.ModuleService.class).run(info, true, inputs).get();
	}

	/**
	 * The user tools first, in the order of work, then Benchmark, Evaluate and Demo in a Utilities submenu (issue 13:
	 * the project's own runs had been mixed among the tools a user needs).
	 */
	@Test
	public void everyCommandHasItsEntryUnderPluginsStainNormalization() {
		ShadowMenu menu = COMMANDS.context().service(MenuService.class).getMenu().getMenu(new org.scijava.MenuPath("Plugins>Stain Normalization"));
		assertNotNull("Plugins > Stain Normalization exists", menu);
		List<String> entries = new ArrayList<>();
		for (ShadowMenu child : menu.getChildren())
			entries.add(child.getName());
		List<String> expected = new ArrayList<>(USER_TOOLS);
		expected.add(StainNormCommand.TOOLS);
		assertEquals("the user tools in order, then the submenu of the project's own runs; nothing else", expected, entries);
		ShadowMenu tools = menu.getMenu(StainNormCommand.TOOLS);
		assertFalse("Utilities is a submenu", tools.isLeaf());
		assertEquals(TOOLS, tools.getChildren().stream().map(ShadowMenu::getName).toList());
		for (String label : MENU) {
			ShadowMenu entry = USER_TOOLS.contains(label) ? menu.getMenu(label) : tools.getMenu(label);
			assertTrue(label + " is a leaf that runs a command", entry != null && entry.isLeaf() && entry.getModuleInfo() != null);
			CommandInfo info = CommandRunner.find(COMMANDS.context().service(CommandService.class), label);
			assertEquals(label, info.getLabel());
			assertTrue(label + " runs headless", info.canRunHeadless());
			assertTrue(label + " has a one-line description for its dialog", info.getDescription() != null && !info.getDescription().isBlank()
				&& !info.getDescription().contains("\n"));
			for (String name : CommandRunner.parameterNames(info))
				assertTrue(label + ": parameter " + name + " is snake_case (it is a macro key)", name.matches("[a-z][a-z0-9_]*"));
		}
	}

	@Test
	public void deconvolutionOfAFileMatchesTheCoreAndIsSavedAtomically() throws IOException {
		Path in = Path.of("test-images", "tissue1_A.png");
		Path out = tmp.newFolder("cd").toPath();
		CommandRunner.Result r = run(ColourDeconvolutionCommand.LABEL, Map.of("input_file", in.toString(), "output_folder", out.toString()));
		assertTrue(r.failure(), r.ok());
		ImagePlus conc = (ImagePlus) r.module().getOutput("concentrations");
		ImagePlus colour = (ImagePlus) r.module().getOutput("stain_images");
		assertEquals(3, conc.getStackSize());
		assertEquals("Hematoxylin", conc.getStack().getSliceLabel(1));
		// the same numbers as the core, so the command adds nothing of its own
		RgbImage src = ImageFiles.read(in);
		ColourDeconvolution cd = new ColourDeconvolution(StainVectors.H_E, 255);
		float[][] c = cd.concentrations(src);
		for (int s = 0; s < 3; s++)
			assertArrayEquals((float[]) conc.getStack().getPixels(s + 1), c[s], 0f);
		assertArrayEquals(cd.singleStain(256, 256, c, 1).pixels(), (int[]) colour.getStack().getPixels(2));
		try (Stream<Path> files = Files.list(out)) {
			assertEquals(List.of("tissue1_A_Eosin.png", "tissue1_A_Hematoxylin.png", "tissue1_A_Residual.png", "tissue1_A_concentrations.tif"),
				files.map(p -> p.getFileName().toString()).sorted().toList());
		}
		ImagePlus saved = ij.IJ.openImage(out.resolve("tissue1_A_concentrations.tif").toString());
		assertArrayEquals(c[0], (float[]) saved.getStack().getPixels(1), 0f);
	}

	@Test
	public void deconvolutionRefusesToOverwriteAndWritesNothing() throws IOException {
		Path out = tmp.newFolder("cd").toPath();
		Path existing = out.resolve("tissue1_A_Residual.png");
		Files.writeString(existing, "keep me");
		CommandRunner.Result r = run(ColourDeconvolutionCommand.LABEL, Map.of("input_file", "test-images/tissue1_A.png", "output_folder", out.toString()));
		assertFalse(r.ok());
		assertTrue(r.failure(), r.failure().contains("exists") && r.failure().contains("overwrite"));
		assertEquals("keep me", Files.readString(existing));
		try (Stream<Path> files = Files.list(out)) {
			assertEquals("nothing else was written", 1, files.count());
		}
		r = run(ColourDeconvolutionCommand.LABEL, Map.of("input_file", "test-images/tissue1_A.png", "output_folder", out.toString(), "overwrite", "true"));
		assertTrue(r.failure(), r.ok());
		assertEquals(256, ij.IJ.openImage(existing.toString()).getWidth());
	}

	@Test
	public void deconvolutionTakesTheImageGivenAndCustomVectors() throws Exception {
		ImagePlus imp = ImageFiles.toImagePlus(TestImages.render(2, StainStyle.B), "b.png");
		Map<String, Object> inputs = new HashMap<>();
		inputs.put("image", imp);
		inputs.put("vectors", "custom");
		inputs.put("custom_vectors", "0.56 0.76 0.33; 0.18 0.92 0.35");
		inputs.put("outputs", "concentrations");
		var module = runByService(ColourDeconvolutionCommand.class, inputs);
		assertFalse(module.getCancelReason(), module.isCanceled());
		assertNull("only the concentrations were asked for", module.getOutput("stain_images"));
		ImagePlus conc = (ImagePlus) module.getOutput("concentrations");
		// style B was rendered with exactly these vectors, so the hematoxylin plane must be its own stain map
		StainVectors b = ColourDeconvolutionCommand.parseVectors("0.56 0.76 0.33; 0.18 0.92 0.35");
		float[][] expected = new ColourDeconvolution(b, 255).concentrations(ImageFiles.fromImagePlus(imp));
		assertArrayEquals(expected[0], (float[]) conc.getStack().getPixels(1), 0f);
	}

	@Test
	public void deconvolutionBadInputsGiveClearErrors() {
		assertFailure(run(ColourDeconvolutionCommand.LABEL, Map.of("input_file", "test-images/missing.png")), "not found");
		assertFailure(run(ColourDeconvolutionCommand.LABEL, Map.of("input_file", "pom.xml")), "Not a supported image file");
		assertFailure(run(ColourDeconvolutionCommand.LABEL, Map.of("input_file", "test-images/tissue1_A.png", "vectors", "custom",
			"custom_vectors", "1 2; 0 1 0")), "not three numbers");
		assertFailure(run(ColourDeconvolutionCommand.LABEL, Map.of("input_file", "test-images/tissue1_A.png", "vectors", "custom",
			"custom_vectors", "1 0 0")), "give 2 or 3");
		assertFailure(run(ColourDeconvolutionCommand.LABEL, Map.of("input_file", "test-images/tissue1_A.png", "vectors", "custom",
			"custom_vectors", "1 0 0; 2 0 0")), "parallel");
		assertFailure(run(ColourDeconvolutionCommand.LABEL, Map.of("input_file", "test-images/tissue1_A.png", "vectors", "H&E2")), "not one of");
		assertFailure(run(ColourDeconvolutionCommand.LABEL, Map.of("input_file", "test-images/tissue1_A.png", "io", "abc")), "not a number");
		assertFailure(run(ColourDeconvolutionCommand.LABEL, Map.of("input_file", "test-images/tissue1_A.png", "io", "0")), "io=0");
		assertFailure(run(ColourDeconvolutionCommand.LABEL, Map.of("input_file", "test-images/tissue1_A.png", "colour", "x")), "no parameter 'colour'");
		if (ij.WindowManager.getCurrentImage() == null) assertFailure(run(ColourDeconvolutionCommand.LABEL, Map.of()), "No image open");
	}

	@Test
	public void folderCommandBadInputsGiveClearErrorsAndWriteNothing() throws IOException {
		Path in = tmp.newFolder("in").toPath();
		Files.copy(Path.of("test-images", "tissue1_B.png"), in.resolve("a.png"));
		Path notes = tmp.newFolder("notes").toPath();
		Files.writeString(notes.resolve("readme.txt"), "not an image");
		Path out = tmp.getRoot().toPath().resolve("out");
		String method = Methods.names().isEmpty() ? "reinhard" : Methods.names().get(0);
		assertFailure(folder(tmp.getRoot().toPath().resolve("missing"), out, method), "not found");
		assertFailure(folder(in.resolve("a.png"), out, method), "is a file, not a folder");
		assertFailure(folder(notes, out, method), "No image files");
		assertFailure(folder(in, out, "nosuchmethod"), "Unknown method 'nosuchmethod'");
		assertFailure(folder(in, in, method), "input folder");
		Path file = tmp.newFile("out.png").toPath();
		assertFailure(folder(in, file, method), "is a file, not a folder");
		assertFailure(run(NormalizeFolderCommand.LABEL, Map.of("input_folder", in.toString(), "output_folder", out.toString(), "method", method,
			"shard", "3/2")), "Shard 3/2 is invalid");
		assertFailure(run(NormalizeFolderCommand.LABEL, Map.of("input_folder", in.toString(), "output_folder", out.toString(), "method", method,
			"threads", "many")), "threads=many is not a whole number");
		assertFailure(run(NormalizeFolderCommand.LABEL, Map.of("output_folder", out.toString(), "method", method)), "input_folder");
		assertFalse("no output folder was created by a failed run", Files.exists(out));
		assertEquals(0L, Files.size(file));
	}

	@Test
	public void folderCommandNormalizesSkipsExistingResumesAndShards() throws IOException {
		String method = referenceMethod();
		Path in = tmp.newFolder("in").toPath();
		for (String name : List.of("tissue1_B.png", "tissue2_B.png", "tissue1_C.png", "tissue2_C.png"))
			Files.copy(Path.of("test-images", name), in.resolve(name));
		Files.writeString(in.resolve("notes.txt"), "ignored: not an image");
		Path ref = Path.of("test-images", "tissue1_A.png");
		Path out = tmp.getRoot().toPath().resolve("out");
		// shard 1/2 and 2/2 together cover the sorted folder once
		assertTrue(runFolder(in, out, method, ref, "shard", "1/2").ok());
		assertEquals(List.of("tissue1_B.png", "tissue2_B.png"), names(out));
		// an existing output counts when it is a complete image (one that does not decode is redone: faults.SkipExistingTest)
		Files.copy(ref, out.resolve("tissue2_B.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		assertTrue(runFolder(in, out, method, ref, "shard", "2/2").ok());
		assertEquals(List.of("tissue1_B.png", "tissue1_C.png", "tissue2_B.png", "tissue2_C.png"), names(out));
		// a second run skips what exists (nothing overwritten without overwrite=true) ...
		assertTrue(runFolder(in, out, method, ref, "shard", "1/1").ok());
		assertArrayEquals(Files.readAllBytes(ref), Files.readAllBytes(out.resolve("tissue2_B.png")));
		// ... and overwrite=true replaces it with the same result as the core
		assertTrue(runFolder(in, out, method, ref, "overwrite", "true").ok());
		var normalizer = Methods.create(method);
		normalizer.fit(List.of(ImageFiles.read(ref)));
		assertTrue(normalizer.normalize(ImageFiles.read(in.resolve("tissue2_B.png"))).image().sameRgb(ImageFiles.read(out.resolve("tissue2_B.png"))));
	}

	@Test
	public void folderCommandReportsBrokenImagesButWritesTheOthers() throws IOException {
		String method = referenceMethod();
		Path in = tmp.newFolder("in").toPath();
		Files.copy(Path.of("test-images", "tissue1_B.png"), in.resolve("good.png"));
		Files.writeString(in.resolve("broken.png"), "not really a PNG");
		Path out = tmp.getRoot().toPath().resolve("out");
		CommandRunner.Result r = runFolder(in, out, method, Path.of("test-images", "tissue1_A.png"));
		assertFailure(r, "1 of 2 images failed");
		assertTrue(r.failure(), r.failure().contains("broken.png"));
		assertEquals(List.of("good.png"), names(out));
	}

	@Test
	public void folderCommandNeedsAReferenceForClassicalMethods() throws IOException {
		String method = referenceMethod();
		Path in = tmp.newFolder("in").toPath();
		Files.copy(Path.of("test-images", "tissue1_B.png"), in.resolve("a.png"));
		assertFailure(folder(in, tmp.getRoot().toPath().resolve("out"), method), "needs a reference image");
		// the folder command has reference_images only: the message names that key and no other (issue 13)
		CommandRunner.Result r = folder(in, tmp.getRoot().toPath().resolve("out"), method);
		assertTrue(r.failure(), r.failure().contains("give reference_images (one or more image files; in macros/Batch_Normalize_Folder.ijm the key is reference)"));
		assertFailure(runFolder(in, tmp.getRoot().toPath().resolve("out"), method, in.resolve("missing.png")), "not found");
	}

	@Test
	public void readOnlyOutputFolderIsAClearError() throws IOException {
		String method = referenceMethod();
		Path in = tmp.newFolder("in").toPath();
		Files.copy(Path.of("test-images", "tissue1_B.png"), in.resolve("a.png"));
		File out = tmp.newFolder("readonly");
		assumeTrue(out.setWritable(false, false));
		try {
			assumeFalse("running as root: permissions are not enforced", Files.isWritable(out.toPath()));
			assertFailure(runFolder(in, out.toPath(), method, Path.of("test-images", "tissue1_A.png")), "permission denied");
		}
		finally {
			out.setWritable(true);
		}
	}

	@Test
	public void normalizeImageCommandGivesANewImageAndSavesOnlyWhenAsked() throws IOException {
		String method = referenceMethod();
		Path outFile = tmp.getRoot().toPath().resolve("n.png");
		CommandRunner.Result r = run(NormalizeImageCommand.LABEL, Map.of("input_file", "test-images/tissue2_C.png", "method", method,
			"reference_images", "test-images/tissue1_A.png", "output_file", outFile.toString()));
		assertTrue(r.failure(), r.ok());
		ImagePlus out = (ImagePlus) r.module().getOutput("normalized");
		assertEquals("tissue2_C-" + method, out.getTitle());
		var normalizer = Methods.create(method);
		normalizer.fit(List.of(ImageFiles.read(Path.of("test-images", "tissue1_A.png"))));
		RgbImage expected = normalizer.normalize(ImageFiles.read(Path.of("test-images", "tissue2_C.png"))).image();
		assertTrue(expected.sameRgb(ImageFiles.fromImagePlus(out)));
		assertTrue(expected.sameRgb(ImageFiles.read(outFile)));
		assertFailure(run(NormalizeImageCommand.LABEL, Map.of("input_file", "test-images/tissue2_C.png", "method", method,
			"reference_images", "test-images/tissue1_A.png", "output_file", outFile.toString())), "exists");
		assertFailure(run(NormalizeImageCommand.LABEL, Map.of("input_file", "test-images/tissue2_C.png", "method", method,
			"reference_image", "no such window")), "no open image titled");
	}

	@Test
	public void normalizeImageCommandBadInputs() {
		assertFailure(run(NormalizeImageCommand.LABEL, Map.of("input_file", "test-images/tissue2_C.png", "method", "nosuch")), "Unknown method");
		assertFailure(run(NormalizeImageCommand.LABEL, Map.of("input_file", "test-images/nope.png", "method", "nosuch")), "Unknown method");
		assertFailure(run(NormalizeImageCommand.LABEL, Map.of("input_file", "test-images/tissue2_C.png", "method", "x", "output_file", "out.bmp")),
			"must end in one of");
		if (ij.WindowManager.getCurrentImage() == null)
			assertFailure(run(NormalizeImageCommand.LABEL, Map.of("method", "x")), "No image open");
	}

	private static String referenceMethod() {
		for (String m : Methods.names())
			if (Methods.create(m).needsReference()) return m;
		assumeTrue("skipped: no classical normalization method is registered yet (Methods.names() = " + Methods.names() + ")", false);
		return null;
	}

	private static CommandRunner.Result folder(Path in, Path out, String method) {
		return run(NormalizeFolderCommand.LABEL, Map.of("input_folder", in.toString(), "output_folder", out.toString(), "method", method));
	}

	private static CommandRunner.Result runFolder(Path in, Path out, String method, Path reference, String... more) {
		Map<String, String> m = new HashMap<>(Map.of("input_folder", in.toString(), "output_folder", out.toString(), "method", method,
			"reference_images", reference.toString(), "threads", "2"));
		for (int i = 0; i < more.length; i += 2)
			m.put(more[i], more[i + 1]);
		return run(NormalizeFolderCommand.LABEL, m);
	}

	static List<String> names(Path dir) throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}

	static void assertFailure(CommandRunner.Result r, String expected) {
		assertFalse("expected a failure mentioning '" + expected + "'", r.ok());
		assertTrue("'" + r.failure() + "' should mention '" + expected + "'", r.failure().contains(expected));
		assertFalse("one line: " + r.failure(), r.failure().contains("\n"));
	}

}
