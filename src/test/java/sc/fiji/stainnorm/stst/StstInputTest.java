package sc.fiji.stainnorm.stst;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.Test;

import sc.fiji.stainnorm.cli.CliRun;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.synth.StainShift;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;
import sc.fiji.stainnorm.synth.TestImages;

/** The generator's input modes (#15 item 1): gray, and gray levels moved towards the training set's. */
public class StstInputTest {

	private static RgbImage tissue(long seed) {
		return SyntheticTissue.generate(seed, 128, 128).render(StainStyle.B, TestImages.NOISE);
	}

	@Test
	public void levelsMoveTheGivenShareOfTheWay() {
		StstInput.Levels image = new StstInput.Levels(40, 200), reference = new StstInput.Levels(20, 240);
		StstInput.GrayMap full = StstInput.GrayMap.between(image, reference, 1), half = StstInput.GrayMap.between(image, reference, 0.5);
		assertEquals(20, full.scale() * 40 + full.offset(), 1e-9);
		assertEquals(240, full.scale() * 200 + full.offset(), 1e-9);
		assertEquals(30, half.scale() * 40 + half.offset(), 1e-9);
		assertEquals(220, half.scale() * 200 + half.offset(), 1e-9);
		// an almost uniform image is left as it is, whatever the reference
		assertEquals(StstInput.GrayMap.IDENTITY, StstInput.GrayMap.between(new StstInput.Levels(100, 104), reference, 1));
		assertEquals(StstInput.GrayMap.IDENTITY, StstInput.GrayMap.of(StstInput.Mode.GRAY, reference, 1, tissue(1)));
	}

	@Test
	public void theMapBringsAStainShiftedGrayBackTowardsTheOriginal() {
		RgbImage original = tissue(3);
		// a dimmer lamp, a camera gamma and stronger staining
		RgbImage shifted = new StainShift(StainShift.ASSUMED.vector(0), StainShift.ASSUMED.vector(1), 1.3, 1.2, 0.9, 1.2).apply(original);
		StstInput.Levels reference = StstInput.Levels.of(original);
		float[] want = NhwcBatch.gray(original), raw = NhwcBatch.gray(shifted), mapped = new float[want.length];
		NhwcBatch.putGray(shifted, StstInput.GrayMap.of(StstInput.Mode.GRAY_PERCENTILES, reference, 1, shifted), 0, 0, 128, 128, mapped, 0);
		double rawError = 0, mappedError = 0;
		for (int i = 0; i < want.length; i++) {
			rawError += Math.abs(raw[i] - want[i]);
			mappedError += Math.abs(mapped[i] - want[i]);
		}
		assertTrue("mapped " + mappedError + " vs raw " + rawError, mappedError < 0.6 * rawError);
	}

	@Test
	public void theModelFileRecordsItsInputModeAndRefusesWhatItCannotRead() throws Exception {
		StstModel tiny = StstModel.read(TinyModels.trained().model());
		assertEquals("the default recipe", StstInput.Mode.GRAY_PERCENTILES, tiny.inputMode());
		assertEquals("2", tiny.metadata("formatVersion"));
		assertEquals(StstRecipe.DEFAULT.inputStrength(), Double.parseDouble(tiny.metadata(StstModel.INPUT_STRENGTH)), 0);
		Properties gray = tiny.metadata();
		gray.remove(StstModel.INPUT); // as in files written before input modes
		StstModel old = new StstModel(tiny.spec(), tiny.weights(), gray);
		assertEquals(StstInput.Mode.GRAY, old.inputMode());
		assertEquals("gray models stay readable by older plugins", "1", old.metadata("formatVersion"));
		for (String[] bad : new String[][] { { StstModel.INPUT, "rgb" }, { StstModel.INPUT_LEVELS, "30" }, { StstModel.INPUT_STRENGTH, "0" } }) {
			Properties p = tiny.metadata();
			p.setProperty(bad[0], bad[1]);
			try {
				new StstModel(tiny.spec(), tiny.weights(), p);
				fail(bad[0] + "=" + bad[1] + " accepted");
			}
			catch (StainNormException e) {
				assertTrue(e.getMessage(), e.getMessage().contains("'" + bad[1] + "'"));
			}
		}
		// the same weights give another output when the input is mapped: the mode is used, not only stored
		Path dir = Files.createTempDirectory("stst-input-");
		Path grayFile = dir.resolve("gray.zip");
		old.write(grayFile);
		RgbImage dim = new StainShift(StainShift.ASSUMED.vector(0), StainShift.ASSUMED.vector(1), 1, 1, 0.85, 1.2).apply(tissue(5));
		Stst mapped = new Stst(MethodOptions.parse("model=" + TinyModels.trained().model())), plain = new Stst(MethodOptions.parse("model=" + grayFile));
		mapped.fit(List.of());
		plain.fit(List.of());
		assertNotEquals(java.util.Arrays.hashCode(mapped.normalize(dim).image().pixels()), java.util.Arrays.hashCode(plain.normalize(dim).image().pixels()));
	}

	@Test
	public void trainCommandRefusesAnUnknownInputMode() {
		CliRun r = CliRun.run("train", "--images", TinyModels.images().toString(), "--output", "/tmp/never-written.zip", "--input", "rgb");
		assertEquals(r.err(), 2, r.code());
		assertTrue(r.err(), r.err().contains("--input 'rgb'"));
	}
}
