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
 * scanners write), then timed, each as a whole job (read, normalize, write the pyramid, verified): the I/O floor
 * ({@code vips tiffsave} of the slide to the same format, and this project's read + write without normalizing), then
 * {@code ./stainnorm slide} per method, then the project's floor again. Before the timed rows every Java row runs once,
 * untimed, on a small slide of the same kind (the JIT compiles the same code paths), and the ratios are taken against
 * the faster of the two floor runs (the warm floor), in wall and in CPU time (every thread of this JVM; vips: its
 * process), so that a cold first row or a busy machine does not pass for a fast method. Peak memory: the resident set
 * of the vips process, the Java heap's peak for the rest (this JVM, reset before each row).
 */
public final class SlideBenchmark {
	private static final int PATCH = 1024;
	/** The warm-up slide: this many patches on a side (about 4 MP), or the slide's own count when that is smaller. */
	private static final int WARM_UP_PATCHES = 2;
	public static final String FLOOR = "read + write (floor)", FLOOR_AGAIN = "read + write (floor, again)";

	/**
	 * One timed row.
	 *
	 * @param cpuSeconds CPU time of the job (NaN where the system does not tell it)
	 * @param load       the 1-minute load average at the row's end (NaN where unknown)
	 */
	public record Row(String name, double seconds, double cpuSeconds, double megapixels, long peakMegabytes, String peakKind, long outputBytes,
		double load)
	{
		public double megapixelsPerSecond() {
			return megapixels / seconds;
		}

		boolean floor() {
			return name.equals(FLOOR) || name.equals(FLOOR_AGAIN);
		}
	}

	/** The warm floor: the faster of the project's floor runs, in wall and in CPU seconds. */
	public record Floor(double seconds, double cpuSeconds) {
		public static Floor of(List<Row> rows) {
			double wall = Double.POSITIVE_INFINITY, cpu = Double.POSITIVE_INFINITY;
			for (Row r : rows)
				if (r.floor()) {
					wall = Math.min(wall, r.seconds);
					if (!Double.isNaN(r.cpuSeconds)) cpu = Math.min(cpu, r.cpuSeconds);
				}
			return new Floor(Double.isInfinite(wall) ? Double.NaN : wall, Double.isInfinite(cpu) ? Double.NaN : cpu);
		}

		public double wallRatio(Row r) {
			return r.seconds / seconds;
		}

		public double cpuRatio(Row r) {
			return r.cpuSeconds / cpuSeconds;
		}
	}

	private SlideBenchmark() {}

	/** Makes the slide in {@code work} with vips; returns its path. */
	public static Path makeSlide(Path work, double megapixels) throws IOException {
		return makeSlide(work, "slide.tif", patchesPerSide(megapixels));
	}

	private static int patchesPerSide(double megapixels) {
		return (int) Math.max(1, Math.round(Math.sqrt(megapixels * 1e6) / PATCH));
	}

	/** A slide of {@code n × n} copies of the synthetic patch, named {@code name} in {@code work}. */
	private static Path makeSlide(Path work, String name, int n) throws IOException {
		Path tissue = work.resolve("tissue.png"), slide = work.resolve(name);
		if (!Files.exists(tissue)) ImageFiles.write(SyntheticTissue.generate(7, PATCH, PATCH).render(StainStyle.A, 1.0), tissue);
		vips(List.of("vips", "replicate", tissue.toString(), slide + "[tile,pyramid,compression=jpeg,Q=90,bigtiff,tile-width=512,tile-height=512]",
			String.valueOf(n), String.valueOf(n)), 1);
		return slide;
	}

	/** The floor as libvips has it: re-saving the slide in the same format ({@code threads} vips workers). */
	public static Row vipsFloor(Path slide, Path output, int threads) throws IOException {
		long[] peak = new long[1];
		double cpu = childrenCpuSeconds();
		long start = System.nanoTime();
		vips(List.of("vips", "tiffsave", slide.toString(), output.toString(), "--tile", "--pyramid", "--compression", "jpeg", "--Q", "90", "--bigtiff",
			"--tile-width", "512", "--tile-height", "512"), threads, peak);
		double seconds = (System.nanoTime() - start) / 1e9;
		cpu = childrenCpuSeconds() - cpu;
		return new Row("vips tiffsave (floor)", seconds, cpu, megapixels(slide), peak[0] >> 10, "RSS", Files.size(output), Benchmark.loadAverage());
	}

	/** The project's own floor: the slide read region by region and written as our pyramid, nothing normalized. */
	public static Row ownFloor(Path slide, Path output, int threads) throws IOException {
		return ownFloor(FLOOR, slide, output, threads);
	}

	private static Row ownFloor(String name, Path slide, Path output, int threads) throws IOException {
		resetHeapPeak();
		double cpu = processCpuSeconds();
		long start = System.nanoTime();
		PyramidTiffWriter.Result r;
		try (Slide s = Slide.open(slide)) {
			r = PyramidTiffWriter.write(s.level(0), output, PyramidTiffOptions.defaults().withThreads(threads).withOverwrite(true), Progress.NONE);
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		cpu = processCpuSeconds() - cpu;
		return new Row(name, seconds, cpu, megapixels(slide), heapPeakMegabytes(), "heap", r.bytes(), Benchmark.loadAverage());
	}

	/** The whole slide job of one method, as {@code ./stainnorm slide} runs it. */
	public static Row method(String method, Path slide, Path reference, Path output, int threads) throws IOException {
		StainNormalizer normalizer = Methods.create(method, MethodOptions.none());
		resetHeapPeak();
		double cpu = processCpuSeconds();
		long start = System.nanoTime();
		normalizer.fit(normalizer.needsReference() ? List.of(ImageFiles.read(reference)) : List.of());
		WholeSlideJob.Report report = WholeSlideJob.run(List.of(slide), output,
			WholeSlideJob.Settings.of(normalizer, method, PyramidTiffOptions.defaults().withThreads(threads).withOverwrite(true)), Progress.NONE);
		double seconds = (System.nanoTime() - start) / 1e9;
		cpu = processCpuSeconds() - cpu;
		WholeSlideJob.Item item = report.items().get(0);
		if (item.outcome() == WholeSlideJob.Outcome.FAILED) throw new StainNormException(method + ": " + item.detail());
		return new Row(method, seconds, cpu, megapixels(slide), heapPeakMegabytes(), "heap", Files.size(output), Benchmark.loadAverage());
	}

	static double megapixels(Path slide) throws IOException {
		try (Slide s = Slide.open(slide)) {
			return s.width() * (double) s.height() / 1e6;
		}
	}

	/** CPU seconds of every thread of this JVM so far (NaN where the JVM does not tell). */
	static double processCpuSeconds() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			long ns = os.getProcessCpuTime();
			if (ns >= 0) return ns / 1e9;
		}
		return Double.NaN;
	}

	/**
	 * CPU seconds of this JVM's finished child processes so far (cutime + cstime of {@code /proc/self/stat}, in the
	 * kernel's 100 ticks per second), NaN where there is no such file.
	 */
	static double childrenCpuSeconds() {
		try {
			String stat = Files.readString(Path.of("/proc/self/stat"));
			String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
			return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
		}
		catch (IOException | RuntimeException e) {
			return Double.NaN;
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

	/**
	 * Runs every row (each Java row once untimed on a small slide first), printing each as it is done, then the table
	 * with the ratios against the warm floor; the rows, in the order run, for a CSV.
	 */
	public static List<Row> run(List<String> methods, double megapixels, int threads, Path work, java.io.PrintStream out) throws IOException {
		int n = patchesPerSide(megapixels);
		Path slide = makeSlide(work, "slide.tif", n);
		Path reference = work.resolve("reference.png");
		ImageFiles.write(SyntheticTissue.generate(5, 512, 512).render(StainStyle.B, 1.0), reference);
		double mp = megapixels(slide);
		out.println(String.format(Locale.ROOT, "Slide: %.0f MP synthetic tissue (vips replicate of a %d² patch), JPEG Q90 pyramidal BigTIFF, %.0f MB; threads %d",
			mp, PATCH, Files.size(slide) / 1e6, threads));
		int warmN = Math.min(n, WARM_UP_PATCHES);
		Path warm = makeSlide(work, "warm-up.tif", warmN);
		long warmStart = System.nanoTime();
		Path warmOut = work.resolve("warm-up-out.tif");
		ownFloor(warm, warmOut, threads);
		for (String m : methods)
			method(m, warm, reference, warmOut, threads);
		Files.deleteIfExists(warmOut);
		out.println(String.format(Locale.ROOT, "Warm-up (untimed): the floor and every method once on a %.0f MP slide of the same kind, %.1f s", megapixels(warm),
			(System.nanoTime() - warmStart) / 1e9));
		List<Row> rows = new ArrayList<>();
		Row vips = vipsFloor(slide, work.resolve("vips.tif"), threads);
		rows.add(progress(out, vips));
		Files.deleteIfExists(work.resolve("vips.tif"));
		rows.add(progress(out, ownFloor(FLOOR, slide, work.resolve("floor.tif"), threads)));
		Files.deleteIfExists(work.resolve("floor.tif"));
		for (String m : methods) {
			rows.add(progress(out, method(m, slide, reference, work.resolve("out-" + m + ".tif"), threads)));
			Files.deleteIfExists(work.resolve("out-" + m + ".tif"));
		}
		rows.add(progress(out, ownFloor(FLOOR_AGAIN, slide, work.resolve("floor.tif"), threads)));
		Files.deleteIfExists(work.resolve("floor.tif"));
		Floor floor = Floor.of(rows);
		out.println(String.format(Locale.ROOT, "%-28s %8s %8s %8s %8s %11s %12s %7s %6s", "whole job", "wall s", "CPU s", "MP/s", "x floor", "x floor CPU", "peak MB",
			"out MB", "load"));
		for (Row r : rows)
			print(out, r, floor);
		out.println(String.format(Locale.ROOT, "x floor: over the warm floor, the faster of the two runs of the project's own read + write (%.1f s wall, %.1f s CPU;"
			+ " run before and after the methods, all after the warm-up), in wall and in CPU seconds (every thread of the JVM; vips: its process). Peak: RSS of"
			+ " the vips process, Java heap peak (pools summed) for the rest. Load: the 1-minute load average at the row's end.", floor.seconds(), floor.cpuSeconds()));
		return rows;
	}

	private static Row progress(java.io.PrintStream out, Row r) {
		out.println(String.format(Locale.ROOT, "  timed %s: %.1f s wall, %.1f s CPU", r.name, r.seconds, r.cpuSeconds));
		return r;
	}

	private static void print(java.io.PrintStream out, Row r, Floor floor) {
		out.println(String.format(Locale.ROOT, "%-28s %8.1f %8.1f %8.2f %8.2f %11.2f %7d %-4s %7.0f %6.1f", r.name, r.seconds, r.cpuSeconds, r.megapixelsPerSecond(),
			floor.wallRatio(r), floor.cpuRatio(r), r.peakMegabytes, r.peakKind, r.outputBytes / 1e6, r.load));
	}
}
