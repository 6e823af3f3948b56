package sc.fiji.stainnorm.core;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that nobody ever sees half of it: the content goes to a hidden temporary file in the same
 * folder ({@code .NAME.part.EXT}, keeping the ending so that format-sniffing writers still work), which is
 * then renamed over the target. A killed job leaves at most a hidden {@code .part} file, never a truncated
 * image or table under the real name.
 */
public final class AtomicFile {

	/** Writes the content to the given temporary path. */
	@FunctionalInterface
	public interface Content {
		void writeTo(Path temporary) throws IOException;
	}

	private AtomicFile() {}

	public static void write(Path path, Content content) {
		Path dir = path.toAbsolutePath().getParent();
		try {
			Files.createDirectories(dir);
		}
		catch (IOException e) {
			throw new StainNormException("Cannot create folder " + dir + ": " + e.getMessage());
		}
		if (!Files.isWritable(dir)) throw new StainNormException("Cannot write to folder " + dir + ": permission denied");
		String name = path.getFileName().toString();
		int dot = name.lastIndexOf('.');
		Path tmp = dir.resolve("." + name + ".part" + (dot > 0 ? name.substring(dot) : ""));
		try {
			content.writeTo(tmp);
			if (!Files.exists(tmp)) throw new IOException("nothing was written");
			try {
				Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException e) {
				Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException | RuntimeException e) {
			try {
				Files.deleteIfExists(tmp);
			}
			catch (IOException ignored) {
				// the write error matters more
			}
			if (e instanceof StainNormException sne) throw sne;
			throw new StainNormException("Cannot write " + path + ": " + e.getMessage(), e);
		}
	}

	/** Writes UTF-8 text atomically. */
	public static void writeString(Path path, CharSequence text) {
		write(path, tmp -> Files.writeString(tmp, text));
	}
}
