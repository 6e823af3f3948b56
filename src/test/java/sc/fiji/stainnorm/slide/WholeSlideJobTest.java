package sc.fiji.stainnorm.slide;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.cli.CliRun;
import sc.fiji.stainnorm.cli.Main;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * {@code ./stainnorm slide} on slides made by libvips ({@code vips tiffsave --tile --pyramid --compression jpeg --Q 90
 * --bigtiff}), outputs checked with OpenSlide and {@code vipsheader}; agreement with whole-image normalization under the
 * same source model; skip, refusal, resume after a kill, and bounded memory in a child JVM.
 */
public class WholeSlideJobTest {
	private static final int W = 1300, H = 1000;

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@BeforeClass
	public static void needsTools() {
		for (String tool : new String[] { "vips", "vipsheader", "openslide-show-properties", "openslide-write-png" })
			Assume.assumeTrue(tool + " is not installed (Debian: apt-get install libvips-tools openslide-tools); skipping the whole-slide tests",
				onPath(tool));
	}

	static boolean onPath(String tool) {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(":"))
			if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
		return false;
	}

	/** Runs a tool, returns its stdout; fails the test on a non-zero exit. */
	static String tool(String... command) throws IOException, InterruptedException {
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(String.join(" ", command) + " took too long", p.waitFor(120, TimeUnit.SECONDS));
		assertEquals(String.join(" ", command) + ": " + out, 0, p.exitValue());
		return out;
	}

	/** A slide as scanners' pyramidal TIFFs are laid out, made by libvips from {@code image}: JPEG Q90 tiles, 0.25 µm/px. */
	static Path vipsSlide(RgbImage image, Path dir, String name) throws Exception {
		Path png = dir.resolve(name + ".png"), slide = dir.resolve(name + ".tif");
		ImageFiles.write(image, png);
		// --xres/--yres are pixels per millimetre: 4000 px/mm = 0.25 µm/px
		tool("vips", "tiffsave", png.toString(), slide.toString(), "--tile", "--pyramid", "--compression", "jpeg", "--Q", "90", "--bigtiff",
			"--tile-width", "256", "--tile-height", "256", "--xres", "4000", "--yres", "4000");
		Files.delete(png);
		return slide;
	}

	/** Tissue in the middle, glass around (a tissue-free band of tiles on the right, as on a real slide). */
	static RgbImage tissueWithGlass(int w, int h, StainStyle style) {
		RgbImage img = SyntheticTissue.generate(21, w, h).render(style, 1.0);
		int glass = RgbImage.pack(236, 234, 238);
		for (int y = 0; y < h; y++)
			for (int x = w - 300; x < w; x++) img.pixels()[y * w + x] = glass;
		return img;
	}

	static Map<String, String> openSlideProperties(Path file) throws Exception {
		Map<String, String> props = new TreeMap<>();
		for (String line : tool("openslide-show-properties", file.toString()).split("\n")) {
			int colon = line.indexOf(": '");
			if (colon > 0) props.put(line.substring(0, colon), line.substring(colon + 3, line.length() - 1));
		}
		return props;
	}

	@Test
	public void slideAgreesWithWholeImageNormalizationAndOpensInOpenSlideAndVips() throws Exception {
		Path dir = tmp.getRoot().toPath();
		Path slide = vipsSlide(tissueWithGlass(W, H, StainStyle.A), dir, "slide");
		Path reference = dir.resolve("reference.png");
		ImageFiles.write(SyntheticTissue.generate(5, 400, 400).render(StainStyle.B, 1.0), reference);
		Path lossless = dir.resolve("out-deflate.tif"), jpeg = dir.resolve("out-jpeg.tif");
		CliRun run = CliRun.run("slide", "--method", "macenko", "--reference", reference.toString(), "--compression", "deflate", "--tile-size", "256",
			"--threads", "2", "--output", lossless.toString(), slide.toString());
		assertEquals(run.out() + run.err(), Main.OK, run.code());
		assertTrue(run.out(), run.out().contains("macenko source model: "));
		assertTrue(run.out(), run.out().contains(" of them glass"));
		run = CliRun.run("slide", "--method", "macenko", "--reference", reference.toString(), "--output", jpeg.toString(), slide.toString());
		assertEquals(run.out() + run.err(), Main.OK, run.code());

		int levels = PyramidTiffWriter.levelSizes(W, H).size();
		for (Path out : List.of(lossless, jpeg)) {
			Map<String, String> props = openSlideProperties(out);
			assertEquals(props.toString(), String.valueOf(levels), props.get("openslide.level-count"));
			assertEquals(String.valueOf(W), props.get("openslide.level[0].width"));
			assertEquals(String.valueOf(H), props.get("openslide.level[0].height"));
			// 0.25 µm/px = 40000 px/cm (OpenSlide 3.4's generic TIFF driver shows the tags; 4.0 also derives openslide.mpp-x)
			assertEquals(props.toString(), "centimeter", props.get("tiff.ResolutionUnit"));
			assertEquals(props.toString(), 40000, Double.parseDouble(props.get("tiff.XResolution")), 1e-3);
			assertEquals(props.toString(), 40000, Double.parseDouble(props.get("tiff.YResolution")), 1e-3);
			if (props.containsKey("openslide.mpp-x")) assertEquals(props.toString(), 0.25, Double.parseDouble(props.get("openslide.mpp-x")), 1e-4);
			String header = tool("vipsheader", "-a", out.toString());
			assertTrue(header, header.contains("width: " + W) && header.contains("height: " + H));
			assertTrue(header, header.contains("n-pages: " + levels));
			assertTrue(header, header.matches("(?s).*xres: 4000(\\.0+)?\\b.*"));
		}

		// a slide this small is its own source sample (SourceSampling takes it whole), so `normalize` of its pixels learns the
		// same source model: both commands must give the same pixels, glass tiles included
		RgbImage input;
		try (Slide s = Slide.open(slide)) {
			WholeSlideJob.Settings settings = WholeSlideJob.Settings.of(Methods.create("macenko", MethodOptions.none()), "", PyramidTiffOptions.defaults());
			assertTrue("the test slide is sampled whole", WholeSlideJob.sample(s, settings).whole());
			input = s.level(0).read(0, 0, W, H);
		}
		Path pixels = dir.resolve("pixels"), normalized = dir.resolve("normalized");
		ImageFiles.write(input, Files.createDirectories(pixels).resolve("slide.png"));
		CliRun viaNormalize = CliRun.run("normalize", "--method", "macenko", "--reference", reference.toString(), "--output", normalized.toString(),
			pixels.resolve("slide.png").toString());
		assertEquals(viaNormalize.err(), Main.OK, viaNormalize.code());
		RgbImage expected = ImageFiles.read(normalized.resolve("slide.png"));
		RgbImage viaOpenSlide = openSlidePng(lossless, dir.resolve("deflate.png"));
		double[] lossDiff = compareByTile(expected, viaOpenSlide, 256);
		assertEquals("deflate: the slide job's pixels (read by OpenSlide) differ from the whole image's", 0, lossDiff[1], 0);
		double[] jpegDiff = compareByTile(expected, openSlidePng(jpeg, dir.resolve("jpeg.png")), 512);
		System.out.printf("slide vs whole image: deflate max %.0f; JPEG Q90 mean %.2f, max %.0f levels%n", lossDiff[1], jpegDiff[0], jpegDiff[1]);
		assertTrue("JPEG output off by " + jpegDiff[0] + " levels on average", jpegDiff[0] < 2.5);
	}

	static RgbImage openSlidePng(Path slide, Path png) throws Exception {
		tool("openslide-write-png", slide.toString(), "0", "0", "0", String.valueOf(W), String.valueOf(H), png.toString());
		// OpenSlide writes RGBA; alpha is opaque everywhere
		return ImageFiles.read(png);
	}

	/** {mean, max} channel difference, tile by tile (glass tiles too: they get the slide's model). */
	static double[] compareByTile(RgbImage whole, RgbImage actual, int tile) {
		double sum = 0, max = 0;
		long n = 0;
		for (int ty = 0; ty < H; ty += tile)
			for (int tx = 0; tx < W; tx += tile) {
				int w = Math.min(tile, W - tx), h = Math.min(tile, H - ty);
				RgbImage expected = whole;
				for (int y = ty; y < ty + h; y++)
					for (int x = tx; x < tx + w; x++) {
						int a = expected.get(x, y), b = actual.get(x, y);
						for (int s = 0; s <= 16; s += 8) {
							int d = Math.abs(((a >> s) & 0xFF) - ((b >> s) & 0xFF));
							sum += d;
							max = Math.max(max, d);
							n++;
						}
					}
			}
		return new double[] { sum / n, max };
	}

	@Test
	public void aStainProfileIsTheTargetAsForNormalize() throws Exception {
		Path dir = tmp.getRoot().toPath();
		Path slide = vipsSlide(tissueWithGlass(700, 500, StainStyle.A), dir, "slide");
		Path reference = dir.resolve("reference.png"), profile = dir.resolve("target.stainprofile");
		ImageFiles.write(SyntheticTissue.generate(5, 400, 400).render(StainStyle.B, 1.0), reference);
		CliRun saved = CliRun.run("normalize", "--method", "macenko", "--reference", reference.toString(), "--save-profile", profile.toString());
		assertEquals(saved.err(), Main.OK, saved.code());
		Path viaProfile = dir.resolve("via-profile.tif"), viaImage = dir.resolve("via-image.tif");
		CliRun p = CliRun.run("slide", "--method", "macenko", "--compression", "deflate", "--reference", profile.toString(), "--output", viaProfile.toString(), slide.toString());
		assertEquals(p.err(), Main.OK, p.code());
		CliRun i = CliRun.run("slide", "--method", "macenko", "--compression", "deflate", "--reference", reference.toString(), "--output", viaImage.toString(), slide.toString());
		assertEquals(i.err(), Main.OK, i.code());
		try (Slide a = Slide.open(viaProfile); Slide b = Slide.open(viaImage)) {
			assertEquals("a profile saved from the reference gives the reference's result", 0,
				TiledNormalization.maxDifference(a.level(0).read(0, 0, 700, 500), b.level(0).read(0, 0, 700, 500)));
		}
	}

	@Test
	public void completeOutputsAreSkippedIncompleteOnesRefusedAndUsageErrorsExit2() throws Exception {
		Path dir = tmp.getRoot().toPath();
		Path a = vipsSlide(tissueWithGlass(700, 500, StainStyle.A), dir, "a"), b = vipsSlide(tissueWithGlass(600, 520, StainStyle.C), dir, "b");
		Path out = dir.resolve("out"), reference = dir.resolve("reference.png");
		ImageFiles.write(SyntheticTissue.generate(5, 300, 300).render(StainStyle.B, 1.0), reference);
		String[] job = { "slide", "--method", "reinhard", "--reference", reference.toString(), "--compression", "deflate", "--output", out.toString(),
			a.toString(), b.toString() };
		CliRun first = CliRun.run(job);
		assertEquals(first.out() + first.err(), Main.OK, first.code());
		assertTrue(Files.size(out.resolve("a.tif")) > 0 && Files.size(out.resolve("b.tif")) > 0);
		CliRun again = CliRun.run(job);
		assertEquals(again.err(), Main.OK, again.code());
		assertTrue(again.out(), again.out().contains("0 written, 2 skipped"));
		// shards split the slides
		CliRun shard = CliRun.run("slide", "--method", "reinhard", "--reference", reference.toString(), "--shard", "2/2", "--output",
			dir.resolve("sharded").toString(), a.toString(), b.toString());
		assertEquals(shard.err(), Main.OK, shard.code());
		assertTrue(Files.exists(dir.resolve("sharded/b.tif")) && !Files.exists(dir.resolve("sharded/a.tif")));
		// a cut-off output is not "complete": refused, naming it, and left alone
		try (RandomAccessFile f = new RandomAccessFile(out.resolve("b.tif").toFile(), "rw")) {
			f.setLength(f.length() / 2);
		}
		long cut = Files.size(out.resolve("b.tif"));
		CliRun refused = CliRun.run(job);
		assertEquals(refused.out() + refused.err(), Main.FAILED, refused.code());
		assertTrue(refused.err(), refused.err().contains(out.resolve("b.tif") + " exists but is not a complete pyramidal TIFF"));
		assertEquals(cut, Files.size(out.resolve("b.tif")));
		List<String> overwrite = new ArrayList<>(List.of(job));
		overwrite.add("--overwrite");
		CliRun replaced = CliRun.run(overwrite.toArray(String[]::new));
		assertEquals(replaced.err(), Main.OK, replaced.code());
		assertEquals(null, WholeSlideJob.incompleteReason(out.resolve("b.tif"), 600, 520));

		// usage errors: exit 2, nothing written
		assertEquals(Main.USAGE, CliRun.run("slide", "--method", "reinhard", "--reference", reference.toString(), "--output", dir.resolve("one.tif").toString(),
			a.toString(), b.toString()).code());
		assertEquals(Main.USAGE, CliRun.run("slide", "--method", "reinhard", "--reference", reference.toString(), "--compression", "lzw", "--output",
			dir.resolve("x.tif").toString(), a.toString()).code());
		assertEquals(Main.USAGE, CliRun.run("slide", "--method", "macenko", "--output", dir.resolve("x.tif").toString(), a.toString()).code());
		assertEquals(Main.USAGE, CliRun.run("slide", "--method", "reinhard", "--reference", reference.toString(), "--tile-size", "300", "--output",
			dir.resolve("x.tif").toString(), a.toString()).code());
		assertTrue(!Files.exists(dir.resolve("x.tif")) && !Files.exists(dir.resolve("one.tif")));
		// the output may not be the input, by real path
		Path link = dir.resolve("link.tif");
		Files.createSymbolicLink(link, a);
		CliRun self = CliRun.run("slide", "--method", "reinhard", "--reference", reference.toString(), "--overwrite", "--output", link.toString(), a.toString());
		assertEquals(self.err(), Main.FAILED, self.code());
		assertTrue(self.err(), self.err().contains("is the input"));
		// a slide that cannot be read is named
		Path broken = dir.resolve("broken.svs");
		Files.write(broken, new byte[] { 'I', 'I', 42, 0, 8, 0, 0, 0, 1 });
		CliRun bad = CliRun.run("slide", "--method", "reinhard", "--reference", reference.toString(), "--output", dir.resolve("bad").toString(), broken.toString(),
			a.toString());
		assertEquals(bad.err(), Main.FAILED, bad.code());
		assertTrue(bad.err(), bad.err().contains("ERROR: " + broken));
		assertTrue(Files.exists(dir.resolve("bad/a.tif")));
	}

	@Test
	public void aKilledRunResumesToTheSameFile() throws Exception {
		Path dir = tmp.getRoot().toPath();
		Path slide = vipsSlide(tissueWithGlass(1536, 1280, StainStyle.A), dir, "slide");
		Path killed = dir.resolve("killed.tif"), whole = dir.resolve("whole.tif"), reference = dir.resolve("reference.png");
		ImageFiles.write(SyntheticTissue.generate(5, 300, 300).render(StainStyle.B, 1.0), reference);
		List<String> args = List.of("slide", "--method", "reinhard", "--reference", reference.toString(), "--compression", "deflate", "--tile-size", "256",
			"--threads", "1");
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
			System.getProperty("java.class.path"), Main.class.getName()));
		command.addAll(args);
		command.addAll(List.of("--output", killed.toString(), slide.toString()));
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		StringBuilder seen = new StringBuilder();
		try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line; (line = in.readLine()) != null;) {
				seen.append(line).append('\n');
				if (line.contains("tile row 2 of 5")) break;
			}
			p.destroyForcibly();
			p.waitFor(30, TimeUnit.SECONDS);
		}
		assertTrue(seen.toString(), seen.toString().contains("tile row 2 of 5"));
		assertTrue("the killed run left its temporary file", Files.exists(PyramidTiffWriter.temporaryFile(killed)));
		assertTrue(!Files.exists(killed));
		List<String> resume = new ArrayList<>(args);
		resume.addAll(List.of("--output", killed.toString(), slide.toString()));
		CliRun resumed = CliRun.run(resume.toArray(String[]::new));
		assertEquals(resumed.out() + resumed.err(), Main.OK, resumed.code());
		assertTrue(resumed.out(), resumed.out().contains("resum"));
		List<String> fresh = new ArrayList<>(args);
		fresh.addAll(List.of("--output", whole.toString(), slide.toString()));
		assertEquals(Main.OK, CliRun.run(fresh.toArray(String[]::new)).code());
		try (Slide a = Slide.open(killed); Slide b = Slide.open(whole)) {
			assertEquals(b.levelCount(), a.levelCount());
			for (int l = 0; l < a.levelCount(); l++) {
				SlideLevel la = a.level(l), lb = b.level(l);
				assertTrue("level " + l + " differs after the resume",
					la.read(0, 0, (int) la.width(), (int) la.height()).sameRgb(lb.read(0, 0, (int) lb.width(), (int) lb.height())));
			}
		}
	}

	@Test
	public void aLargeSyntheticSlideNormalizesInASmallHeap() throws Exception {
		// 6000² = 36 MP: its pixels alone (144 MB as ints) would not fit the 64 MB heap
		Path out = tmp.getRoot().toPath().resolve("large.tif");
		List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-cp",
			System.getProperty("java.class.path"), sc.fiji.stainnorm.bench.SlideMemoryCheck.class.getName(), "6000", "reinhard", out.toString(), "2");
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue("the memory check took too long", p.waitFor(300, TimeUnit.SECONDS));
		System.out.println(log.strip());
		assertEquals(log, 0, p.exitValue());
		assertTrue(log, log.contains("max heap"));
		Map<String, String> props = openSlideProperties(out);
		assertEquals("6000", props.get("openslide.level[0].width"));
		assertEquals(String.valueOf(PyramidTiffWriter.levelSizes(6000, 6000).size()), props.get("openslide.level-count"));
	}
}
