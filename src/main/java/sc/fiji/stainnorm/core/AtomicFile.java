package sc.fiji.stainnorm.core;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that nobody ever sees half of it. The content goes to a hidden temporary file in the same
 * folder, {@code .NAME.<pid>-<random>.part.EXT} (unique per writer, so two jobs writing into one folder never
 * share one; the ending is kept so that format-sniffing writers still work). Every write is checked: the bytes
 * are written through a channel that throws on failure ("No space left on device"), forced to the disk
 * ({@code fsync}), the size on disk is compared with what was written, and the caller's check (an image header
 * decoding to the right dimensions) runs on the temporary file. Only then is it renamed to its real name.
 * A failure leaves no temporary file and the real name as it was (absent, or the earlier complete file), and
 * its message names the real file and the operating system's reason. A killed job leaves at most a hidden {@code .part} file.
 *
 * <p>Replacing ({@code replace = true}) is one atomic {@code rename}. Not replacing publishes the file with a
 * hard link, which fails atomically when the name exists, so a file that another writer finished meanwhile is
 * never replaced ({@link TargetExistsException}). Only where the file system has no hard links is this a check
 * right before the rename, and a writer finishing in between those two steps would be replaced by an equally
 * complete file.
 */
public final class AtomicFile {

	/** Writes the content to the given temporary path (for writers that want a file name). */
	@FunctionalInterface
	public interface Content {
		void writeTo(Path temporary) throws IOException;
	}

	/** Writes the content into a stream that {@link AtomicFile} owns (closing it only flushes). */
	@FunctionalInterface
	public interface StreamContent {
		void writeTo(OutputStream out) throws IOException;
	}

	/** Checks the finished temporary file before it gets its real name; throws if it is not what was meant. */
	@FunctionalInterface
	public interface Check {
		void verify(Path temporary) throws IOException;
	}

	/** Not replacing was asked for, and the real name exists (another writer may have finished it meanwhile). */
	public static final class TargetExistsException extends StainNormException {
		private static final long serialVersionUID = 1L;

		TargetExistsException(Path path) {
			super(path + " exists (written meanwhile by another writer?); it was kept");
		}
	}

	private static final String PID = Long.toString(ProcessHandle.current().pid());

	private AtomicFile() {}

	/** Writes through a file name, replacing an existing file; the result is forced to disk before the rename. */
	public static void write(Path path, Content content) {
		Path tmp = prepare(path);
		try {
			content.writeTo(tmp);
			if (!Files.isRegularFile(tmp)) throw new IOException("nothing was written");
			try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
				ch.force(true);
			}
			publish(tmp, path, true);
		}
		catch (IOException | RuntimeException e) {
			throw failed(path, tmp, e);
		}
	}

	/**
	 * Writes the bytes, forces them to disk, checks the size and runs {@code check} (may be null), then gives
	 * the file its real name.
	 *
	 * @param replace replace an existing file; if false and the name exists, {@link TargetExistsException}
	 */
	public static void writeBytes(Path path, byte[] bytes, boolean replace, Check check) {
		Path tmp = prepare(path);
		try {
			try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
				ByteBuffer buf = ByteBuffer.wrap(bytes);
				while (buf.hasRemaining())
					ch.write(buf);
				ch.force(true);
			}
			long size = Files.size(tmp);
			if (size != bytes.length) throw new IOException("only " + size + " of " + bytes.length + " bytes reached the disk");
			if (check != null) check.verify(tmp);
			publish(tmp, path, replace);
		}
		catch (IOException | RuntimeException e) {
			throw failed(path, tmp, e);
		}
	}

	/**
	 * Writes what {@code content} writes into the stream (a zip, a model) through a channel that throws on
	 * failure, forces it to disk, checks that the size on disk is what was written, then renames it over
	 * {@code path}.
	 */
	public static void writeStream(Path path, StreamContent content) {
		Path tmp = prepare(path);
		try {
			long written;
			try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
				CountingStream out = new CountingStream(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16));
				content.writeTo(out);
				out.flush();
				written = out.count;
				ch.force(true);
			}
			long size = Files.size(tmp);
			if (size != written) throw new IOException("only " + size + " of " + written + " bytes reached the disk");
			publish(tmp, path, true);
		}
		catch (IOException | RuntimeException e) {
			throw failed(path, tmp, e);
		}
	}

	/** Counts the bytes; {@code close} only flushes, so that the channel stays open for {@code force}. */
	private static final class CountingStream extends FilterOutputStream {
		long count;

		CountingStream(OutputStream out) {
			super(out);
		}

		@Override
		public void write(int b) throws IOException {
			out.write(b);
			count++;
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			out.write(b, off, len);
			count += len;
		}

		@Override
		public void close() throws IOException {
			flush();
		}
	}

	/** Writes UTF-8 text atomically, replacing an existing file. */
	public static void writeString(Path path, CharSequence text) {
		writeBytes(path, text.toString().getBytes(StandardCharsets.UTF_8), true, null);
	}

	/**
	 * Creates the folder if needed and fails early, before any work, if nothing can be written there, saying
	 * why: a file in the way, a read-only file system, or missing permission.
	 *
	 * @param what how to call the folder in the message, e.g. "output folder"
	 */
	public static void createWritableFolder(Path dir, String what) {
		if (Files.exists(dir) && !Files.isDirectory(dir))
			throw new StainNormException(Character.toUpperCase(what.charAt(0)) + what.substring(1) + " " + dir + " is a file, not a folder");
		try {
			Files.createDirectories(dir);
		}
		catch (IOException e) {
			throw new StainNormException("Cannot create " + what + " " + dir + ": " + reason(e));
		}
		if (!Files.isWritable(dir))
			throw new StainNormException("Cannot write to " + what + " " + dir + ": " + (isReadOnly(dir) ? "read-only file system" : "permission denied"));
	}

	/**
	 * Fails early, before any work and without creating anything, if the folder could not be created or written
	 * to: the folder, or the nearest folder above it that exists, must be a writable folder.
	 */
	public static void requireWritableFolder(Path dir, String what) {
		Path existing = dir.toAbsolutePath();
		while (existing != null && !Files.exists(existing))
			existing = existing.getParent();
		if (existing == null) return; // nothing exists, not even the root: let the write say why
		if (!Files.isDirectory(existing))
			throw new StainNormException((existing.equals(dir.toAbsolutePath()) ? Character.toUpperCase(what.charAt(0)) + what.substring(1) + " " + dir
				: "Cannot create " + what + " " + dir + ": " + existing) + " is a file, not a folder");
		if (!Files.isWritable(existing))
			throw new StainNormException((existing.equals(dir.toAbsolutePath()) ? "Cannot write to " : "Cannot create ") + what + " " + dir + ": "
				+ (isReadOnly(existing) ? "read-only file system" : "permission denied"));
	}

	/** The temporary name for {@code path}, unique to this process and call. */
	static Path temporaryFor(Path path) {
		Path dir = path.toAbsolutePath().getParent();
		String name = path.getFileName().toString();
		int dot = name.lastIndexOf('.');
		String random = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
		return dir.resolve("." + name + "." + PID + "-" + random + ".part" + (dot > 0 ? name.substring(dot) : ""));
	}

	private static Path prepare(Path path) {
		createWritableFolder(path.toAbsolutePath().getParent(), "folder");
		return temporaryFor(path);
	}

	/**
	 * Gives a finished temporary file (written, forced and checked by the caller, in the same folder) its real name,
	 * as the writers here do: one atomic rename when replacing, otherwise a hard link that fails when the name exists
	 * ({@link TargetExistsException}); then syncs the folder. For writers that manage their own temporary file
	 * (the resumable slide writer).
	 */
	public static void publish(Path tmp, Path path, boolean replace) throws IOException {
		if (replace) {
			try {
				Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException e) {
				Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		else {
			boolean linked;
			try {
				Files.createLink(path, tmp);
				linked = true;
			}
			catch (FileAlreadyExistsException e) {
				throw new TargetExistsException(path);
			}
			catch (UnsupportedOperationException | IOException e) {
				linked = false; // no hard links here: check, then rename (the race the class comment describes)
			}
			if (linked) {
				try {
					Files.delete(tmp);
				}
				catch (IOException e) {
					// the file is published under its name; a stray hidden .part is the lesser evil than calling it failed
				}
			}
			else {
				if (Files.exists(path)) throw new TargetExistsException(path);
				Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
			}
		}
		syncFolder(path.toAbsolutePath().getParent());
	}

	/** Makes the rename itself durable; file systems that cannot sync a folder are left as they are. */
	private static void syncFolder(Path dir) {
		try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
			ch.force(true);
		}
		catch (IOException | RuntimeException e) {
			// not every file system can; the file itself was forced already
		}
	}

	private static StainNormException failed(Path path, Path tmp, Exception e) {
		try {
			Files.deleteIfExists(tmp);
		}
		catch (IOException ignored) {
			// the write error matters more
		}
		if (e instanceof StainNormException sne) return sne;
		return new StainNormException("Cannot write " + path + ": " + (e instanceof IOException io ? reason(io) : e.toString()), e);
	}

	/** The operating system's reason ("No space left on device") without the temporary file's name. */
	public static String reason(IOException e) {
		if (e instanceof FileAlreadyExistsException f) return f.getFile() + " exists and is not a folder";
		if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
		if (e instanceof java.nio.file.NoSuchFileException) return "no such file or folder";
		if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
		return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
	}

	private static boolean isReadOnly(Path dir) {
		try {
			return Files.getFileStore(dir).isReadOnly();
		}
		catch (IOException e) {
			return false;
		}
	}
}
