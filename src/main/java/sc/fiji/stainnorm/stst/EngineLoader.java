package sc.fiji.stainnorm.stst;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import sc.fiji.stainnorm.core.StainNormException;

/**
 * Loads the TensorFlow engine in a child-first class loader of its own, so TensorFlow Java 1.x works even
 * when Fiji has the TensorFlow 1.x jars ({@code org.tensorflow:libtensorflow}, same package names) on its
 * class path. Only {@code org.tensorflow.*}, {@code org.bytedeco.*} (JavaCPP), {@code com.google.protobuf.*}
 * and this project's {@code sc.fiji.stainnorm.stst.engine} package come from the isolated jars; everything
 * else (our images, {@link StstEngine}, {@link NamedTensors}) is shared with the caller.
 * <p>
 * The jars are found by file name ({@code tensorflow-core-api-*.jar}, {@code tensorflow-core-native-*.jar}
 * including the platform classifier, {@code tensorflow-framework-*.jar}, {@code ndarray-*.jar},
 * {@code javacpp-*.jar}, {@code protobuf-java-*.jar}; the newest version of each wins) among: the folders
 * listed in the system property {@code stainnorm.tensorflow.jars}; every jar the caller's class loader can
 * see (including a Maven/surefire manifest class path); the folder holding this project's jar, its
 * {@code ../jars} and their sub-folders (Fiji's {@code jars/} and {@code jars/linux64/}); and
 * {@code ${imagej.dir}/jars}. Natives can be loaded only once per JVM, so there is one engine per JVM.
 */
public final class EngineLoader {
	static final String ENGINE_CLASS = "sc.fiji.stainnorm.stst.engine.TfEngine";
	private static final String[] ISOLATED_PACKAGES = { "org.tensorflow.", "org.bytedeco.", "com.google.protobuf.",
		"sc.fiji.stainnorm.stst.engine." };
	private static final Map<String, Pattern> JARS = new LinkedHashMap<>();
	static {
		JARS.put("tensorflow-core-api", Pattern.compile("tensorflow-core-api-(\\d[\\w.\\-]*)\\.jar"));
		JARS.put("tensorflow-core-native", Pattern.compile("tensorflow-core-native-(\\d[\\w.]*?)(-SNAPSHOT)?\\.jar"));
		JARS.put("tensorflow-core-native natives", Pattern.compile("tensorflow-core-native-(\\d[\\w.]*?)-(linux|macosx|windows)-[\\w\\-]+\\.jar"));
		JARS.put("tensorflow-framework", Pattern.compile("tensorflow-framework-(\\d[\\w.\\-]*)\\.jar"));
		JARS.put("ndarray", Pattern.compile("(?:tensorflow-java-)?ndarray-(\\d[\\w.\\-]*)\\.jar"));
		JARS.put("javacpp", Pattern.compile("javacpp-(\\d[\\d.]*)\\.jar"));
		JARS.put("protobuf-java", Pattern.compile("protobuf-java-(\\d[\\w.\\-]*)\\.jar"));
	}

	private static StstEngine engine;
	private static String jarsUsed = "";

	private EngineLoader() {}

	/** The engine, loaded on first use. */
	public static synchronized StstEngine engine() {
		if (engine == null) {
			List<URL> urls = new ArrayList<>();
			urls.add(ownLocation());
			Map<String, Path> jars = findJars();
			for (Path p : jars.values()) urls.add(toUrl(p));
			jarsUsed = jars.values().stream().map(p -> p.getFileName().toString()).reduce((a, b) -> a + ", " + b).orElse("");
			ClassLoader loader = new IsolatingClassLoader(urls.toArray(new URL[0]), EngineLoader.class.getClassLoader());
			try {
				engine = (StstEngine) Class.forName(ENGINE_CLASS, true, loader).getConstructor().newInstance();
			}
			catch (ReflectiveOperationException | LinkageError e) {
				throw new StainNormException("Could not start TensorFlow for STST (" + e + "); jars used: " + jarsUsed);
			}
		}
		return engine;
	}

	/** The file names of the TensorFlow jars the engine was loaded from (empty before the first load). */
	public static synchronized String jarsUsed() {
		return jarsUsed;
	}

	/** Finds the engine's jars, or says which are missing and where it looked. */
	static Map<String, Path> findJars() {
		Set<Path> candidates = new LinkedHashSet<>();
		String extra = System.getProperty("stainnorm.tensorflow.jars");
		if (extra != null)
			for (String dir : extra.split(File.pathSeparator)) if (!dir.isBlank()) addFolder(candidates, Path.of(dir), 2);
		addClassPath(candidates);
		Path own = pathOf(ownLocation());
		if (own != null && Files.isRegularFile(own)) {
			Path folder = own.getParent();
			addFolder(candidates, folder, 2);
			if (folder.getParent() != null) addFolder(candidates, folder.getParent().resolve("jars"), 2);
		}
		for (String prop : new String[] { "imagej.dir", "ij.dir" }) {
			String dir = System.getProperty(prop);
			if (dir != null) addFolder(candidates, Path.of(dir, "jars"), 2);
		}
		Map<String, Path> found = new LinkedHashMap<>();
		Map<String, String> versions = new LinkedHashMap<>();
		for (Path p : candidates) {
			String file = p.getFileName().toString();
			for (var e : JARS.entrySet()) {
				Matcher m = e.getValue().matcher(file);
				if (!m.matches()) continue;
				if (e.getKey().equals("tensorflow-core-native") && file.matches(".*-(linux|macosx|windows)-.*")) continue;
				String v = m.group(1);
				int c = found.containsKey(e.getKey()) ? compareVersions(v, versions.get(e.getKey())) : 1;
				// the GPU natives (Maven profile "gpu") fall back to the CPU when no driver is present
				if (c == 0 && file.contains("-gpu") && !found.get(e.getKey()).getFileName().toString().contains("-gpu")) c = 1;
				if (c > 0) {
					found.put(e.getKey(), p);
					versions.put(e.getKey(), v);
				}
			}
		}
		List<String> missing = new ArrayList<>();
		for (String name : JARS.keySet()) if (!found.containsKey(name)) missing.add(name);
		if (!missing.isEmpty())
			throw new StainNormException("STST needs TensorFlow Java; missing jars: " + String.join(", ", missing)
				+ " (looked on the class path, next to " + own + ", and in -Dstainnorm.tensorflow.jars folders)");
		return found;
	}

	private static void addClassPath(Set<Path> out) {
		for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator))
			if (entry.endsWith(".jar")) out.add(Path.of(entry).toAbsolutePath().normalize());
		try {
			Enumeration<URL> manifests = EngineLoader.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
			for (URL u : Collections.list(manifests)) {
				String s = u.toString();
				if (!s.startsWith("jar:file:")) continue;
				Path p = pathOf(new URL(s.substring(4, s.indexOf("!/"))));
				if (p != null) out.add(p.toAbsolutePath().normalize());
			}
		}
		catch (IOException e) {
			// the folders below still get searched
		}
	}

	private static void addFolder(Set<Path> out, Path folder, int depth) {
		if (!Files.isDirectory(folder)) return;
		try (Stream<Path> s = Files.walk(folder, depth)) {
			s.filter(p -> p.toString().endsWith(".jar")).forEach(p -> out.add(p.toAbsolutePath().normalize()));
		}
		catch (IOException | RuntimeException e) {
			// unreadable folder: skip it
		}
	}

	static int compareVersions(String a, String b) {
		String[] x = a.split("[.\\-]"), y = b.split("[.\\-]");
		for (int i = 0; i < Math.max(x.length, y.length); i++) {
			String p = i < x.length ? x[i] : "0", q = i < y.length ? y[i] : "0";
			int c = p.matches("\\d+") && q.matches("\\d+") ? Long.compare(Long.parseLong(p), Long.parseLong(q)) : p.compareTo(q);
			if (c != 0) return c;
		}
		return 0;
	}

	private static URL ownLocation() {
		return EngineLoader.class.getProtectionDomain().getCodeSource().getLocation();
	}

	private static Path pathOf(URL url) {
		try {
			return Path.of(url.toURI());
		}
		catch (URISyntaxException | IllegalArgumentException e) {
			return null;
		}
	}

	private static URL toUrl(Path p) {
		try {
			return p.toUri().toURL();
		}
		catch (MalformedURLException e) {
			throw new IllegalStateException(e);
		}
	}

	/** Child-first for the isolated packages (classes and their resources), parent-first for everything else. */
	static final class IsolatingClassLoader extends URLClassLoader {
		static {
			registerAsParallelCapable();
		}

		IsolatingClassLoader(URL[] urls, ClassLoader parent) {
			super("stst-tensorflow", urls, parent);
		}

		private static boolean isolated(String className) {
			for (String p : ISOLATED_PACKAGES) if (className.startsWith(p)) return true;
			return false;
		}

		private static boolean isolatedResource(String path) {
			return isolated(path.replace('/', '.'));
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			if (!isolated(name)) return super.loadClass(name, resolve);
			synchronized (getClassLoadingLock(name)) {
				Class<?> c = findLoadedClass(name);
				if (c == null) c = findClass(name);
				if (resolve) resolveClass(c);
				return c;
			}
		}

		@Override
		public URL getResource(String name) {
			if (!isolatedResource(name)) return super.getResource(name);
			URL u = findResource(name);
			return u != null ? u : super.getResource(name);
		}

		@Override
		public Enumeration<URL> getResources(String name) throws IOException {
			if (!isolatedResource(name)) return super.getResources(name);
			return findResources(name);
		}
	}
}
