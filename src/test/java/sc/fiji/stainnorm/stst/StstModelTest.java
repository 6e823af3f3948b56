package sc.fiji.stainnorm.stst;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static sc.fiji.stainnorm.stst.StstTrainingTest.expectError;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.Test;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.Normalized;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

public class StstModelTest {

	@Test
	public void saveLoadGivesBitIdenticalOutputs() throws Exception {
		StstModel trained = StstModel.read(TinyModels.trained().model());
		Path copy = Files.createTempDirectory("stst-copy-").resolve("copy.zip");
		trained.write(copy);
		StstModel reloaded = StstModel.read(copy);
		StstTrainingTest.assertSameWeights(trained, reloaded);
		assertEquals(trained.metadata("created"), reloaded.metadata("created"));
		RgbImage img = SyntheticTissue.generate(42, 128, 64).render(StainStyle.B, 1.0);
		float[] gray = NhwcBatch.gray(img);
		float[] a, b;
		try (var g1 = EngineLoader.engine().generator(trained.spec(), trained.weights(), false, 1);
			var g2 = EngineLoader.engine().generator(reloaded.spec(), reloaded.weights(), false, 1)) {
			a = g1.run(gray, 1, 64, 128, 0);
			b = g2.run(gray, 1, 64, 128, 0);
			assertArrayEquals(a, g1.run(gray, 1, 64, 128, 0), 0f);
		}
		assertArrayEquals(a, b, 0f);
		for (float v : a) assertTrue(v >= -1 && v <= 1);
	}

	@Test
	public void dropoutIsOffByDefaultAndOptional() {
		Path model = TinyModels.trained().model();
		RgbImage img = SyntheticTissue.generate(5, 64, 64).render(StainStyle.C, 1.0);
		StainNormalizer plain = Methods.create("stst", MethodOptions.parse("model=" + model));
		assertTrue(plain.normalize(img).image().sameRgb(plain.normalize(img).image()));
		StainNormalizer d1 = Methods.create("stst", MethodOptions.parse("model=" + model + ",dropout=true,seed=1"));
		StainNormalizer d2 = Methods.create("stst", MethodOptions.parse("model=" + model + ",dropout=true,seed=2"));
		assertTrue(d1.normalize(img).image().sameRgb(d1.normalize(img).image()));
		assertTrue(!d1.normalize(img).image().sameRgb(d2.normalize(img).image()));
	}

	@Test
	public void normalizerContract() {
		StainNormalizer s = Methods.create("stst", MethodOptions.parse("model=" + TinyModels.trained().model()));
		assertEquals("stst", s.name());
		assertTrue(!s.needsReference());
		assertTrue(s.acceptsGrayscale());
		s.fit(java.util.List.of());
		for (RgbImage img : new RgbImage[] { RgbImage.create(8, 8), RgbImage.wrap(3, 5, new int[15]), RgbImage.create(300, 70) }) {
			Normalized n = s.normalize(img);
			assertEquals(img.width(), n.image().width());
			assertEquals(img.height(), n.image().height());
			assertTrue(n.warnings().toString(), !n.warnings().isEmpty());
		}
		expectError("tile=", () -> Methods.create("stst", MethodOptions.parse("model=" + TinyModels.trained().model() + ",tile=100")).fit(java.util.List.of()));
		expectError("no option", () -> Methods.create("stst", MethodOptions.parse("modle=x")));
	}

	@Test
	public void missingCorruptAndForeignModelsGiveClearErrors() throws Exception {
		Path dir = Files.createTempDirectory("stst-bad-models-");
		expectError("does not exist", () -> Methods.create("stst", MethodOptions.parse("model=" + dir.resolve("nothing.zip"))));
		expectError("does not exist", () -> StstModel.read(dir.resolve("nothing.zip")));
		Path text = Files.writeString(dir.resolve("text.zip"), "this is not a model");
		expectError("not an STST model", () -> StstModel.read(text));
		byte[] good = Files.readAllBytes(TinyModels.trained().model());
		Path truncated = Files.write(dir.resolve("truncated.zip"), Arrays.copyOf(good, good.length / 2));
		expectError("truncated", () -> StstModel.read(truncated));
		Path foreign = writeZip(dir.resolve("foreign.zip"), "saved_model.pb", "graph");
		expectError("not an STST model", () -> StstModel.read(foreign));

		StstModel m = StstModel.read(TinyModels.trained().model());
		Properties future = m.metadata();
		future.setProperty("formatVersion", "3");
		Path newer = dir.resolve("newer.zip");
		writeModel(newer, future, m);
		expectError("format version 3", () -> StstModel.read(newer));
		Properties wider = m.metadata();
		wider.setProperty("ngf", "8");
		Path mismatch = dir.resolve("mismatch.zip");
		writeModel(mismatch, wider, m);
		expectError("shape", () -> StstModel.read(mismatch));
		Path cliOut = dir.resolve("out");
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = sc.fiji.stainnorm.cli.Main.run(new String[] { "normalize", "--method", "stst", "--model", text.toString(), "--output",
			cliOut.toString(), TinyModels.images().toString() }, new java.io.PrintStream(new ByteArrayOutputStream()), new java.io.PrintStream(err));
		assertEquals(1, code);
		String msg = err.toString(StandardCharsets.UTF_8);
		assertEquals(msg, 1, msg.lines().count());
		assertTrue(msg, msg.contains("not an STST model"));
	}

	private static void writeModel(Path path, Properties meta, StstModel m) throws Exception {
		try (OutputStream out = Files.newOutputStream(path); ZipOutputStream zip = new ZipOutputStream(out)) {
			zip.putNextEntry(new ZipEntry(StstModel.METADATA_ENTRY));
			meta.store(zip, null);
			zip.closeEntry();
			zip.putNextEntry(new ZipEntry(StstModel.WEIGHTS_ENTRY));
			m.weights().write(zip);
			zip.closeEntry();
		}
	}

	private static Path writeZip(Path path, String entry, String content) throws Exception {
		try (OutputStream out = Files.newOutputStream(path); ZipOutputStream zip = new ZipOutputStream(out)) {
			zip.putNextEntry(new ZipEntry(entry));
			zip.write(content.getBytes(StandardCharsets.UTF_8));
			zip.closeEntry();
		}
		return path;
	}
}
