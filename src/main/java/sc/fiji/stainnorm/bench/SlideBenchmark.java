package sc.fiji.stainnorm.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.slide.PyramidTiffOptions;
import sc.fiji.stainnorm.slide.PyramidTiffWriter;
import sc.fiji.stainnorm.slide.Slide;
import sc.fiji.stainnorm.slide.WholeSlideJob;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * The slide row of {@code ./stainnorm benchmark --slide}: a synthetic slide of about {@code megapixels} MP is made by
 * libvips ({@code vips replicate} of a 1024² synthetic tissue, saved as a JPEG Q90 pyramidal BigTIFF with 512 tiles, as
 * scanners write), then timed, each as a whole job (read, normalize, write the pyramid, verified): the I/O floor twice
 * ({@code vips tiffsave} of the slide to the same format, and this project's read + write without normalizing), then
 * {@code ./stainnorm slide} per method. Peak memory: the resident set of the vips process, the Java heap's peak for the
 * rest (this JVM, reset before each row).
 */
public final class SlideBenchmark {
	private static final int PATCH = 1024;

	/** One timed row. */
	public record Row(String name, double seconds, double megapixels, long peakMegabytes, String peakKind, long outputBytes) {
		public double megapixelsPerSecond() {
			return megapixels / seconds;
		}
	}

	private SlideBenchmark() {}

	/** Makes the slide in {@code work} with vips; returns its path. */
	public static Path makeSlide(Path work, double megapixels) throws IOException {
		int n = (int) Math.max(1, Math.round(Math.sqrt(megapixels * 1e6) / PATCH));
		Path tissue = work.resolve("tissue.png"), slide = work.resolve("slide.tif");
		ImageFiles.write(SyntheticTissue.generate(7, PATCH, PATCH).render(StainStyle.A, 1.0), tissue);
		vips(List.of("vips", "replicate", tissue.toString(), slide + "[tile,pyramid,compression=jpeg,Q=90,bigtiff,tile-width=512,tile-height=512]",
			String.valueOf(n), String.valueOf(n)), 1);
		return slide;
	}

	/** The floor as libvips has it: re-saving the slide in the same format ({@code threads} vips workers). */
	public static Row vipsFloor(Path slide, Path output, int threads) throws IOException {
		long[] peak = new long[1];
		long start = System.nanoTime();
		vips(List.of("vips", "tiffsave", slide.toString(), output.toString(), "--tile", "--pyramid", "--compression", "jpeg", "--Q", "90", "--bigtiff",
			"--tile-width", "512", "--tile-height", "512"), threads, peak);
		double seconds = (System.nanoTime() - start) / 1e9;
		return new Row("vips tiffsave (floor)", seconds, megapixels(slide), peak[0] >> 10, "RSS", Files.size(output));
	}

	/** The project's own floor: the slide read region by region and written as our pyramid, nothing normalized. */
	public static Row ownFloor(Path slide, Path output, int threads) throws IOException {
		resetHeapPeak();
		long start = System.nanoTime();
		PyramidTiffWriter.Result r;
		try (Slide s = Slide.open(slide)) {
			r = PyramidTiffWriter.write(s.level(0), output, PyramidTiffOptions.defaults().withThreads(threads).withOverwrite(true), Progress.NONE);
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		return new Row("read + write (floor)", seconds, megapixels(slide), heapPeakMegabytes(), "heap", r.bytes());
	}

	/** The whole slide job of one method, as {@code ./stainnorm slide} runs it. */
	public static Row method(String method, Path slide, Path reference, Path output, int threads) throws IOException {
		StainNormalizer normalizer = Methods.create(method, MethodOptions.none());
		resetHeapPeak();
		long start = System.nanoTime();
		normalizer.fit(normalizer.needsReference() ? List.of(ImageFiles.read(reference)) : List.of());
		WholeSlideJob.Report report = WholeSlideJob.run(List.of(slide), output,
			WholeSlideJob.Settings.of(normalizer, method, PyramidTiffOptions.defaults().withThreads(threads).withOverwrite(true)), Progress.NONE);
		double seconds = (System.nanoTime() - start) / 1e9;
		WholeSlideJob.Item item = report.items().get(0);
		if (item.outcome() == WholeSlideJob.Outcome.FAILED) throw new StainNormException(method + ": " + item.detail());
		return new Row(method, seconds, megapixels(slide), heapPeakMegabytes(), "heap", Files.size(output));
	}

	static double megapixels(Path slide) throws IOException {
		try (Slide s = Slide.open(slide)) {
			return s.width() * (double) s.height() / 1e6;
		}
	}

	static void resetHeapPeak() {
		System.gc();
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) pool.resetPeakUsage();
	}

	/** The sum of the heap pools' peaks since the reset: an upper bound of the heap's peak. */
	static long heapPeakMegabytes() {
		long sum = 0;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans())
			if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) sum += pool.getPeakUsage().getUsed();
		return sum >> 20;
	}

	private static void vips(List<String> command, int threads) throws IOException {
		vips(command, threads, new long[1]);
	}

	/** Runs a vips command with {@code threads} workers; {@code peakKb[0]} gets its peak resident set (VmHWM) in kB. */
	private static void vips(List<String> command, int threads, long[] peakKb) throws IOException {
		ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
		pb.environment().put("VIPS_CONCURRENCY", String.valueOf(threads));
		Process p;
		try {
			p = pb.start();
		}
		catch (IOException e) {
			throw new StainNormException("the slide benchmark needs libvips (Debian: apt-get install libvips-tools): " + e.getMessage());
		}
		Path status = Path.of("/proc", String.valueOf(p.pid()), "status");
		StringBuilder output = new StringBuilder();
		Thread reader = new Thread(() -> {
			try {
				output.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
			}
			catch (IOException ignored) {
				// the exit code below tells failure
			}
		});
		reader.start();
		try {
			while (!p.waitFor(200, TimeUnit.MILLISECONDS)) peakKb[0] = Math.max(peakKb[0], residentPeakKb(status));
			reader.join();
		}
		catch (InterruptedException e) {
			p.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new StainNormException("interrupted: " + String.join(" ", command));
		}
		if (p.exitValue() != 0) throw new StainNormException(String.join(" ", command) + " failed: " + output.toString().strip());
	}

	private static long residentPeakKb(Path status) {
		try {
			for (String line : Files.readAllLines(status))
				if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
		}
		catch (IOException | NumberFormatException e) {
			// the process just ended
		}
		return 0;
	}

	/** Runs every row, printing each as it is done; the rows for a CSV. */
	public static List<Row> run(List<String> methods, double megapixels, int threads, Path work, java.io.PrintStream out) throws IOException {
		Path slide = makeSlide(work, megapixels);
		Path reference = work.resolve("reference.png");
		ImageFiles.write(SyntheticTissue.generate(5, 512, 512).render(StainStyle.B, 1.0), reference);
		double mp = megapixels(slide);
		out.println(String.format(Locale.ROOT, "Slide: %.0f MP synthetic tissue (vips replicate of a %d² patch), JPEG Q90 pyramidal BigTIFF, %.0f MB; threads %d",
			mp, PATCH, Files.size(slide) / 1e6, threads));
		out.println(String.format(Locale.ROOT, "%-24s %9s %8s %9s %11s %8s", "whole job", "wall s", "MP/s", "x floor", "peak MB", "out MB"));
		List<Row> rows = new ArrayList<>();
		Row vips = vipsFloor(slide, work.resolve("vips.tif"), threads);
		print(out, vips, Double.NaN);
		rows.add(vips);
		Files.deleteIfExists(work.resolve("vips.tif"));
		Row floor = ownFloor(slide, work.resolve("floor.tif"), threads);
		print(out, floor, Double.NaN);
		rows.add(floor);
		Files.deleteIfExists(work.resolve("floor.tif"));
		for (String m : methods) {
			Row r = method(m, slide, reference, work.resolve("out-" + m + ".tif"), threads);
			print(out, r, r.seconds / floor.seconds);
			rows.add(r);
			Files.deleteIfExists(work.resolve("out-" + m + ".tif"));
		}
		out.println("x floor: wall time over the project's own read + write; peak: RSS of the vips process, Java heap peak (pools summed) for the rest.");
		return rows;
	}

	private static void print(java.io.PrintStream out, Row r, double ratio) {
		out.println(String.format(Locale.ROOT, "%-24s %9.1f %8.2f %9s %7d %-4s %7.0f", r.name, r.seconds, r.megapixelsPerSecond(),
			Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.2f", ratio), r.peakMegabytes, r.peakKind, r.outputBytes / 1e6));
	}
}
