package sc.fiji.stainnorm.normalize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.ImageOutput;
import sc.fiji.stainnorm.core.ParallelItems;
import sc.fiji.stainnorm.core.PathChecks;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.Shard;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * read → normalize → write for many files: the one loop behind the command line, the Fiji folder command and
 * cluster jobs. Outputs keep their input's file name; existing outputs are skipped unless overwriting was
 * asked for (so a killed job resumes); every write is atomic and verified; one bad file does not stop the others.
 * Decoding, normalizing and encoding run on the worker threads, the writes (forced to disk) on writer threads.
 */
public final class BatchNormalizer {

	public enum Outcome { WRITTEN, SKIPPED_EXISTING, FAILED }

	/** Writer threads per worker thread in {@link #run}. */
	static final int WRITERS_PER_WORKER = 4;

	public record FileResult(Path input, Path output, Outcome outcome, List<String> messages) {}

	public record Report(List<FileResult> files) {
		public long count(Outcome o) {
			return files.stream().filter(f -> f.outcome() == o).count();
		}

		public String summary() {
			return count(Outcome.WRITTEN) + " written, " + count(Outcome.SKIPPED_EXISTING) + " skipped (output exists), "
				+ count(Outcome.FAILED) + " failed";
		}

		/** The failed inputs' file names, the first {@code max} of them and how many more: "a.png, b.png and 7 more". */
		public String failedNames(int max) {
			List<String> names = files.stream().filter(f -> f.outcome() == Outcome.FAILED).map(f -> f.input().getFileName().toString()).toList();
			String shown = String.join(", ", names.subList(0, Math.min(max, names.size())));
			return names.size() > max ? shown + " and " + (names.size() - max) + " more" : shown;
		}
	}

	private BatchNormalizer() {}

	/**
	 * The image files named, and the image files directly inside the folders named, sorted by name within each
	 * folder. Hidden files and our own temporary files are left out. An entry with an image file name that is not
	 * a regular file (a dangling symbolic link, a link loop, a named pipe, a device) is kept, so that reading it
	 * fails with its reason, naming it, and it counts as failed instead of vanishing.
	 *
	 * @param pattern a glob on the file name such as {@code *.tif}, or null for every image file
	 */
	public static List<Path> collectInputs(List<Path> inputs, String pattern) {
		if (inputs.isEmpty()) throw new StainNormException("No input images given");
		var matcher = pattern == null || pattern.isBlank() ? null : fileNameMatcher(pattern);
		List<Path> files = new ArrayList<>();
		for (Path in : inputs) {
			if (!Files.exists(in)) {
				String reason = PathChecks.notRegularFileReason(in);
				throw new StainNormException("Input not found: " + in + ("not found".equals(reason) ? "" : " (" + reason + ")"));
			}
			if (Files.isDirectory(in)) {
				if (!Files.isReadable(in)) throw new StainNormException("Cannot read folder " + in + ": permission denied");
				List<Path> inFolder;
				try (Stream<Path> s = Files.list(in)) {
					inFolder = s.filter(p -> !p.getFileName().toString().startsWith("."))
						.filter(ImageFiles::isImageFile)
						.filter(p -> !Files.isDirectory(p))
						.filter(p -> matcher == null || matcher.matches(p.getFileName()))
						.sorted().toList();
				}
				catch (IOException e) {
					throw new StainNormException("Cannot list folder " + in + ": " + e.getMessage());
				}
				if (inFolder.isEmpty())
					throw new StainNormException("No image files" + (matcher == null ? "" : " matching " + pattern) + " in " + in
						+ " (accepted: " + String.join(", ", ImageFiles.EXTENSIONS) + ")");
				files.addAll(inFolder);
			}
			else files.add(in);
		}
		return files;
	}

	private static java.nio.file.PathMatcher fileNameMatcher(String glob) {
		try {
			return java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + glob);
		}
		catch (java.util.regex.PatternSyntaxException e) {
			throw new sc.fiji.stainnorm.core.InvalidSettingException("File pattern '" + glob + "' is not a valid glob (" + e.getDescription()
				+ "); use e.g. *.tif or tile_??.png");
		}
	}

	/**
	 * Where a folder job's threads spent their time, in thread-nanoseconds summed over all files: decoding the
	 * input, normalizing, encoding the output, and the verified write (mostly waiting for {@code fsync}).
	 */
	public static final class StageTimes {
		public final AtomicLong read = new AtomicLong(), compute = new AtomicLong(), encode = new AtomicLong(), write = new AtomicLong();

		public long total() {
			return read.get() + compute.get() + encode.get() + write.get();
		}
	}

	/** Normalizes each input into {@code outputDir}, {@code threads} files at a time. */
	public static Report run(StainNormalizer normalizer, List<Path> inputs, Path outputDir, boolean overwrite, Shard shard,
		int threads, Progress progress)
	{
		return run(normalizer, inputs, outputDir, overwrite, shard, threads, progress, new StageTimes());
	}

	/**
	 * As {@link #run(StainNormalizer, List, Path, boolean, Shard, int, Progress)}, adding each stage's time to
	 * {@code times}. A pipeline: {@code threads} workers decode, normalize and encode; the verified writes (each
	 * one forced to disk, which is waiting, not computing) go to {@value #WRITERS_PER_WORKER} writer threads per
	 * worker, so the workers do not wait for the disk. A worker hands over an encoded output only when a writer is
	 * free, so at most that many encoded outputs are held, and memory stays bounded whatever the number of files.
	 * A file counts as done (progress, messages) once its write is verified.
	 */
	public static Report run(StainNormalizer normalizer, List<Path> inputs, Path outputDir, boolean overwrite, Shard shard,
		int threads, Progress progress, StageTimes times)
	{
		refuseUnsafeInputs(inputs, outputDir);
		List<Path> mine = shard.select(inputs);
		checkWritableFolder(outputDir);
		long total = mine.size();
		AtomicLong done = new AtomicLong();
		int workers = Math.max(1, Math.min(normalizer.workers(threads), mine.size()));
		// fsync is waiting, not computing: several writes in flight overlap their waits (measured: 8 writers for 2
		// workers halved a 500-file job's wall time against 2 writers)
		int writing = WRITERS_PER_WORKER * workers;
		Semaphore waitingWrites = new Semaphore(writing);
		ExecutorService writers = Executors.newFixedThreadPool(writing, r -> {
			Thread t = new Thread(r, "batch-write");
			t.setDaemon(true);
			return t;
		});
		java.util.function.Consumer<FileResult> finished = r -> {
			Path in = r.input();
			for (String m : r.messages())
				if (r.outcome() == Outcome.FAILED) progress.error(in + ": " + m);
				else progress.warn(in.getFileName() + ": " + m);
			progress.update(done.incrementAndGet(), total, in.getFileName() + " " + r.outcome().name().toLowerCase().replace('_', ' '));
		};
		List<FileResult> results = new ArrayList<>();
		java.util.function.Function<Prepared, CompletableFuture<FileResult>> hand = p -> {
			if (p.result() != null) {
				finished.accept(p.result());
				return CompletableFuture.completedFuture(p.result());
			}
			waitingWrites.acquireUninterruptibly();
			return CompletableFuture.supplyAsync(() -> {
				try {
					FileResult r = write(p, times);
					finished.accept(r);
					return r;
				}
				finally {
					waitingWrites.release();
				}
			}, writers);
		};
		// each worker takes the next file until cancelled; files are normalized in groups of the method's groupPixels
		// (one file each for most methods, a TensorFlow call's worth of tiles for STST), so memory stays bounded
		List<CompletableFuture<FileResult>> pending = new ArrayList<>(java.util.Collections.nCopies(mine.size(), null));
		java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
		long budget = normalizer.groupPixels();
		try {
			ParallelItems.map(java.util.Collections.nCopies(workers, budget), workers, "batch-normalize", progress, (w, groupPixels) -> {
				List<Read> group = new ArrayList<>();
				List<Integer> indices = new ArrayList<>();
				Runnable normalizeAndHand = () -> {
					List<Prepared> prepared = normalizeGroup(normalizer, group, times);
					for (int k = 0; k < prepared.size(); k++) pending.set(indices.get(k), hand.apply(prepared.get(k)));
					group.clear();
					indices.clear();
				};
				long pixels = 0;
				for (int i = next.getAndIncrement(); i < mine.size(); i = progress.isCancelled() ? mine.size() : next.getAndIncrement()) {
					Path in = mine.get(i);
					Read r = read(normalizer, in, outputDir.resolve(in.getFileName()), overwrite, times);
					if (r.result() != null) {
						pending.set(i, hand.apply(done(r.result())));
						continue;
					}
					group.add(r);
					indices.add(i);
					pixels += r.image().pixelCount();
					if (pixels < groupPixels) continue;
					normalizeAndHand.run();
					pixels = 0;
				}
				normalizeAndHand.run();
				return null;
			}, "Interrupted", cause -> new StainNormException("Normalization failed: " + cause, cause));
			for (CompletableFuture<FileResult> f : pending)
				if (f != null) results.add(f.get());
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new StainNormException("Interrupted");
		}
		catch (ExecutionException e) {
			throw new StainNormException("Normalization failed: " + e.getCause(), e.getCause());
		}
		finally {
			writers.shutdown();
		}
		List<FileResult> sorted = new ArrayList<>(results);
		sorted.sort((a, b) -> a.input().compareTo(b.input()));
		return new Report(sorted);
	}

	/**
	 * Fails before any work when an output could replace an input (the output folder is, by real path, an
	 * input's folder) or when two inputs have the same file name (their outputs would too: the second would be
	 * skipped as existing, or replace the first). Checked over all inputs, so every shard refuses alike.
	 */
	public static void refuseUnsafeInputs(List<Path> inputs, Path outputDir) {
		PathChecks.refuseOutputInInputFolder(outputDir, inputs, "The output folder");
		PathChecks.refuseClashingNames(inputs, p -> p.getFileName().toString(), "have the same file name, so their outputs would too");
	}

	/** A file read, normalized and encoded, waiting for its write; or, when there is nothing to write, its result. */
	private record Prepared(Path input, Path output, ImageOutput.Encoded encoded, boolean replace, List<String> messages, FileResult result) {}

	/** A file decoded, waiting to be normalized; or, when there is nothing to normalize, its result. */
	private record Read(Path input, Path output, RgbImage image, boolean replace, List<String> messages, FileResult result) {}

	/**
	 * One file up to its normalization. An existing output counts only when it decodes in full; one that does not (a
	 * truncated file from an older version or a failing disk) is normalized again, with a warning naming it.
	 */
	private static Read read(StainNormalizer normalizer, Path in, Path out, boolean overwrite, StageTimes times) {
		List<String> messages = new ArrayList<>();
		boolean replace = overwrite;
		if (Files.isDirectory(out)) return unread(new FileResult(in, out, Outcome.FAILED, List.of("the output " + out + " is a folder")));
		if (!overwrite && Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
			String problem = ImageOutput.whyIncomplete(out);
			if (problem == null) return unread(new FileResult(in, out, Outcome.SKIPPED_EXISTING, List.of()));
			messages.add("the existing output " + out + " " + problem + "; normalizing it again");
			replace = true;
		}
		try {
			long t0 = System.nanoTime();
			RgbImage src = normalizer.acceptsGrayscale() ? ImageFiles.readAcceptingGray(in) : ImageFiles.read(in);
			times.read.addAndGet(System.nanoTime() - t0);
			return new Read(in, out, src, replace, messages, null);
		}
		catch (StainNormException e) {
			return unread(new FileResult(in, out, Outcome.FAILED, List.of(e.getMessage())));
		}
		catch (OutOfMemoryError e) {
			return unread(new FileResult(in, out, Outcome.FAILED, List.of(OUT_OF_MEMORY)));
		}
	}

	private static Read unread(FileResult result) {
		return new Read(result.input(), result.output(), null, false, result.messages(), result);
	}

	/**
	 * Decoded files normalized together ({@link StainNormalizer#normalizeAll}) and encoded, in order. When the group
	 * fails, its files are normalized one by one, so that each failure names its own file and the others are written.
	 */
	private static List<Prepared> normalizeGroup(StainNormalizer normalizer, List<Read> group, StageTimes times) {
		if (group.isEmpty()) return List.of();
		if (group.size() > 1) {
			List<Normalized> all = null;
			long t0 = System.nanoTime();
			try {
				all = normalizer.normalizeAll(group.stream().map(Read::image).toList());
			}
			catch (StainNormException | OutOfMemoryError e) {
				// one by one below
			}
			times.compute.addAndGet(System.nanoTime() - t0);
			if (all != null) {
				List<Prepared> out = new ArrayList<>(group.size());
				for (int k = 0; k < group.size(); k++) out.add(encode(group.get(k), all.get(k), times));
				return out;
			}
		}
		List<Prepared> out = new ArrayList<>(group.size());
		for (Read r : group) {
			Normalized n;
			try {
				long t0 = System.nanoTime();
				n = normalizer.normalize(r.image());
				times.compute.addAndGet(System.nanoTime() - t0);
			}
			catch (StainNormException e) {
				out.add(failed(r, e.getMessage()));
				continue;
			}
			catch (OutOfMemoryError e) {
				out.add(failed(r, OUT_OF_MEMORY));
				continue;
			}
			out.add(encode(r, n, times));
		}
		return out;
	}

	private static final String OUT_OF_MEMORY = "out of memory (give Java more memory or use fewer threads)";

	private static Prepared failed(Read r, String why) {
		return done(new FileResult(r.input(), r.output(), Outcome.FAILED, List.of(why)));
	}

	private static Prepared encode(Read r, Normalized n, StageTimes times) {
		List<String> messages = new ArrayList<>(r.messages());
		messages.addAll(n.warnings());
		try {
			long t0 = System.nanoTime();
			ImageOutput.Encoded encoded = ImageOutput.encode(n.image(), r.output());
			times.encode.addAndGet(System.nanoTime() - t0);
			return new Prepared(r.input(), r.output(), encoded, r.replace(), messages, null);
		}
		catch (StainNormException e) {
			return failed(r, e.getMessage());
		}
		catch (OutOfMemoryError e) {
			return failed(r, OUT_OF_MEMORY);
		}
	}

	private static Prepared done(FileResult result) {
		return new Prepared(result.input(), result.output(), null, false, result.messages(), result);
	}

	/**
	 * The verified write of a prepared file. Without overwriting, an output that another job finished while this
	 * one worked is kept, never replaced.
	 */
	private static FileResult write(Prepared p, StageTimes times) {
		Path in = p.input(), out = p.output();
		long t0 = System.nanoTime();
		try {
			p.encoded().write(p.replace());
			return new FileResult(in, out, Outcome.WRITTEN, p.messages());
		}
		catch (AtomicFile.TargetExistsException e) {
			if (ImageOutput.isComplete(out)) return new FileResult(in, out, Outcome.SKIPPED_EXISTING, List.of("another job wrote " + out + " meanwhile; kept it"));
			return new FileResult(in, out, Outcome.FAILED, List.of(e.getMessage() + ", but it does not decode"));
		}
		catch (StainNormException e) {
			return new FileResult(in, out, Outcome.FAILED, List.of(e.getMessage()));
		}
		finally {
			times.write.addAndGet(System.nanoTime() - t0);
		}
	}

	/** Creates the folder if needed and fails early, before any work, if nothing can be written there. */
	public static void checkWritableFolder(Path dir) {
		String fileInTheWay = PathChecks.fileInTheWay(dir, "Output folder");
		if (fileInTheWay != null) throw new StainNormException(fileInTheWay);
		AtomicFile.createWritableFolder(dir, "output folder");
	}

	/**
	 * Unless overwriting was asked for, fails early if the folder exists and holds anything.
	 *
	 * @param howToOverwrite appended to the message, e.g. {@code " (--overwrite)"}; may be empty
	 */
	public static void refuseNonEmptyFolder(Path dir, boolean overwrite, String howToOverwrite) {
		if (overwrite || !Files.exists(dir)) return;
		if (!Files.isDirectory(dir)) throw new StainNormException("Output " + dir + " is a file, not a folder");
		try (Stream<Path> s = Files.list(dir)) {
			if (s.findAny().isPresent())
				throw new StainNormException("Output folder " + dir + " is not empty; choose another folder or allow overwriting" + howToOverwrite);
		}
		catch (IOException e) {
			throw new StainNormException("Cannot read output folder " + dir + ": " + e.getMessage());
		}
	}
}
