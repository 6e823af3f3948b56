package sc.fiji.stainnorm.faults;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static sc.fiji.stainnorm.faults.PathFaultSupport.cli;
import static sc.fiji.stainnorm.faults.PathFaultSupport.images;
import static sc.fiji.stainnorm.faults.PathFaultSupport.names;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.cli.Main;
import sc.fiji.stainnorm.faults.PathFaultSupport.Run;
import sc.fiji.stainnorm.stst.StstModel;

/** Crafted STST model files: every refusal is one line that names the model file, with no stack trace. */
public class ModelFileFaultsTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	/** The bundled model with one line of its metadata replaced (or appended). */
	private Path craft(String name, String key, String line) throws Exception {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (InputStream in = StstModel.class.getResourceAsStream(StstModel.DEFAULT_RESOURCE); ZipInputStream zin = new ZipInputStream(in);
			ZipOutputStream zout = new ZipOutputStream(bytes)) {
			ZipEntry e;
			while ((e = zin.getNextEntry()) != null) {
				byte[] data = zin.readAllBytes();
				if (e.getName().endsWith(".properties")) {
					StringBuilder sb = new StringBuilder();
					for (String l : new String(data, StandardCharsets.ISO_8859_1).split("\n"))
						if (!l.startsWith(key + "=")) sb.append(l).append('\n');
					data = (sb + line + "\n").getBytes(StandardCharsets.ISO_8859_1);
				}
				zout.putNextEntry(new ZipEntry(e.getName()));
				zout.write(data);
				zout.closeEntry();
			}
		}
		return Files.write(tmp.getRoot().toPath().resolve(name), bytes.toByteArray());
	}

	@Test(timeout = 120_000)
	public void craftedModelsAreNamedInEveryRefusal() throws Exception {
		Path in = images(tmp.getRoot().toPath().resolve("in"), "a.png");
		List<Path> models = List.of(craft("width-zero.zip", "ngf", "ngf=0"), craft("width-mismatch.zip", "ngf", "ngf=8"),
			craft("odd-patch.zip", "patchSize", "patchSize=100"), craft("bad-escape.zip", "description", "description=\\uZZZZ"),
			Files.createDirectories(tmp.getRoot().toPath().resolve("folder.zip")));
		Path out = tmp.getRoot().toPath().resolve("out");
		for (Path model : models) {
			Run r = cli("normalize", "--method", "stst", "--model", model.toString(), "--output", out.toString(), in.toString());
			assertEquals(model + ": " + r.all(), Main.FAILED, r.code());
			assertEquals(r.err(), 1, r.errLines().size());
			assertTrue(r.err(), r.err().contains(model.toString()));
			r.assertNoStackTrace();
			assertEquals(List.of(), names(out));
		}
	}
}
