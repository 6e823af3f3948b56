package sc.fiji.stainnorm.slide;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import sc.fiji.stainnorm.core.EtaProgress;
import sc.fiji.stainnorm.core.PathChecks;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.Shard;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.SourceModel;
import sc.fiji.stainnorm.normalize.StainNormalizer;

/**
 * Normalizes whole slides into pyramidal TIFFs: for each slide, the source model is learned once from a seeded tissue
 * sample of the slide, then every tile is normalized with it ({@link NormalizedRegions}, glass tiles too) and
 * written by {@link PyramidTiffWriter} (temporary file, resume journal, verified, published). The core of
 * {@code ./stainnorm slide} and of Fiji's "Normalize Whole Slide"; free of SciJava and AWT.
 * <p>
 * Outputs that exist and are complete (they open, level 0 has the slide's size, its last tile decodes) are skipped
 * unless {@code overwrite}; an existing output that is not complete is an error naming it, never silently replaced.
 * A slide that fails does not stop the others; the report names it and why.
 */
public final class WholeSlideJob {
	/** File endings taken from an input folder (named files may have any ending the reader opens). */
	public static final List<String> SLIDE_EXTENSIONS = List.of(".svs", ".tif", ".tiff", ".btf", ".tf8", ".tf2");
	/** Most per-tile warnings printed per slide; the rest are counted. */
	static final int MAX_TILE_WARNINGS = 10;

	/**
	 * @param normalizer fitted to its references already
	 * @param jobTag     what determines the pixels besides the slide (method, options, references, model): a rerun with
	 *                   another tag does not resume the old temporary file
	 * @param samples    tissue tiles the source model is learned from
	 * @param seed       where those tiles are drawn
	 */
	public record Settings(StainNormalizer normalizer, String jobTag, PyramidTiffOptions write, int samples, int sampleSize, long seed,
		Shard shard)
	{
		public Settings {
			if (samples < 1) throw new sc.fiji.stainnorm.core.InvalidSettingException("samples must be at least 1, got " + samples);
			if (sampleSize < 16) throw new sc.fiji.stainnorm.core.InvalidSettingException("sample size must be at least 16, got " + sampleSize);
			shard = shard == null ? Shard.ALL : shard;
		}

		public static Settings of(StainNormalizer normalizer, String jobTag, PyramidTiffOptions write) {
			return new Settings(normalizer, jobTag, write, SourceSampling.DEFAULT_TILES, SourceSampling.DEFAULT_TILE_SIZE, SourceSampling.DEFAULT_SEED, Shard.ALL);
		}

		public Settings withShard(Shard s) {
			return new Settings(normalizer, jobTag, write, samples, sampleSize, seed, s);
		}

		public Settings withSamples(int count, int size, long seedValue) {
			return new Settings(normalizer, jobTag, write, count, size, seedValue, shard);
		}
	}

	public enum Outcome {
		WRITTEN, RESUMED, SKIPPED, FAILED
	}

	/** One slide's outcome; {@code detail} is the summary line or, for a failure, the reason. */
	public record Item(Path slide, Path output, Outcome outcome, String detail, double seconds, long pixels) {}

	public record Report(List<Item> items) {
		public long count(Outcome o) {
			return items.stream().filter(i -> i.outcome == o).count();
		}

		public String summary() {
			return count(Outcome.WRITTEN) + count(Outcome.RESUMED) + " written" + (count(Outcome.RESUMED) > 0 ? " (" + count(Outcome.RESUMED) + " resumed)" : "")
				+ ", " + count(Outcome.SKIPPED) + " skipped (complete), " + count(Outcome.FAILED) + " failed";
		}

		public String failedNames(int max) {
			List<String> names = items.stream().filter(i -> i.outcome == Outcome.FAILED).map(i -> i.slide.toString()).toList();
			return String.join(", ", names.subList(0, Math.min(max, names.size()))) + (names.size() > max ? ", ..." : "");
		}
	}

	private WholeSlideJob() {}

	/** The slides named: files as given, folders by {@link #SLIDE_EXTENSIONS} (sorted, hidden files left out). */
	public static List<Path> collectSlides(List<Path> inputs) {
		if (inputs.isEmpty()) throw new StainNormException("No slide given");
		List<Path> slides = new ArrayList<>();
		for (Path in : inputs) {
			if (Files.isDirectory(in)) {
				try (Stream<Path> s = Files.list(in)) {
					List<Path> found = s.filter(p -> !p.getFileName().toString().startsWith("."))
						.filter(p -> SLIDE_EXTENSIONS.stream().anyMatch(e -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(e)))
						.filter(p -> !Files.isDirectory(p)).sorted().toList();
					if (found.isEmpty()) throw new StainNormException("No slides in " + in + " (accepted: " + String.join(", ", SLIDE_EXTENSIONS) + ")");
					slides.addAll(found);
				}
				catch (IOException e) {
					throw new StainNormException("Cannot list folder " + in + ": " + e.getMessage());
				}
			}
			else if (!Files.exists(in)) {
				String reason = PathChecks.notRegularFileReason(in);
				throw new StainNormException("Slide not found: " + in + ("not found".equals(reason) ? "" : " (" + reason + ")"));
			}
			else slides.add(in);
		}
		return slides;
	}

	/** Whether {@code output} names one file (ends in .tif/.tiff) rather than a folder. */
	public static boolean isFileOutput(Path output) {
		String n = output.getFileName() == null ? "" : output.getFileName().toString().toLowerCase(Locale.ROOT);
		return !Files.isDirectory(output) && (n.endsWith(".tif") || n.endsWith(".tiff"));
	}

	/** The output of one slide in a folder: its name without the ending (and without ".ome"), then ".tif". */
	public static Path outputIn(Path folder, Path slide) {
		return folder.resolve(baseName(slide) + ".tif");
	}

	static String baseName(Path slide) {
		String n = slide.getFileName().toString();
		int dot = n.lastIndexOf('.');
		if (dot > 0) n = n.substring(0, dot);
		if (n.toLowerCase(Locale.ROOT).endsWith(".ome")) n = n.substring(0, n.length() - 4);
		return n;
	}

	/**
	 * Runs the job over {@code slides} (the shard of them the settings select): one output file when {@code output} ends
	 * in .tif/.tiff (one slide only), else one file per slide in the folder {@code output}.
	 */
	public static Report run(List<Path> slides, Path output, Settings settings, Progress progress) {
		boolean single = isFileOutput(output);
		if (single && slides.size() != 1)
			throw new sc.fiji.stainnorm.core.InvalidSettingException("--output " + output + " is one file, but " + slides.size()
				+ " slides were given: name a folder for several slides");
		if (!single) {
			PathChecks.refuseClashingNames(slides, WholeSlideJob::baseName, "both would be written as the same NAME.tif");
			PathChecks.refuseOutputInInputFolder(output, slides, "The output folder");
		}
		for (Path s : slides) PathChecks.refuseOutputIsInput(single ? output : outputIn(output, s), slides, "The output");
		List<Path> mine = settings.shard.select(slides);
		List<Item> items = new ArrayList<>();
		int k = 0;
		for (Path slide : mine) {
			if (progress.isCancelled()) break;
			k++;
			Path out = single ? output : outputIn(output, slide);
			String prefix = mine.size() > 1 ? "[" + k + "/" + mine.size() + "] " : "";
			Item item;
			long start = System.nanoTime();
			try {
				item = one(slide, out, settings, progress, prefix);
			}
			catch (PyramidTiffWriter.CancelledException e) {
				progress.warn(slide + ": cancelled; run the same job again to resume " + out);
				items.add(new Item(slide, out, Outcome.FAILED, "cancelled", (System.nanoTime() - start) / 1e9, 0));
				break;
			}
			catch (IOException | RuntimeException e) {
				String why = e.getMessage() == null ? e.toString() : e.getMessage();
				progress.error(slide + ": " + why);
				item = new Item(slide, out, Outcome.FAILED, why, (System.nanoTime() - start) / 1e9, 0);
			}
			items.add(item);
		}
		return new Report(items);
	}

	private static Item one(Path slidePath, Path out, Settings settings, Progress progress, String prefix) throws IOException {
		long start = System.nanoTime();
		try (Slide slide = open(slidePath, settings.normalizer)) {
			SlideLevel level0 = slide.level(0);
			if (Files.exists(out) && !settings.write.overwrite()) {
				String incomplete = incompleteReason(out, level0.width(), level0.height());
				if (incomplete == null) {
					progress.update(-1, -1, prefix + out + " exists (complete): skipped; --overwrite replaces it");
					return new Item(slidePath, out, Outcome.SKIPPED, "exists", 0, 0);
				}
				throw new StainNormException(out + " exists but is not a complete pyramidal TIFF of this slide (" + incomplete
					+ "); delete it or add --overwrite");
			}
			progress.update(-1, -1, prefix + slidePath.getFileName() + ": " + level0.width() + "x" + level0.height() + ", " + slide.levelCount()
				+ " level" + (slide.levelCount() == 1 ? "" : "s") + ", " + describe(slide.pixelSize()) + ", " + level0.compression());
			StainNormalizer normalizer = settings.normalizer;
			// every method learns its source model once for the slide (STST: its gray map and its training-style check)
			SourceSampling.Sample sample = sample(slide, settings);
			progress.update(-1, -1, prefix + slidePath.getFileName() + ": source sample: " + sample.describe());
			SourceModel model = normalizer.learnSource(sample.tiles());
			progress.update(-1, -1, prefix + slidePath.getFileName() + ": " + normalizer.name() + " source model: " + model.describe());
			for (String w : model.warnings()) progress.warn(slidePath.getFileName() + ": " + w);
			AtomicInteger warned = new AtomicInteger();
			NormalizedRegions regions = new NormalizedRegions(new Level(level0, slide.pixelSize()), normalizer, model, w -> {
				if (warned.incrementAndGet() <= MAX_TILE_WARNINGS) progress.warn(slidePath.getFileName() + ", " + w);
			});
			Progress tiles = EtaProgress.of(new Progress() {
				@Override
				public void update(long done, long total, String message) {
					progress.update(done, total, prefix + message);
				}

				@Override
				public void warn(String message) {
					progress.warn(message);
				}

				@Override
				public boolean isCancelled() {
					return progress.isCancelled();
				}
			});
			PyramidTiffOptions options = settings.write.withJobTag(settings.jobTag).withNote("normalized by " + settings.jobTag);
			PyramidTiffWriter.Result r = PyramidTiffWriter.write(regions, out, options, tiles);
			if (warned.get() > MAX_TILE_WARNINGS) progress.warn(slidePath.getFileName() + ": " + (warned.get() - MAX_TILE_WARNINGS) + " more tile warnings");
			double seconds = (System.nanoTime() - start) / 1e9;
			long pixels = level0.width() * level0.height();
			String detail = String.format(Locale.ROOT, "%s -> %s: %d levels, %.1f MB%s, %.1f s (%.1f MP/s); %d tiles normalized, %d of them glass",
				slidePath.getFileName(), out, r.levels(), r.bytes() / 1e6, r.bigTiff() ? " BigTIFF" : "", seconds, pixels / 1e6 / seconds,
				regions.normalizedRegions(), regions.glassRegions());
			if (r.resumedRows() > 0) detail += " (resumed after tile row " + r.resumedRows() + ")";
			progress.update(-1, -1, prefix + detail);
			return new Item(slidePath, out, r.resumedRows() > 0 ? Outcome.RESUMED : Outcome.WRITTEN, detail, seconds, pixels);
		}
	}

	/**
	 * The slide, keeping enough decoded tiles for the normalizer. The pixel-wise methods read each tile once: the default
	 * cache. STST's regions read three rows of slide tiles (the guided filter's halo above, their own row, the generator
	 * tiles that reach into the row below, see {@link sc.fiji.stainnorm.stst.StstRegions}), so with less than that each
	 * tile is decoded up to three times (a 32-tile-wide slide with the default 64 MiB: 733 decodes for 256 tiles). STST keeps
	 * four rows of level 0 (at least 512 pixels tall each): 256 MiB for a 32 768-pixel-wide slide, at most 384 MiB and an
	 * eighth of the heap.
	 */
	static Slide open(Path path, StainNormalizer normalizer) throws IOException {
		Slide slide = Slide.open(path);
		if (!(normalizer instanceof sc.fiji.stainnorm.stst.Stst)) return slide;
		SlideLevel level0 = slide.level(0);
		long rows = 4 * 4L * level0.width() * Math.max(512, Math.min(level0.tileHeight(), level0.height()));
		long bytes = Math.min(rows, Math.min(384L << 20, Runtime.getRuntime().maxMemory() / 8));
		if (bytes <= Slide.DEFAULT_CACHE_BYTES) return slide;
		slide.close();
		return Slide.open(path, bytes);
	}

	/** A slide level with the slide's pixel size (scaled to the level), so that the writer keeps it. */
	private record Level(SlideLevel level, PixelSize slidePixelSize) implements RegionSource {
		@Override
		public long width() {
			return level.width();
		}

		@Override
		public long height() {
			return level.height();
		}

		@Override
		public RgbImage read(long x, long y, int width, int height) throws IOException {
			return level.read(x, y, width, height);
		}

		@Override
		public PixelSize pixelSize() {
			PixelSize own = level.pixelSize();
			return own.known() ? own : slidePixelSize.known() ? slidePixelSize.downsampled(level.downsample()) : PixelSize.UNKNOWN;
		}
	}

	private static String describe(PixelSize p) {
		if (!p.known()) return "pixel size unknown";
		String s = String.format(Locale.ROOT, "%.4f µm/px", p.micronsX());
		if (p.magnification() > 0) s += String.format(Locale.ROOT, ", %.0fx", p.magnification());
		return s;
	}

	/** The seeded tissue sample of level 0 the source model is learned from ({@link SourceSampling}). */
	static SourceSampling.Sample sample(Slide slide, Settings settings) throws IOException {
		return SourceSampling.sample(slide.level(0), new SourceSampling.Settings(settings.samples, settings.sampleSize, settings.seed));
	}

	/** Null when {@code output} is a complete pyramidal TIFF of a {@code width} x {@code height} slide, otherwise why not. */
	public static String incompleteReason(Path output, long width, long height) {
		if (!Files.isRegularFile(output)) return "not a regular file";
		try (Slide s = Slide.open(output)) {
			SlideLevel l = s.level(0);
			if (l.width() != width || l.height() != height) return "its size is " + l.width() + "x" + l.height() + ", the slide's " + width + "x" + height;
			int expected = PyramidTiffWriter.levelSizes(width, height).size();
			if (s.levelCount() != expected) return "it has " + s.levelCount() + " levels, not " + expected;
			for (SlideLevel level : s.levels()) {
				int tw = (int) Math.min(level.tileWidth(), level.width()), th = (int) Math.min(level.tileHeight(), level.height());
				level.read(level.width() - tw, level.height() - th, tw, th); // the last tile: a truncated file fails here
			}
			return null;
		}
		catch (IOException | RuntimeException e) {
			return e.getMessage();
		}
	}
}
