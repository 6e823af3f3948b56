package sc.fiji.stainnorm.fiji;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Plain ImageJ 1.x with a real window, on an Xvfb display of its own: {@link ImageJ1GuiSession} opens the menu,
 * records every command with the Macro Recorder and replays each recorded line, watches the progress bar and the
 * Log window during a folder run, and photographs every dialog into {@code target/imagej1-gui/}. ImageJ finds our
 * menu entries the way an installation does: a jar with {@code plugins.config} in its {@code plugins/} folder.
 * Skipped, saying so, where there is no Xvfb (Debian package {@code xvfb}) or the JDK lacks its X11 toolkit (a
 * "-headless" JDK; Debian package {@code openjdk-17-jre}).
 */
public class ImageJ1GuiTest {
	static final Path SHOTS = Path.of("target", "imagej1-gui");

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void everyCommandFromTheMenuRecordsAndReplaysWithProgressAndLog() throws Exception {
		String xvfb = onPath("Xvfb");
		assumeTrue("skipped: no Xvfb on the PATH (Debian package xvfb), so no display for a real ImageJ window", xvfb != null);
		Path toolkit = Path.of(System.getProperty("java.home"), "lib", "libawt_xawt.so");
		assumeTrue("skipped: this JDK has no X11 toolkit (" + toolkit + "; Debian package openjdk-17-jre), so no ImageJ window", Files.exists(toolkit));
		int display = freeDisplay();
		Process server = new ProcessBuilder(xvfb, ":" + display, "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
			.redirectErrorStream(true).redirectOutput(tmp.newFile("xvfb.log")).start();
		try {
			Path socket = Path.of("/tmp/.X11-unix/X" + display);
			for (int i = 0; i < 100 && !Files.exists(socket); i++)
				Thread.sleep(100);
			assertTrue("Xvfb :" + display + " did not start: " + Files.readString(tmp.getRoot().toPath().resolve("xvfb.log")), Files.exists(socket));

			Path home = tmp.newFolder("ImageJ").toPath();
			Path plugins = Files.createDirectories(home.resolve("plugins"));
			// the menu comes from the plugins.config of a jar in plugins/, as after an installation; the classes from the class path
			try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(plugins.resolve("Stain_Normalization-gui-test.jar")))) {
				jar.putNextEntry(new JarEntry("plugins.config"));
				jar.write(Files.readAllBytes(Path.of("plugins.config")));
				jar.closeEntry();
			}
			deleteTree(SHOTS);
			Files.createDirectories(SHOTS);
			Path java = Path.of(System.getProperty("java.home"), "bin", "java");
			String only = System.getProperty("stainnorm.gui.only", "");
			ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx2g", "-Djava.awt.headless=false", "-Dplugins.dir=" + home,
				"-Dstainnorm.gui.only=" + only,
				"-cp", System.getProperty("java.class.path"), ImageJ1GuiSession.class.getName(), tmp.newFolder("work").toString(),
				SHOTS.toAbsolutePath().toString()).redirectErrorStream(true);
			pb.environment().put("DISPLAY", ":" + display);
			Path log = SHOTS.resolve("session.log");
			pb.redirectOutput(log.toFile());
			long t0 = System.nanoTime();
			Process session = pb.start();
			boolean finished = session.waitFor(5, TimeUnit.MINUTES);
			if (!finished) session.destroyForcibly().waitFor();
			String output = Files.readString(log, StandardCharsets.UTF_8);
			System.out.println("ImageJ 1.x GUI session (" + Math.round((System.nanoTime() - t0) / 1e9) + " s, screenshots in " + SHOTS + "):\n"
				+ output.lines().filter(l -> l.startsWith("recorded") || l.startsWith("replayed") || l.startsWith("progress") || l.startsWith("PROBLEM")
					|| l.startsWith("GUI")).reduce("", (a, b) -> a + "  " + b + "\n"));
			assertTrue("the session did not end within 5 minutes:\n" + output, finished);
			assertEquals(output, 0, session.exitValue());
			assertTrue(output, output.contains("GUI SESSION OK"));
			try (var shots = Files.list(SHOTS)) {
				List<String> names = shots.map(p -> p.getFileName().toString()).toList();
				for (String label : FijiCommandsTest.MENU)
					assertTrue("a screenshot of the dialog of " + label + " in " + names,
						names.stream().anyMatch(n -> n.contains(label.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("-$", ""))));
			}
		}
		finally {
			server.destroy();
			if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly();
		}
	}

	private static String onPath(String name) {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			File f = new File(dir, name);
			if (f.canExecute()) return f.getPath();
		}
		return null;
	}

	private static int freeDisplay() {
		for (int n = 91; n < 200; n++)
			if (!Files.exists(Path.of("/tmp/.X11-unix/X" + n)) && !Files.exists(Path.of("/tmp/.X" + n + "-lock"))) return n;
		throw new AssertionError("no free X display number in 91..199");
	}

	static void deleteTree(Path dir) throws IOException {
		if (!Files.exists(dir)) return;
		try (var s = Files.walk(dir)) {
			for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList())
				Files.delete(p);
		}
	}
}
