package sc.fiji.stainnorm.core;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks on where files are read from and written to, by real path: a symbolic link, a bind mount seen
 * through another name or {@code a/../a} must not get an output past the "never into an input's folder"
 * rule, and only regular files are opened (a named pipe would block the reader forever).
 */
public final class PathChecks {
	private PathChecks() {}

	/**
	 * The real path of {@code p}, also when it does not exist yet: the real path of its nearest existing
	 * ancestor with the missing rest appended, so that an output folder to be created under a symbolic
	 * link compares equal to the folder the link points to.
	 */
	public static Path realPath(Path p) {
		Path abs = p.toAbsolutePath().normalize();
		Path existing = abs;
		while (existing != null && !Files.exists(existing))
			existing = existing.getParent();
		if (existing == null) return abs;
		try {
			Path real = existing.toRealPath();
			return existing.equals(abs) ? real : real.resolve(existing.relativize(abs)).normalize();
		}
		catch (IOException e) {
			return abs;
		}
	}

	/** Whether two paths name the same file or folder (by real path; neither needs to exist). */
	public static boolean sameLocation(Path a, Path b) {
		return realPath(a).equals(realPath(b));
	}

	/**
	 * Refuses an output folder that is, by real path, the folder of one of {@code inputs} (image files), so
	 * that no input can be replaced by an output of the same name.
	 *
	 * @param what how the user named the output, e.g. {@code "The output folder"} or {@code "output_folder"}
	 */
	public static void refuseOutputInInputFolder(Path outputDir, Collection<Path> inputs, String what) {
		Path out = realPath(outputDir);
		java.util.Set<Path> checked = new java.util.HashSet<>(); // thousands of inputs share a few folders
		for (Path in : inputs) {
			Path folder = in.toAbsolutePath().normalize().getParent();
			if (folder != null && checked.add(folder) && realPath(folder).equals(out))
				throw new StainNormException(what + " " + outputDir + " is the folder of the input " + in.getFileName()
					+ (realPath(folder).equals(folder) && outputDir.toAbsolutePath().normalize().equals(folder) ? "" : " (" + out + ")")
					+ "; choose another output folder so that no input is overwritten");
		}
	}

	/** Refuses an output file that is, by real path, one of the {@code inputs}. */
	public static void refuseOutputIsInput(Path outputFile, Collection<Path> inputs, String what) {
		Path out = realPath(outputFile);
		for (Path in : inputs)
			if (realPath(in).equals(out))
				throw new StainNormException(what + " " + outputFile + " is the input " + in + "; choose another file so that no input is overwritten");
	}

	/**
	 * Refuses inputs whose file names clash, since their outputs would have the same name: the second would
	 * be skipped as existing, or replace the first. Names are compared after {@code key}, e.g. the file
	 * name, or the name without its ending where outputs drop it.
	 */
	public static void refuseClashingNames(List<Path> inputs, java.util.function.Function<Path, String> key, String why) {
		Map<String, Path> seen = new LinkedHashMap<>();
		for (Path in : inputs) {
			Path before = seen.putIfAbsent(key.apply(in), in);
			if (before != null)
				throw new StainNormException(before.equals(in) ? "The input " + in + " is given twice; name each input once"
					: "The inputs " + before + " and " + in + " " + why + "; rename one of them or process the folders separately");
		}
	}

	/**
	 * Why {@code p} cannot be opened as a file, or null when it is a regular file (after symbolic links): a
	 * dangling link, a link loop, a folder, a named pipe, a socket, a device.
	 */
	public static String notRegularFileReason(Path p) {
		BasicFileAttributes attrs;
		try {
			attrs = Files.readAttributes(p, BasicFileAttributes.class);
		}
		catch (NoSuchFileException e) {
			return Files.isSymbolicLink(p) ? "a dangling symbolic link (its target " + linkTarget(p) + " does not exist)" : "not found";
		}
		catch (FileSystemException e) {
			if (Files.isSymbolicLink(p) && e.getReason() != null && e.getReason().toLowerCase(java.util.Locale.ROOT).contains("symbolic links"))
				return "a symbolic link loop";
			return "unreadable (" + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason()) + ")";
		}
		catch (IOException e) {
			return "unreadable (" + e.getMessage() + ")";
		}
		if (attrs.isRegularFile()) return null;
		if (attrs.isDirectory()) return "a folder";
		return special(p);
	}

	/** Throws, naming the file, unless {@code p} is a regular file that this process may read. */
	public static void requireReadableRegularFile(Path p) {
		String reason = notRegularFileReason(p);
		if ("not found".equals(reason)) throw new StainNormException("File not found: " + p);
		if ("a folder".equals(reason)) throw new StainNormException("Expected an image file but found a folder: " + p);
		if (reason != null) throw new StainNormException(p + " is " + reason + ", not a regular file; accepted: image files");
		if (!Files.isReadable(p)) throw new StainNormException("Cannot read " + p + ": permission denied");
	}

	private static String special(Path p) {
		try {
			int mode = (Integer) Files.getAttribute(p, "unix:mode");
			switch (mode & 0170000) {
				case 0010000: return "a named pipe (FIFO)";
				case 0140000: return "a socket";
				case 0020000: return "a character device";
				case 0060000: return "a block device";
				default: break;
			}
		}
		catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
			// no unix view: fall through to the generic name
		}
		return "a special file (pipe, socket or device)";
	}

	private static String linkTarget(Path link) {
		try {
			return Files.readSymbolicLink(link).toString();
		}
		catch (IOException e) {
			return "?";
		}
	}

	/**
	 * Why a folder cannot be created at {@code dir} because a file is in the way ({@code dir} itself or one of
	 * its ancestors), as a message naming both; null when nothing is. Said before
	 * {@link Files#createDirectories} fails with an exception that names only the path.
	 */
	public static String fileInTheWay(Path dir, String what) {
		Path abs = dir.toAbsolutePath().normalize();
		for (Path p = abs; p != null; p = p.getParent())
			if (Files.exists(p)) return Files.isDirectory(p) ? null
				: p.equals(abs) ? what + " " + dir + " is a file, not a folder"
				: "Cannot create " + what.toLowerCase(java.util.Locale.ROOT) + " " + dir + ": " + p + " is a file, not a folder";
		return null;
	}

	/**
	 * Creates {@code dir} if needed and proves that a file can be made there (a probe file, deleted at once),
	 * so that a read-only mount, a missing permission or a file in the way is found before hours of work,
	 * not when the first result is written.
	 *
	 * @param what how the user named it, e.g. {@code "The model folder"}
	 */
	public static void requireWritableFolder(Path dir, String what) {
		String inTheWay = fileInTheWay(dir, what);
		if (inTheWay != null) throw new StainNormException(inTheWay);
		try {
			Files.createDirectories(dir);
		}
		catch (IOException e) {
			throw new StainNormException("Cannot create " + what.toLowerCase(java.util.Locale.ROOT) + " " + dir + ": " + reason(e));
		}
		try {
			Files.delete(Files.createTempFile(dir, ".stainnorm-probe", ".tmp"));
		}
		catch (IOException e) {
			throw new StainNormException("Cannot write to " + what.toLowerCase(java.util.Locale.ROOT) + " " + dir + ": " + reason(e));
		}
	}

	/** The operating system's reason, without the path that the message names already. */
	static String reason(IOException e) {
		if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
		if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
		return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
	}
}
