import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * Run by .ci/install-test on the class path of an installed Fiji.app (its plugin jar and Fiji's jars/ only):
 * checks that Fiji's own TensorFlow 1.x stays what the application class path sees, and that STST's engine
 * was loaded from the private folders under lib/ that the install filled, nothing else.
 * Usage: java -cp PLUGIN_JAR:FIJI/jars/* .ci/InstalledEngine.java FIJI_APP
 */
public class InstalledEngine {
	public static void main(String[] args) throws Exception {
		Path app = Path.of(args[0]).toAbsolutePath().normalize();
		String fijis = Class.forName("org.tensorflow.Graph", false, InstalledEngine.class.getClassLoader()).getProtectionDomain().getCodeSource().getLocation().toString();
		if (!fijis.contains("libtensorflow-1.15.0")) fail("org.tensorflow.Graph on Fiji's class path comes from " + fijis + ", not Fiji's libtensorflow 1.15.0");
		Object engine = Class.forName("sc.fiji.stainnorm.stst.EngineLoader").getMethod("engine").invoke(null);
		ClassLoader loader = engine.getClass().getClassLoader();
		if (!(loader instanceof URLClassLoader)) fail("the engine was not loaded by STST's own class loader but by " + loader);
		Path lib = app.resolve("lib");
		int fromLib = 0;
		for (URL u : ((URLClassLoader) loader).getURLs()) {
			Path p = Path.of(u.toURI()).toAbsolutePath().normalize();
			if (p.getFileName().toString().startsWith("Stain_Normalization-") && p.getParent().equals(app.resolve("plugins"))) continue;
			if (!p.startsWith(lib)) fail("engine jar " + p + " is outside " + lib);
			fromLib++;
		}
		if (fromLib != 7) fail("expected the 7 engine jars from " + lib + ", got " + fromLib);
		String describe = (String) engine.getClass().getMethod("describe").invoke(engine);
		if (!describe.startsWith("TensorFlow 2.")) fail("unexpected engine: " + describe);
		System.out.println("install-test: engine from " + lib + " (" + fromLib + " jars): " + describe);
	}

	private static void fail(String message) {
		System.err.println("install-test: FAILED: " + message);
		System.exit(1);
	}
}
