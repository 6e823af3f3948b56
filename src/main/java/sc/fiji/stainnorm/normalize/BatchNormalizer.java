package sc.fiji.stainnorm.normalize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * asked for (so a killed job resumes); every write is atomic; one bad file does not stop the others.
 */
public final class BatchNormalizer {

	public enum Outcome { WRITTEN, SKIPPED_EXISTING, FAILED }

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

	/** Normalizes each input into {@code outputDir}, {@code threads} files at a time. */
	public static Report run(StainNormalizer normalizer, List<Path> inputs, Path outputDir, boolean overwrite, Shard shard,
		int threads, Progress progress)
	{
		refuseUnsafeInputs(inputs, outputDir);
		List<Path> mine = shard.select(inputs);
		checkWritableFolder(outputDir);
		long total = mine.size();
		AtomicLong done = new AtomicLong();
		List<FileResult> results = ParallelItems.map(mine, threads, "batch-normalize", progress, (i, in) -> {
			FileResult r = one(normalizer, in, outputDir.resolve(in.getFileName()), overwrite);
			for (String m : r.messages())
				if (r.outcome() == Outcome.FAILED) progress.error(in + ": " + m);
				else progress.warn(in.getFileName() + ": " + m);
			progress.update(done.incrementAndGet(), total, in.getFileName() + " " + r.outcome().name().toLowerCase().replace('_', ' '));
			return r;
		}, "Interrupted", cause -> new StainNormException("Normalization failed: " + cause, cause));
		List<FileResult> sorted = new ArrayList<>(results.stream().filter(Objects::nonNull).toList());
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

	/**
	 * One file. An existing output counts only when it decodes in full; one that does not (a truncated file
	 * from an older version or a failing disk) is normalized again, with a warning naming it. Without
	 * overwriting, an output that another job finished while this one worked is kept, never replaced.
	 */
	private static FileResult one(StainNormalizer normalizer, Path in, Path out, boolean overwrite) {
		List<String> messages = new ArrayList<>();
		boolean replace = overwrite;
		if (Files.isDirectory(out)) return new FileResult(in, out, Outcome.FAILED, List.of("the output " + out + " is a folder"));
		if (!overwrite && Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
			String problem = ImageOutput.whyIncomplete(out);
			if (problem == null) return new FileResult(in, out, Outcome.SKIPPED_EXISTING, List.of());
			messages.add("the existing output " + out + " " + problem + "; normalizing it again");
			replace = true;
		}
		try {
			RgbImage src = normalizer.acceptsGrayscale() ? ImageFiles.readAcceptingGray(in) : ImageFiles.read(in);
			Normalized n = normalizer.normalize(src);
			messages.addAll(n.warnings());
			ImageFiles.write(n.image(), out, replace);
			return new FileResult(in, out, Outcome.WRITTEN, messages);
		}
		catch (AtomicFile.TargetExistsException e) {
			if (ImageOutput.isComplete(out)) return new FileResult(in, out, Outcome.SKIPPED_EXISTING, List.of("another job wrote " + out + " meanwhile; kept it"));
			return new FileResult(in, out, Outcome.FAILED, List.of(e.getMessage() + ", but it does not decode"));
		}
		catch (StainNormException e) {
			return new FileResult(in, out, Outcome.FAILED, List.of(e.getMessage()));
		}
		catch (OutOfMemoryError e) {
			return new FileResult(in, out, Outcome.FAILED, List.of("out of memory (give Java more memory or use fewer threads)"));
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
