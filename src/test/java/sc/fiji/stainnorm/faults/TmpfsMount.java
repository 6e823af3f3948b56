package sc.fiji.stainnorm.faults;

import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, small tmpfs mounted under {@code target/faults/} for fault injection: a full disk (size=3m) or a
 * read-only file system ({@code remount,ro}). Needs root and {@code mount}; otherwise the test is skipped with a
 * message saying why (JUnit's assumption). Unmounted by {@link #close()}.
 */
final class TmpfsMount implements AutoCloseable {
	private final Path dir;

	private TmpfsMount(Path dir) {
		this.dir = dir;
	}

	/** Mounts a tmpfs of the given size (e.g. "3m") at a new folder under target/faults/. */
	static TmpfsMount mount(String name, String size) throws IOException {
		assumeTrue("fault injection needs root to mount a tmpfs (running as uid " + uid() + "): skipped", uid().equals("0"));
		Path dir = Files.createDirectories(Path.of("target", "faults")).toAbsolutePath()
			.resolve(name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
		Files.createDirectories(dir);
		String failure = sh("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", dir.toString());
		if (failure != null) Files.deleteIfExists(dir);
		assumeTrue("cannot mount a tmpfs here (" + failure + "): skipped", failure == null);
		return new TmpfsMount(dir);
	}

	/** Mounts an empty tmpfs and makes it read-only. */
	static TmpfsMount readOnly(String name) throws IOException {
		TmpfsMount m = mount(name, "1m");
		m.remount("ro");
		return m;
	}

	Path dir() {
		return dir;
	}

	/** {@code mount -o remount,OPTIONS}, e.g. "size=20m" to free space, "ro" to make it read-only. */
	void remount(String options) {
		String failure = sh("mount", "-o", "remount," + options, dir.toString());
		if (failure != null) throw new IllegalStateException("mount -o remount," + options + " " + dir + " failed: " + failure);
	}

	@Override
	public void close() throws IOException {
		String failure = sh("umount", dir.toString());
		if (failure != null) failure = sh("umount", "-l", dir.toString());
		if (failure != null) throw new IOException("cannot unmount " + dir + ": " + failure);
		Files.deleteIfExists(dir);
	}

	private static String uid() {
		String out = run("id", "-u");
		return out == null ? "?" : out.strip();
	}

	/** Runs a command; null when it exited 0, otherwise its output and exit code. */
	private static String sh(String... command) {
		List<String> c = new ArrayList<>(List.of(command));
		try {
			Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
			String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			if (!p.waitFor(30, TimeUnit.SECONDS)) {
				p.destroyForcibly();
				return "timed out";
			}
			return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
		}
		catch (IOException e) {
			return e.getMessage();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	private static String run(String... command) {
		try {
			Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
			String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			return p.waitFor() == 0 ? out : null;
		}
		catch (IOException e) {
			return null;
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return null;
		}
	}
}
