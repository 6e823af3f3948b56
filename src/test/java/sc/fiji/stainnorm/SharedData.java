package sc.fiji.stainnorm;

import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The third-party H&amp;E images in {@code ../shared/data/he} (read-only, never copied into the repository).
 * A fresh clone has no such folder: tests that need it are then skipped with a message naming it.
 */
public final class SharedData {
	public static final Path HE = Path.of("..", "shared", "data", "he").toAbsolutePath().normalize();

	private SharedData() {}

	/** A file below {@code ../shared/data/he}; skips the calling test when it is missing. */
	public static Path he(String relative) {
		assumeTrue("skipped: " + HE + " not found (third-party test images live in ../shared/data/he)", Files.isDirectory(HE));
		Path p = HE.resolve(relative);
		assumeTrue("skipped: " + p + " not found", Files.exists(p));
		return p;
	}
}
