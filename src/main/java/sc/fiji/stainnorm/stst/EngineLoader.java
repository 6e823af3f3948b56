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
import java.util.Locale;
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
 * The jars are found by file name ({@code tensorflow-core-api-*.jar}, {@code tensorflow-core-native-*.jar},
 * the natives {@code tensorflow-core-native-*-<this platform>[-gpu].jar}, {@code tensorflow-framework-*.jar},
 * {@code ndarray-*.jar}, {@code javacpp-*.jar}, {@code protobuf-java-*.jar}; the newest version of each wins)
 * among: the folders listed in the system property {@code stainnorm.tensorflow.jars}; every jar the
 * caller's class loader can see (the command line's and the tests' class path); and, for the application
 * folder that holds this project's jar (the folder above its {@code plugins/} or {@code jars/}) and the ones
 * named by {@code imagej.dir}, {@code ij.dir} and {@code plugins.dir}: the private folders an install fills,
 * {@code lib/stainnorm/} and {@code lib/<platform>/stainnorm/}, which are on no class path of Fiji's, then
 * {@code jars/} (and its platform sub-folders) and {@code plugins/} three levels deep (plain ImageJ's
 * {@code plugins/jars/linux64/}); and the folder holding this project's jar. Natives can be loaded only once
 * per JVM, so there is one engine per JVM.
 */
public final class EngineLoader {
	static final String ENGINE_CLASS = "sc.fiji.stainnorm.stst.engine.TfEngine";
	/** Where an install puts the engine's jars, relative to the Fiji.app (or ImageJ) folder; see pom.xml. */
	static final String PRIVATE_FOLDER = "lib/stainnorm";
	private static final String[] ISOLATED_PACKAGES = { "org.tensorflow.", "org.bytedeco.", "com.google.protobuf.",
		"sc.fiji.stainnorm.stst.engine." };
	/** TensorFlow Java's name for this computer's natives, e.g. linux-x86_64; null when unknown (any is taken). */
	static final String PLATFORM = platform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
	private static final String NATIVES = "tensorflow-core-native natives";
	private static final Map<String, Pattern> JARS = new LinkedHashMap<>();
	/** What each missing jar looks like on disk, for the error message. */
	private static final Map<String, String> FILE_NAMES = new LinkedHashMap<>();
	static {
		String natives = PLATFORM == null ? "(linux|macosx|windows)-[\\w\\-]+" : Pattern.quote(PLATFORM) + "(-gpu)?";
		jar("tensorflow-core-api", "tensorflow-core-api-(\\d[\\w.\\-]*)\\.jar", "tensorflow-core-api-*.jar");
		jar("tensorflow-core-native", "tensorflow-core-native-(\\d[\\w.]*?)(-SNAPSHOT)?\\.jar", "tensorflow-core-native-*.jar");
		jar(NATIVES, "tensorflow-core-native-(\\d[\\w.]*?)-" + natives + "\\.jar",
			"tensorflow-core-native-*-" + (PLATFORM == null ? "<platform>" : PLATFORM) + ".jar (the TensorFlow natives for this computer)");
		jar("tensorflow-framework", "tensorflow-framework-(\\d[\\w.\\-]*)\\.jar", "tensorflow-framework-*.jar");
		jar("ndarray", "(?:tensorflow-java-)?ndarray-(\\d[\\w.\\-]*)\\.jar", "ndarray-*.jar");
		jar("javacpp", "javacpp-(\\d[\\d.]*)\\.jar", "javacpp-*.jar");
		jar("protobuf-java", "protobuf-java-(\\d[\\w.\\-]*)\\.jar", "protobuf-java-*.jar");
	}

	private static void jar(String name, String regex, String fileName) {
		JARS.put(name, Pattern.compile(regex));
		FILE_NAMES.put(name, fileName);
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

	/** Finds the engine's jars, or says which are missing, where it looked and what to do. */
	static Map<String, Path> findJars() {
		Path own = pathOf(ownLocation());
		return findJars(own != null && Files.isRegularFile(own) ? own : null, true);
	}

	/**
	 * Finds the engine's jars for a plugin jar at {@code ownJar} (null: not run from a jar); {@code classPath}:
	 * whether the jars the class loaders see count too.
	 */
	static Map<String, Path> findJars(Path ownJar, boolean classPath) {
		Set<Path> candidates = new LinkedHashSet<>();
		List<Path> searched = new ArrayList<>();
		String extra = System.getProperty("stainnorm.tensorflow.jars");
		if (extra != null)
			for (String dir : extra.split(File.pathSeparator)) if (!dir.isBlank()) addFolder(candidates, searched, Path.of(dir), 2);
		if (classPath) addClassPath(candidates);
		Set<Path> roots = new LinkedHashSet<>();
		if (ownJar != null) {
			Path root = appFolder(ownJar);
			if (root != null) roots.add(root);
		}
		for (String prop : new String[] { "imagej.dir", "ij.dir", "plugins.dir" }) {
			String dir = System.getProperty(prop);
			if (dir != null && !dir.isBlank()) roots.add(Path.of(dir).toAbsolutePath().normalize());
		}
		for (Path root : roots) {
			addFolder(candidates, searched, root.resolve(PRIVATE_FOLDER), 1);
			// the natives: lib/<platform>/stainnorm/, whatever Fiji calls the platform (linux64, macos-arm64, ...)
			try (Stream<Path> platforms = Files.isDirectory(root.resolve("lib")) ? Files.list(root.resolve("lib")) : Stream.empty()) {
				platforms.map(p -> p.resolve("stainnorm")).filter(Files::isDirectory).sorted()
					.forEach(p -> addFolder(candidates, searched, p, 1));
			}
			catch (IOException | RuntimeException e) {
				// unreadable lib/: the other folders still count, and the message names lib/stainnorm
			}
			addFolder(candidates, searched, root.resolve("jars"), 2);
			addFolder(candidates, searched, root.resolve("plugins"), 3);
		}
		if (ownJar != null) addFolder(candidates, searched, ownJar.toAbsolutePath().normalize().getParent(), 2);
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
		for (String name : JARS.keySet()) if (!found.containsKey(name)) missing.add(FILE_NAMES.get(name));
		if (!missing.isEmpty()) throw new StainNormException(missingMessage(missing, searched, roots, classPath));
		return found;
	}

	/** What a user can act on: which files, where they were looked for, how to install them. */
	private static String missingMessage(List<String> missing, List<Path> searched, Set<Path> roots, boolean classPath) {
		List<String> where = new ArrayList<>();
		for (Path p : searched) where.add(p.toString());
		if (classPath) where.add("Java's class path");
		Path root = roots.isEmpty() ? null : roots.iterator().next();
		String app = root == null ? "Fiji.app" : root.toString();
		return "STST cannot start: its TensorFlow engine is not installed (missing " + String.join(", ", missing)
			+ "; looked in " + (where.isEmpty() ? "no folder: the plugin does not run from a jar" : String.join(", ", where))
			+ "). Install the plugin with its engine: in Fiji, from its update site or with `mvn -Dscijava.app.directory="
			+ (root == null ? "/path/to/Fiji.app" : app) + " install`, which puts these files into " + app + "/" + PRIVATE_FOLDER
			+ " and " + app + "/lib/" + fijiPlatform(PLATFORM) + "/stainnorm; in plain ImageJ, copy the folders that `mvn -Pupdate-site package`"
			+ " writes (README, In Fiji); or name their folder with -Dstainnorm.tensorflow.jars=DIR."
			+ " Reinhard, Macenko, Khan and Vahadane do not need TensorFlow.";
	}

	/** Fiji's folder name for a TensorFlow Java platform (the updater's lib/&lt;platform&gt;/). */
	static String fijiPlatform(String platform) {
		if (platform == null) return "<platform>";
		return switch (platform) {
			case "linux-x86_64" -> "linux64";
			case "windows-x86_64" -> "win64";
			case "macosx-x86_64" -> "macosx";
			case "macosx-arm64" -> "macos-arm64";
			default -> platform;
		};
	}

	/** The Fiji.app (or ImageJ) folder of a jar in its plugins/ or jars/ tree, up to three levels down; else null. */
	static Path appFolder(Path jar) {
		Path p = jar.toAbsolutePath().normalize().getParent();
		for (int up = 0; p != null && p.getParent() != null && up < 3; up++, p = p.getParent()) {
			String name = p.getFileName().toString();
			if (name.equals("plugins") || name.equals("jars")) return p.getParent();
		}
		return null;
	}

	/** TensorFlow Java's platform classifier (without -gpu) for an os.name and os.arch, or null. */
	static String platform(String osName, String osArch) {
		String os = osName.toLowerCase(Locale.ROOT), arch = osArch.toLowerCase(Locale.ROOT);
		String o = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macosx" : os.startsWith("windows") ? "windows" : null;
		String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : null;
		return o == null || a == null ? null : o + "-" + a;
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

	private static void addFolder(Set<Path> out, List<Path> searched, Path folder, int depth) {
		folder = folder.toAbsolutePath().normalize();
		if (!searched.contains(folder)) searched.add(folder);
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
