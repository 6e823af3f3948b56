package sc.fiji.stainnorm.faults;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static sc.fiji.stainnorm.faults.PathFaultSupport.assertEveryFileDecodes;
import static sc.fiji.stainnorm.faults.PathFaultSupport.fingerprint;
import static sc.fiji.stainnorm.faults.PathFaultSupport.images;
import static sc.fiji.stainnorm.faults.PathFaultSupport.names;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import net.imagej.patcher.LegacyEnvironment;

/**
 * The batch macro on a folder holding a CMYK JPEG, a symbolic link loop and good images, in a real (patched,
 * headless) ImageJ 1.x: our reader raises no ImageJ error, which in a macro would be a modal dialog (hanging
 * the batch) or abort the macro; the good images are written and the bad ones named.
 */
public class MacroInputFaultsTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test(timeout = 300_000)
	public void cmykJpegInBatchMacro() throws Exception {
		Path in = images(tmp.getRoot().toPath().resolve("in"), "a.png", "b.png");
		PathFaultSupport.cmykJpeg(in.resolve("print.jpg"));
		Files.createSymbolicLink(in.resolve("loop.png"), in.resolve("loop.png"));
		Map<String, String> before = fingerprint(in);
		Path out = tmp.getRoot().toPath().resolve("out");
		String err = runMacro(Files.readString(Path.of("macros", "Batch_Normalize_Folder.ijm")), "input=[" + in + "] output=[" + out
			+ "] method=reinhard reference=[" + Path.of("test-images", "tissue1_B.png").toAbsolutePath() + "]");
		assertEquals(err, List.of("a.png", "b.png"), names(out));
		assertTrue(err, err.contains("print.jpg is a CMYK JPEG, convert to RGB") && err.contains("loop.png is a symbolic link loop"));
		assertFalse("no ImageJ error message (a dialog with a display): " + err, err.contains("cannot open CMYK") || err.contains("Error loading image"));
		assertEveryFileDecodes(out);
		assertEquals(before, fingerprint(in));
	}

	/** Macro text with an argument in a fresh headless ImageJ 1.x; returns what it wrote to stderr and stdout. */
	private static String runMacro(String macro, String argument) throws ClassNotFoundException {
		PrintStream savedErr = System.err, savedOut = System.out;
		ByteArrayOutputStream captured = new ByteArrayOutputStream();
		try (PrintStream both = new PrintStream(new Tee(savedErr, captured), true, StandardCharsets.UTF_8)) {
			System.setErr(both);
			System.setOut(both);
			LegacyEnvironment ij1 = new LegacyEnvironment(null, true);
			ij1.disableIJ1PluginDirs();
			ij1.addPluginClasspath(MacroInputFaultsTest.class.getClassLoader());
			ij1.runMacro(macro, argument);
		}
		finally {
			System.setErr(savedErr);
			System.setOut(savedOut);
		}
		return captured.toString(StandardCharsets.UTF_8);
	}

	private static final class Tee extends OutputStream {
		private final OutputStream a, b;

		Tee(OutputStream a, OutputStream b) {
			this.a = a;
			this.b = b;
		}

		@Override
		public void write(int x) throws java.io.IOException {
			a.write(x);
			b.write(x);
		}

		@Override
		public void write(byte[] buf, int off, int len) throws java.io.IOException {
			a.write(buf, off, len);
			b.write(buf, off, len);
		}
	}
}
