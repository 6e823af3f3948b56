package sc.fiji.stainnorm.stst;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.Test;

/** How the engine's jars are found: by name, newest version first, GPU natives preferred at equal version. */
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
}
