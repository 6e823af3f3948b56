package sc.fiji.stainnorm.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.Shard;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.core.TissueMask;
import sc.fiji.stainnorm.normalize.BatchNormalizer;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * Times fit (once, on one reference patch) and normalization of many patches, spread over threads, per method:
 * the measurement behind the STST paper's "seconds for 500 patches of 256x256". Patches are random crops of real
 * images when a folder of them is given, otherwise synthetic tissue.
 */
public final class Benchmark {

	/** The patches to normalize and the reference to fit on, with a line saying where they came from. */
	public record Workload(List<RgbImage> patches, RgbImage reference, String description) {
		public double megapixels() {
			return patches.stream().mapToLong(RgbImage::pixelCount).sum() / 1e6;
		}
	}

	/**
	 * @param cpuSeconds CPU time of the normalizing threads: unlike the wall-clock {@code transformSeconds} it does not
	 *        grow when other programs compete for the cores
	 */
	public record Result(String method, int patches, int threads, double fitSeconds, double transformSeconds, double cpuSeconds,
		double megapixels, long warnings)
	{
		public double megapixelsPerSecond() {
			return megapixels / transformSeconds;
		}
	}

	private Benchmark() {}

	/**
	 * {@code count} random {@code size}x{@code size} crops (fixed seed, so runs are comparable) of the images in
	 * {@code folder}, and one more crop from an image as the reference; synthetic tissue when the folder is null.
	 * A folder that is missing or has no image large enough is refused: timing synthetic tissue instead of the
	 * images asked for would report numbers for the wrong data.
	 */
	public static Workload workload(int count, int size, Path folder, long seed) {
		if (count < 1) throw new InvalidSettingException("The number of patches must be at least 1, got " + count);
		if (size < 8 || size > 4096) throw new InvalidSettingException("The patch size must be from 8 to 4096, got " + size);
		Random rnd = new Random(seed);
		List<RgbImage> sources = folder == null ? List.of() : readLargeEnough(folder, size);
		if (folder != null && sources.isEmpty())
			throw new StainNormException("No image of at least " + size + "x" + size + " pixels in " + folder
				+ " to crop benchmark patches from; give a folder of larger RGB images, a smaller patch size, or no folder for synthetic tissue");
		List<RgbImage> patches = new ArrayList<>(count);
		if (!sources.isEmpty()) {
			for (int i = 0; i < count; i++)
				patches.add(randomCrop(sources.get(rnd.nextInt(sources.size())), size, rnd));
			RgbImage reference = null;
			for (int attempt = 0; attempt < 50 && reference == null; attempt++) {
				RgbImage candidate = randomCrop(sources.get(rnd.nextInt(sources.size())), size, rnd);
				if (TissueMask.count(candidate) > 0.5 * candidate.pixelCount()) reference = candidate;
			}
			if (reference == null) reference = patches.get(0);
			return new Workload(patches, reference, "real: " + count + " random " + size + "x" + size + " crops of " + sources.size()
				+ " images in " + folder);
		}
		// synthetic: a few tissues, cropped at random, rendered in styles A and C; reference in style B
		int tile = Math.max(size, 512);
		List<SyntheticTissue> tissues = new ArrayList<>();
		for (int t = 0; t < 4; t++)
			tissues.add(SyntheticTissue.generate(seed + t, tile, tile));
		List<RgbImage> rendered = new ArrayList<>();
		for (SyntheticTissue t : tissues) {
			rendered.add(t.render(StainStyle.A, 1));
			rendered.add(t.render(StainStyle.C, 1));
		}
		for (int i = 0; i < count; i++)
			patches.add(randomCrop(rendered.get(rnd.nextInt(rendered.size())), size, rnd));
		RgbImage reference = randomCrop(SyntheticTissue.generate(seed + 100, tile, tile).render(StainStyle.B, 1), size, rnd);
		return new Workload(patches, reference, "synthetic: " + count + " random " + size + "x" + size + " crops of SyntheticTissue renderings");
	}

	private static List<RgbImage> readLargeEnough(Path folder, int size) {
		if (!Files.isDirectory(folder)) throw new StainNormException("No folder " + folder + " to crop benchmark patches from");
		List<Path> files;
		try (Stream<Path> s = Files.list(folder)) {
			files = s.filter(ImageFiles::isImageFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
		}
		catch (IOException e) {
			throw new StainNormException("Cannot list " + folder + ": " + e.getMessage());
		}
		List<RgbImage> images = new ArrayList<>();
		for (Path f : files) {
			RgbImage img = ImageFiles.read(f);
			if (img.width() >= size && img.height() >= size) images.add(img);
		}
		return images;
	}

	private static RgbImage randomCrop(RgbImage img, int size, Random rnd) {
		return img.crop(rnd.nextInt(img.width() - size + 1), rnd.nextInt(img.height() - size + 1), size, size);
	}

	/**
	 * Fits {@code method} (with its default options) on the workload's reference, then normalizes every patch on
	 * {@code threads} threads. Before timing, the same work runs once, untimed, on all the patches, so that the times are
	 * those of a warm, long-running Fiji or batch job: after a warm-up of 20 patches the JIT was still compiling in the
	 * timed pass (STST, 500 patches on 2 cores: 6.8-7.0 s and 5.2-5.5 s of Java CPU, against 5.8-6.0 s and 3.7-3.9 s after
	 * a full pass).
	 */
	public static Result run(String method, Workload workload, int threads) {
		if (threads < 1) throw new InvalidSettingException("The number of threads must be at least 1, got " + threads);
		StainNormalizer warm = Methods.create(method);
		List<RgbImage> refs = warm.needsReference() ? List.of(workload.reference()) : List.of();
		warm.fit(refs);
		transformAll(warm, workload.patches(), threads, new AtomicLong());

		StainNormalizer normalizer = Methods.create(method);
		long t0 = System.nanoTime();
		normalizer.fit(refs);
		long t1 = System.nanoTime();
		AtomicLong cpu = new AtomicLong();
		long warnings = transformAll(normalizer, workload.patches(), threads, cpu);
		long t2 = System.nanoTime();
		return new Result(method, workload.patches().size(), threads, (t1 - t0) / 1e9, (t2 - t1) / 1e9, cpu.get() / 1e9, workload.megapixels(),
			warnings);
	}

	/** @return the number of patches that came back with warnings */
	private static long transformAll(StainNormalizer normalizer, List<RgbImage> patches, int threads, AtomicLong cpuNanos) {
		ThreadMXBean bean = ManagementFactory.getThreadMXBean();
		boolean cpuTime = bean.isCurrentThreadCpuTimeSupported();
		AtomicInteger next = new AtomicInteger();
		AtomicLong warned = new AtomicLong();
		int workers = normalizer.workers(threads); // as the folder job runs them
		ExecutorService pool = Executors.newFixedThreadPool(workers);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < workers; t++)
				futures.add(pool.submit(() -> {
					long start = cpuTime ? bean.getCurrentThreadCpuTime() : 0;
					// groups as the folder job forms them: one patch each, or (STST) a TensorFlow call's worth
					long budget = normalizer.groupPixels();
					List<RgbImage> group = new ArrayList<>();
					long pixels = 0;
					for (int i = next.getAndIncrement(); i < patches.size(); i = next.getAndIncrement()) {
						group.add(patches.get(i));
						pixels += patches.get(i).pixelCount();
						if (pixels < budget) continue;
						warned.addAndGet(warned(normalizer.normalizeAll(group)));
						group.clear();
						pixels = 0;
					}
					if (!group.isEmpty()) warned.addAndGet(warned(normalizer.normalizeAll(group)));
					if (cpuTime) cpuNanos.addAndGet(bean.getCurrentThreadCpuTime() - start);
				}));
			for (Future<?> f : futures)
				f.get();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new StainNormException("Interrupted");
		}
		catch (ExecutionException e) {
			if (e.getCause() instanceof StainNormException sne) throw sne;
			throw new StainNormException("Benchmark of " + normalizer.name() + " failed: " + e.getCause(), e.getCause());
		}
		finally {
			pool.shutdownNow();
		}
		return warned.get();
	}

	private static long warned(List<sc.fiji.stainnorm.normalize.Normalized> results) {
		return results.stream().filter(n -> !n.warnings().isEmpty()).count();
	}

	/**
	 * A whole folder job, timed: {@code files} inputs read from disk, normalized, written verified to another
	 * folder, the way {@code ./stainnorm normalize} runs it (after an untimed run on 20 files, in the same JVM).
	 *
	 * @param wallSeconds fit plus the job, wall clock
	 * @param cpuSeconds the whole process's processor time over the same span (all threads, GC and JIT included)
	 * @param stageSeconds thread-seconds spent decoding, normalizing, encoding and writing (forced to disk)
	 */
	public record IoResult(String method, String format, int files, int threads, double fitSeconds, double wallSeconds, double cpuSeconds,
		double megapixels, double readSeconds, double computeSeconds, double encodeSeconds, double writeSeconds, long inputBytes,
		long outputBytes, long failed)
	{
		public double megapixelsPerSecond() {
			return megapixels / wallSeconds;
		}

		public double stageTotal() {
			return readSeconds + computeSeconds + encodeSeconds + writeSeconds;
		}
	}

	/**
	 * Writes the workload's patches into {@code folder} as {@code patch_NNNN.EXT} files (untimed): the inputs of
	 * {@link #runIo}.
	 */
	public static List<Path> writeInputs(Workload workload, Path folder, String format) {
		List<Path> files = new ArrayList<>();
		for (int i = 0; i < workload.patches().size(); i++) {
			Path f = folder.resolve(String.format(Locale.ROOT, "patch_%04d.%s", i, format));
			ImageFiles.write(workload.patches().get(i), f);
			files.add(f);
		}
		return files;
	}

	/** Fits {@code method} on the workload's reference and normalizes {@code inputs} into {@code output} (replacing). */
	public static IoResult runIo(String method, Workload workload, List<Path> inputs, Path output, int threads) {
		if (threads < 1) throw new InvalidSettingException("The number of threads must be at least 1, got " + threads);
		StainNormalizer warm = Methods.create(method);
		List<RgbImage> refs = warm.needsReference() ? List.of(workload.reference()) : List.of();
		warm.fit(refs);
		BatchNormalizer.run(warm, inputs.subList(0, Math.min(20, inputs.size())), output, true, Shard.ALL, threads, Progress.NONE);

		java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		com.sun.management.OperatingSystemMXBean sun = os instanceof com.sun.management.OperatingSystemMXBean s ? s : null;
		StainNormalizer normalizer = Methods.create(method);
		BatchNormalizer.StageTimes times = new BatchNormalizer.StageTimes();
		long cpu0 = sun == null ? 0 : sun.getProcessCpuTime();
		long t0 = System.nanoTime();
		normalizer.fit(refs);
		long t1 = System.nanoTime();
		BatchNormalizer.Report report = BatchNormalizer.run(normalizer, inputs, output, true, Shard.ALL, threads, Progress.NONE, times);
		long t2 = System.nanoTime();
		long cpu1 = sun == null ? 0 : sun.getProcessCpuTime();
		double mp = 0;
		long in = 0, out = 0;
		for (Path p : inputs)
			in += sizeOf(p);
		for (BatchNormalizer.FileResult r : report.files())
			out += sizeOf(r.output());
		for (RgbImage p : workload.patches())
			mp += p.pixelCount() / 1e6;
		return new IoResult(method, ImageFiles.extension(inputs.get(0)), inputs.size(), threads, (t1 - t0) / 1e9, (t2 - t0) / 1e9,
			sun == null ? Double.NaN : (cpu1 - cpu0) / 1e9, mp, times.read.get() / 1e9, times.compute.get() / 1e9, times.encode.get() / 1e9,
			times.write.get() / 1e9, in, out, report.count(BatchNormalizer.Outcome.FAILED));
	}

	private static long sizeOf(Path p) {
		try {
			return Files.size(p);
		}
		catch (IOException e) {
			return 0;
		}
	}

	/** The 1-minute load average, or NaN where the system does not say. */
	public static double loadAverage() {
		double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
		return load < 0 ? Double.NaN : load;
	}

	/** "Linux amd64, 2 cores (Intel Xeon ...), Java 17.0.x": what the numbers were measured on. */
	public static String machine() {
		String cpu = null;
		try {
			Path info = Path.of("/proc/cpuinfo");
			if (Files.isReadable(info))
				try (Stream<String> lines = Files.lines(info)) {
					cpu = lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(null);
				}
		}
		catch (IOException | RuntimeException e) {
			// the CPU model is a nicety
		}
		return String.format(Locale.ROOT, "%s %s, %d cores available%s, Java %s (%s)", System.getProperty("os.name"), System.getProperty("os.arch"),
			Runtime.getRuntime().availableProcessors(), cpu == null ? "" : " (" + cpu + ")", System.getProperty("java.version"),
			System.getProperty("java.vm.name"));
	}
}
