package sc.fiji.stainnorm.stst;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.Test;

import sc.fiji.stainnorm.core.StainNormException;

/**
 * How the engine's jars are found: by name, newest version first, GPU natives preferred at equal version, in
 * the folders an install fills (Fiji.app/lib/stainnorm, lib/&lt;platform&gt;/stainnorm), Fiji's jars/ and plain
 * ImageJ's plugins/jars/ (with platform sub-folders); and what the user reads when they are missing.
 */
public class EngineLoaderTest {

	@Test
	public void findsEveryJarOnTheTestClassPath() {
		Map<String, Path> jars = EngineLoader.findJars();
		assertEquals(7, jars.size());
		assertTrue(jars.get("tensorflow-core-api").toString().contains("tensorflow-core-api-1.1.0"));
		assertTrue(jars.get("tensorflow-core-native natives").getFileName().toString().matches("tensorflow-core-native-1.1.0-linux-x86_64(-gpu)?\\.jar"));
		assertTrue(jars.get("tensorflow-core-native").getFileName().toString().equals("tensorflow-core-native-1.1.0.jar"));
		assertTrue(jars.values().stream().noneMatch(p -> p.toString().contains("libtensorflow")));
	}

	@Test
	public void extraFoldersAreSearchedAndTheNewestVersionWins() throws Exception {
		Path dir = Files.createTempDirectory("stst-jars-");
		Path sub = Files.createDirectories(dir.resolve("linux64"));
		Files.createFile(dir.resolve("tensorflow-core-api-9.0.0.jar"));
		Files.createFile(sub.resolve("tensorflow-core-native-1.1.0-linux-x86_64-gpu.jar"));
		Files.createFile(dir.resolve("javacpp-1.5.9.jar"));
		String old = System.getProperty("stainnorm.tensorflow.jars");
		System.setProperty("stainnorm.tensorflow.jars", dir.toString());
		try {
			Map<String, Path> jars = EngineLoader.findJars();
			assertEquals(dir.resolve("tensorflow-core-api-9.0.0.jar").toAbsolutePath(), jars.get("tensorflow-core-api"));
			assertEquals(sub.resolve("tensorflow-core-native-1.1.0-linux-x86_64-gpu.jar").toAbsolutePath(), jars.get("tensorflow-core-native natives"));
			assertTrue("javacpp 1.5.10 is newer than 1.5.9", jars.get("javacpp").toString().contains("javacpp-1.5.10"));
		}
		finally {
			if (old == null) System.clearProperty("stainnorm.tensorflow.jars");
			else System.setProperty("stainnorm.tensorflow.jars", old);
		}
		assertTrue(EngineLoader.compareVersions("1.10", "1.9") > 0);
		assertEquals(0, EngineLoader.compareVersions("1.1.0", "1.1.0"));
	}

	/** Empty files with the engine's jar names (the search goes by name; nothing is loaded). */
	private static void engineJars(Path folder, Path nativesFolder) throws Exception {
		Files.createDirectories(folder);
		Files.createDirectories(nativesFolder);
		for (String name : new String[] { "tensorflow-core-api-1.1.0.jar", "tensorflow-core-native-1.1.0.jar", "tensorflow-framework-1.1.0.jar",
			"ndarray-1.0.0.jar", "javacpp-1.5.10.jar", "protobuf-java-4.32.0.jar" })
			Files.createFile(folder.resolve(name));
		Files.createFile(nativesFolder.resolve("tensorflow-core-native-1.1.0-" + EngineLoader.PLATFORM + ".jar"));
	}

	private static Path pluginJar(Path app) throws Exception {
		return Files.createFile(Files.createDirectories(app.resolve("plugins")).resolve("Stain_Normalization-0.1.0.jar"));
	}

	@Test
	public void anInstalledFijiIsSearchedInItsPrivateFoldersNotOnItsClassPath() throws Exception {
		assumeTrue("no TensorFlow Java natives for " + System.getProperty("os.name") + "/" + System.getProperty("os.arch"), EngineLoader.PLATFORM != null);
		Path app = Files.createTempDirectory("stst-fiji-").resolve("Fiji.app");
		Path plugin = pluginJar(app);
		Files.createDirectories(app.resolve("jars"));
		// Fiji's own, older protobuf in jars/ must not win over the engine's
		Files.createFile(app.resolve("jars/protobuf-java-3.25.5.jar"));
		engineJars(app.resolve("lib/stainnorm"), app.resolve("lib/linux64/stainnorm"));
		Map<String, Path> jars = EngineLoader.findJars(plugin, false);
		assertEquals(7, jars.size());
		assertEquals(app.resolve("lib/linux64/stainnorm/tensorflow-core-native-1.1.0-" + EngineLoader.PLATFORM + ".jar"), jars.get("tensorflow-core-native natives"));
		assertEquals(app.resolve("lib/stainnorm/protobuf-java-4.32.0.jar"), jars.get("protobuf-java"));
		assertEquals(app, EngineLoader.appFolder(plugin));
	}

	@Test
	public void plainImageJsPluginsJarsAndItsPlatformSubFolderAreSearched() throws Exception {
		assumeTrue("no TensorFlow Java natives for " + System.getProperty("os.name") + "/" + System.getProperty("os.arch"), EngineLoader.PLATFORM != null);
		Path app = Files.createTempDirectory("stst-ij1-").resolve("ImageJ");
		Path plugin = pluginJar(app);
		// the natives three levels below plugins/ (plugins/jars/linux64/), as the old README's layout gave them
		engineJars(app.resolve("plugins/jars"), app.resolve("plugins/jars/linux64"));
		Map<String, Path> jars = EngineLoader.findJars(plugin, false);
		assertEquals(7, jars.size());
		assertEquals(app.resolve("plugins/jars/linux64/tensorflow-core-native-1.1.0-" + EngineLoader.PLATFORM + ".jar"), jars.get("tensorflow-core-native natives"));
	}

	@Test
	public void missingJarsAreNamedWithWhereTheyWereLookedForAndWhatToDo() throws Exception {
		assumeTrue("no TensorFlow Java natives for " + System.getProperty("os.name") + "/" + System.getProperty("os.arch"), EngineLoader.PLATFORM != null);
		Path app = Files.createTempDirectory("stst-ij1-").resolve("ImageJ");
		Path plugin = pluginJar(app);
		engineJars(app.resolve("plugins/jars"), app.resolve("plugins/jars"));
		Files.delete(app.resolve("plugins/jars/tensorflow-core-native-1.1.0-" + EngineLoader.PLATFORM + ".jar"));
		// natives of another platform do not count
		Files.createFile(app.resolve("plugins/jars/tensorflow-core-native-1.1.0-windows-x86_64.jar"));
		StainNormException e = assertThrows(StainNormException.class, () -> EngineLoader.findJars(plugin, false));
		String m = e.getMessage();
		assertTrue(m, m.contains("missing tensorflow-core-native-*-" + EngineLoader.PLATFORM + ".jar (the TensorFlow natives for this computer);"));
		assertTrue("only the natives are missing: " + m, !m.contains("protobuf-java-*") && !m.contains("javacpp-*"));
		for (String folder : new String[] { "lib/stainnorm", "jars", "plugins" })
			assertTrue(folder + ": " + m, m.contains(app.resolve(folder).toString()));
		assertTrue(m, m.contains("-Dscijava.app.directory=" + app + " install"));
		assertTrue(m, m.contains(app.resolve("lib/" + EngineLoader.fijiPlatform(EngineLoader.PLATFORM) + "/stainnorm").toString()));
		assertTrue(m, m.contains("Reinhard, Macenko, Khan and Vahadane do not need TensorFlow"));
	}

	@Test
	public void platformsAreTensorFlowJavasClassifiers() {
		assertEquals("linux-x86_64", EngineLoader.platform("Linux", "amd64"));
		assertEquals("macosx-arm64", EngineLoader.platform("Mac OS X", "aarch64"));
		assertEquals("windows-x86_64", EngineLoader.platform("Windows 11", "amd64"));
		assertNull(EngineLoader.platform("SunOS", "sparcv9"));
		assertEquals("linux64", EngineLoader.fijiPlatform("linux-x86_64"));
		assertNull(EngineLoader.appFolder(Path.of("/tmp/somewhere/else/deeper/x.jar")));
	}
}
