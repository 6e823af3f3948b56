package sc.fiji.stainnorm.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import sc.fiji.stainnorm.bench.Benchmark;
import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.Csv;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.BatchNormalizer;
import sc.fiji.stainnorm.normalize.Methods;

/** {@code ./stainnorm benchmark}: seconds to fit and normalize many patches, per method. */
final class BenchmarkCli implements Subcommand {
	static final Path DEFAULT_IMAGES = Path.of("..", "shared", "data", "he", "pengyzhang_cell_seg_matlab");

	@Override
	public String name() {
		return "benchmark";
	}

	@Override
	public String summary() {
		return "time fit + normalization of many patches per method";
	}

	@Override
	public Set<String> valuedOptions() {
		return Set.of("patches", "size", "methods", "threads", "csv", "images", "seed", "format", "keep", "slide-size");
	}

	@Override
	public Set<String> flagOptions() {
		return Set.of("overwrite", "io", "slide");
	}

	@Override
	public String help() {
		return """
			Usage: ./stainnorm benchmark [--patches 500] [--size 256] [--methods LIST] [--threads N] [--csv FILE [--overwrite]]
			                             [--images DIR] [--seed 42] [--io [--format png|tif|jpg] [--keep DIR]]
			       ./stainnorm benchmark --slide [--slide-size 1000] [--methods LIST] [--threads N] [--csv FILE]

			Fits each method once on one reference patch, then normalizes all patches on N threads, and prints
			seconds and megapixels per second (after an untimed warm-up pass over the same patches).
			Patches are random crops of the images in DIR (default %s, if present),
			otherwise synthetic tissue.
			A DIR without an image of at least SIZE x SIZE is refused.

			  --patches N    number of patches (default 500, as in the STST paper)
			  --size S       patch width and height in pixels (default 256)
			  --methods L    comma-separated, e.g. reinhard,macenko (default: all of %s)
			  --threads N    patches normalized at once (default: number of cores; STST one more, as a
			                 worker inside a TensorFlow call only waits)
			  --csv FILE     also write the table as CSV (an existing file is kept unless --overwrite)
			  --images DIR   folder of RGB images to crop patches from (at least SIZE x SIZE)
			  --seed N       random seed for the crops (default 42)
			  --io           also time the whole job: the patches as files in a temporary folder, read, normalized
			                 and written (verified) to another, as ./stainnorm normalize does; prints wall and
			                 process CPU seconds, MP/s, each stage's share (read, compute, encode, write) and the
			                 load average at the start and the end
			  --format F     file format of that job's inputs and outputs (default png)
			  --keep DIR     keep that job's files in DIR (DIR/in, DIR/out-METHOD; DIR must not exist or be
			                 empty) instead of a temporary folder, e.g. to time other programs on DIR/in
			  --slide        instead: whole slides. A synthetic slide of --slide-size MP (default 1000) made by
			                 libvips (JPEG Q90 pyramidal BigTIFF), then MP/s and peak memory of the whole job (read,
			                 normalize, write the pyramid) per method, next to the I/O floor measured in the same run:
			                 vips tiffsave of the slide, and this project's read + write without normalizing, timed
			                 before and after the methods; every Java row first runs once untimed on a 4 MP slide
			                 (JIT warm-up), and "x floor" (wall and CPU) is over the faster floor run
			                 (needs libvips-tools; the temporary files need about 1.5 GB per 1000 MP)

			Example: ./stainnorm benchmark --methods reinhard,macenko --threads 2
			""".formatted(DEFAULT_IMAGES, String.join(", ", Methods.names()));
	}

	@Override
	public int run(CliArgs args, PrintStream out) throws java.io.IOException {
		if (!args.positional().isEmpty()) throw new UsageException("benchmark takes no positional arguments, got " + args.positional());
		if (args.flag("slide")) return slide(args, out);
		if (args.get("slide-size", null) != null) throw new UsageException("--slide-size is for the whole-slide timing: give --slide too");
		int patches = args.integer("patches", 500), size = args.integer("size", 256);
		int threads = args.integer("threads", Runtime.getRuntime().availableProcessors());
		if (threads < 1) throw new UsageException("--threads must be at least 1");
		if (patches < 1) throw new UsageException("--patches must be at least 1");
		String listed = args.get("methods", null);
		List<String> methods = listed == null ? Methods.names()
			: Arrays.stream(listed.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(s -> s.toLowerCase(Locale.ROOT)).toList();
		if (methods.isEmpty()) throw new UsageException("--methods lists no method; known: " + String.join(", ", Methods.names()));
		for (String m : methods)
			if (!Methods.names().contains(m))
				throw new UsageException("Unknown method '" + m + "' in --methods; known: " + String.join(", ", Methods.names()));
		Path images = args.path("images", null);
		if (images != null && !Files.isDirectory(images)) throw new StainNormException("--images: no folder " + images);
		// the default folder is used when this checkout has it; a folder the user named must give the patches
		if (images == null && Files.isDirectory(DEFAULT_IMAGES)) images = DEFAULT_IMAGES;
		Path csv = args.path("csv", null);
		// before the minutes of timing, not after them
		if (csv != null && Files.isDirectory(csv)) throw new StainNormException("--csv must name a file, but " + csv + " is a folder");
		if (csv != null && Files.exists(csv) && !args.flag("overwrite"))
			throw new StainNormException("CSV file " + csv + " exists; give --overwrite to replace it");

		boolean io = args.flag("io");
		String format = args.get("format", "png").toLowerCase(Locale.ROOT);
		if (format.equals("tiff")) format = "tif";
		if (format.equals("jpeg")) format = "jpg";
		if (!List.of("png", "tif", "jpg").contains(format)) throw new UsageException("--format must be png, tif or jpg, got " + args.get("format", ""));
		if (args.get("format", null) != null && !io) throw new UsageException("--format is for the whole-job timing: give --io too");
		Path keep = args.path("keep", null);
		if (keep != null && !io) throw new UsageException("--keep is for the whole-job timing: give --io too");
		if (keep != null) BatchNormalizer.refuseNonEmptyFolder(keep, false, "");
		Benchmark.Workload workload = Benchmark.workload(patches, size, images, args.integer("seed", 42));
		out.println("Machine: " + Benchmark.machine());
		out.println("Patches: " + workload.description());
		out.println("Threads: " + threads + moreWorkers(methods, threads));
		out.println();
		out.println(String.format(Locale.ROOT, "%-12s %8s %12s %9s %9s %8s %7s", "method", "fit s", "normalize s", "total s", "CPU s", "MP/s", "warned"));
		List<String> rows = new ArrayList<>();
		rows.add("method,patches,size,threads,fit_seconds,normalize_seconds,total_seconds,cpu_seconds,megapixels_per_second,patches_with_warnings,patch_source");
		List<String> failed = new ArrayList<>();
		List<String> ioRows = new ArrayList<>(), ioLines = new ArrayList<>();
		ioRows.add("method,format,files,size,threads,fit_seconds,wall_seconds,process_cpu_seconds,megapixels_per_second,read_share,compute_share,"
			+ "encode_share,write_share,input_bytes,output_bytes,failed,load_average_before,load_average_after");
		double loadAtStart = Benchmark.loadAverage();
		Path work = !io ? null : keep != null ? keep : java.nio.file.Files.createTempDirectory("stainnorm-benchmark-io");
		try {
			List<Path> inputs = io ? Benchmark.writeInputs(workload, work.resolve("in"), format) : List.of();
			// each method's whole job right after its in-memory timing, so that both see the same load
			for (String m : methods) {
				Benchmark.Result r;
				try {
					r = Benchmark.run(m, workload, threads);
				}
				catch (StainNormException e) {
					if (listed != null) throw new StainNormException(m + ": " + e.getMessage(), e);
					// in the default list, a method that cannot run here (e.g. a missing model) does not hide the others
					out.println(String.format(Locale.ROOT, "%-12s skipped: %s", m, e.getMessage()));
					failed.add(m);
					continue;
				}
				out.println(String.format(Locale.ROOT, "%-12s %8.3f %12.3f %9.3f %9.3f %8.1f %7d", m, r.fitSeconds(), r.transformSeconds(),
					r.fitSeconds() + r.transformSeconds(), r.cpuSeconds(), r.megapixelsPerSecond(), r.warnings()));
				rows.add(String.format(Locale.ROOT, "%s,%d,%d,%d,%.4f,%.4f,%.4f,%.4f,%.2f,%d,%s", m, r.patches(), size, threads, r.fitSeconds(),
					r.transformSeconds(), r.fitSeconds() + r.transformSeconds(), r.cpuSeconds(), r.megapixelsPerSecond(), r.warnings(),
					workload.description().startsWith("real") ? "real" : "synthetic"));
				if (!io) continue;
				double loadBefore = Benchmark.loadAverage();
				Benchmark.IoResult j = Benchmark.runIo(m, workload, inputs, work.resolve("out-" + m), threads);
				double t = j.stageTotal();
				ioLines.add(String.format(Locale.ROOT, "%-12s %8.3f %9.3f %8.1f %7.1f %6.1f %8.1f %7.1f %6d %9.1f", m, j.wallSeconds(), j.cpuSeconds(),
					j.megapixelsPerSecond(), 100 * j.readSeconds() / t, 100 * j.computeSeconds() / t, 100 * j.encodeSeconds() / t,
					100 * j.writeSeconds() / t, j.failed(), j.outputBytes() / 1e6));
				ioRows.add(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%.4f,%.4f,%.4f,%.2f,%.4f,%.4f,%.4f,%.4f,%d,%d,%d,%.2f,%.2f", m, format, j.files(), size,
					threads, j.fitSeconds(), j.wallSeconds(), j.cpuSeconds(), j.megapixelsPerSecond(), j.readSeconds() / t, j.computeSeconds() / t,
					j.encodeSeconds() / t, j.writeSeconds() / t, j.inputBytes(), j.outputBytes(), j.failed(), loadBefore, Benchmark.loadAverage()));
				if (j.failed() > 0) failed.add(m + " (" + j.failed() + " files failed in the whole job)");
			}
		}
		finally {
			if (work != null && keep == null) deleteTree(work);
		}
		if (io) {
			out.println();
			out.println(String.format(Locale.ROOT, "Whole job, %d %s files in and out, each right after the method's row above:", workload.patches().size(),
				format.toUpperCase(Locale.ROOT)));
			out.println(String.format(Locale.ROOT, "%-12s %8s %9s %8s %7s %6s %8s %7s %6s %9s", "method", "wall s", "CPU s", "MP/s", "read %",
				"norm %", "encode %", "write %", "failed", "out MB"));
			ioLines.forEach(out::println);
			out.println("Whole job: wall = fit + the folder job; CPU = the whole process's; shares are thread-seconds per stage, write = the");
			out.println("verified, fsynced write on the writer threads (mostly waiting for the disk).");
		}
		out.println(String.format(Locale.ROOT, "Load average (1 min): %.2f at the start, %.2f at the end.", loadAtStart, Benchmark.loadAverage()));
		out.println();
		out.println("CPU s: processor time of the normalizing threads; wall-clock seconds above it mean other programs shared the cores.");
		out.println("STST paper, 500 patches of 256x256: Reinhard 14.16 s, Macenko 73.29 s, Khan 1980 s, Vahadane 553 s");
		if (csv != null) {
			if (io) {
				rows.add("");
				rows.addAll(ioRows);
			}
			AtomicFile.writeString(csv, String.join("\n", rows) + "\n");
			out.println("CSV written to " + csv);
		}
		if (!failed.isEmpty())
			throw new StainNormException("not timed: " + String.join(", ", failed) + " (see the skipped lines above); the others are in the table");
		return Main.OK;
	}

	/** {@code --slide}: the whole-slide rows (see {@link sc.fiji.stainnorm.bench.SlideBenchmark}). */
	private static int slide(CliArgs args, PrintStream out) throws java.io.IOException {
		for (String patchOnly : List.of("patches", "size", "images", "seed", "format", "keep"))
			if (args.get(patchOnly, null) != null) throw new UsageException("--" + patchOnly + " is for the patch benchmark, not for --slide");
		if (args.flag("io")) throw new UsageException("--io is for the patch benchmark, not for --slide");
		double megapixels = args.number("slide-size", 1000);
		if (!(megapixels >= 1)) throw new UsageException("--slide-size must be at least 1 (megapixels)");
		int threads = args.integer("threads", Runtime.getRuntime().availableProcessors());
		if (threads < 1) throw new UsageException("--threads must be at least 1");
		String listed = args.get("methods", null);
		List<String> methods = listed == null ? Methods.names()
			: Arrays.stream(listed.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(s -> s.toLowerCase(Locale.ROOT)).toList();
		for (String m : methods)
			if (!Methods.names().contains(m))
				throw new UsageException("Unknown method '" + m + "' in --methods; known: " + String.join(", ", Methods.names()));
		Path csv = args.path("csv", null);
		if (csv != null && Files.exists(csv) && !args.flag("overwrite"))
			throw new StainNormException("CSV file " + csv + " exists; give --overwrite to replace it");
		out.println("Machine: " + Benchmark.machine());
		double loadAtStart = Benchmark.loadAverage();
		Path work = Files.createTempDirectory("stainnorm-benchmark-slide");
		List<sc.fiji.stainnorm.bench.SlideBenchmark.Row> rows;
		try {
			rows = sc.fiji.stainnorm.bench.SlideBenchmark.run(methods, megapixels, threads, work, out);
		}
		finally {
			deleteTree(work);
		}
		out.println(String.format(Locale.ROOT, "Load average (1 min): %.2f at the start, %.2f at the end.", loadAtStart, Benchmark.loadAverage()));
		if (csv != null) {
			var floor = sc.fiji.stainnorm.bench.SlideBenchmark.Floor.of(rows);
			List<String> lines = new ArrayList<>(List.of("job,threads,megapixels,wall_seconds,cpu_seconds,megapixels_per_second,"
				+ "wall_over_warm_floor,cpu_over_warm_floor,peak_megabytes,peak_kind,output_bytes,load_average"));
			for (var r : rows)
				lines.add(String.format(Locale.ROOT, "%s,%d,%.1f,%.3f,%s,%.3f,%s,%s,%d,%s,%d,%s", Csv.field(r.name()), threads, r.megapixels(), r.seconds(),
					cell(r.cpuSeconds()), r.megapixelsPerSecond(), cell(floor.wallRatio(r)), cell(floor.cpuRatio(r)), r.peakMegabytes(), r.peakKind(), r.outputBytes(),
					cell(r.load())));
			AtomicFile.writeString(csv, String.join("\n", lines) + "\n");
			out.println("CSV written to " + csv);
		}
		return Main.OK;
	}

	/** The methods that run more workers than the threads asked for ({@link sc.fiji.stainnorm.normalize.StainNormalizer#workers}), said. */
	private static String moreWorkers(List<String> methods, int threads) {
		StringBuilder b = new StringBuilder();
		for (String m : methods) {
			int workers;
			try {
				workers = Methods.create(m).workers(threads);
			}
			catch (RuntimeException e) {
				continue; // reported on the method's own row
			}
			if (workers != threads) b.append(b.length() == 0 ? " (" : ", ").append(m).append(": ").append(workers).append(" workers");
		}
		return b.length() == 0 ? "" : b.append("; a worker inside a TensorFlow call only waits)").toString();
	}

	/** Three decimals; NaN (not known here) an empty cell. */
	private static String cell(double v) {
		return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
	}

	private static void deleteTree(Path dir) {
		try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
			for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList())
				Files.deleteIfExists(p);
		}
		catch (java.io.IOException e) {
			System.err.println("WARNING: could not remove the benchmark's temporary folder " + dir + ": " + e.getMessage());
		}
	}
}
