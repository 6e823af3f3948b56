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
import sc.fiji.stainnorm.core.StainNormException;
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
		return Set.of("patches", "size", "methods", "threads", "csv", "images", "seed");
	}

	@Override
	public Set<String> flagOptions() {
		return Set.of("overwrite");
	}

	@Override
	public String help() {
		return """
			Usage: ./stainnorm benchmark [--patches 500] [--size 256] [--methods LIST] [--threads N] [--csv FILE [--overwrite]]
			                             [--images DIR] [--seed 42]

			Fits each method once on one reference patch, then normalizes all patches on N threads, and prints
			seconds and megapixels per second (after an untimed warm-up on 20 patches). Patches are random crops
			of the images in DIR (default %s, if present), otherwise synthetic tissue.
			A DIR without an image of at least SIZE x SIZE is refused.

			  --patches N    number of patches (default 500, as in the STST paper)
			  --size S       patch width and height in pixels (default 256)
			  --methods L    comma-separated, e.g. reinhard,macenko (default: all of %s)
			  --threads N    patches normalized at once (default: number of cores)
			  --csv FILE     also write the table as CSV (an existing file is kept unless --overwrite)
			  --images DIR   folder of RGB images to crop patches from (at least SIZE x SIZE)
			  --seed N       random seed for the crops (default 42)

			Example: ./stainnorm benchmark --methods reinhard,macenko --threads 2
			""".formatted(DEFAULT_IMAGES, String.join(", ", Methods.names()));
	}

	@Override
	public int run(CliArgs args, PrintStream out) {
		if (!args.positional().isEmpty()) throw new UsageException("benchmark takes no positional arguments, got " + args.positional());
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

		Benchmark.Workload workload = Benchmark.workload(patches, size, images, args.integer("seed", 42));
		out.println("Machine: " + Benchmark.machine());
		out.println("Patches: " + workload.description());
		out.println("Threads: " + threads);
		out.println();
		out.println(String.format(Locale.ROOT, "%-12s %8s %12s %9s %9s %8s %7s", "method", "fit s", "normalize s", "total s", "CPU s", "MP/s", "warned"));
		List<String> rows = new ArrayList<>();
		rows.add("method,patches,size,threads,fit_seconds,normalize_seconds,total_seconds,cpu_seconds,megapixels_per_second,patches_with_warnings,patch_source");
		List<String> failed = new ArrayList<>();
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
		}
		out.println();
		out.println("CPU s: processor time of the normalizing threads; wall-clock seconds above it mean other programs shared the cores.");
		out.println("STST paper, 500 patches of 256x256: Reinhard 14.16 s, Macenko 73.29 s, Khan 1980 s, Vahadane 553 s");
		if (csv != null) {
			AtomicFile.writeString(csv, String.join("\n", rows) + "\n");
			out.println("CSV written to " + csv);
		}
		if (!failed.isEmpty())
			throw new StainNormException("not timed: " + String.join(", ", failed) + " (see the skipped lines above); the others are in the table");
		return Main.OK;
	}
}
