package sc.fiji.stainnorm.stst;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import org.junit.Test;

import sc.fiji.stainnorm.core.GuidedFilter;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/** STST's {@code keep_structure} step: the generator's colours, each channel guided by the input's channel. */
public class StstStructureTest {
	private static final RgbImage IMAGE = SyntheticTissue.generate(9, 150, 110).render(StainStyle.C, 1.0);

	@Test
	public void keepStructureIsTheGuidedFilterOfTheGeneratorOutput() {
		RgbImage plain = stst("keep_structure=false").normalize(IMAGE).image();
		RgbImage kept = stst("structure_radius=5,structure_eps=20").normalize(IMAGE).image();
		int w = IMAGE.width(), h = IMAGE.height(), worst = 0, changed = 0;
		for (int c = 0; c < 3; c++) {
			float[] expected = GuidedFilter.filter(channel(IMAGE, c), channel(plain, c), w, h, 5, 20);
			float[] actual = channel(kept, c), before = channel(plain, c);
			for (int i = 0; i < expected.length; i++) {
				// the generator's output is rounded to bytes before this reference filter, not in STST
				worst = Math.max(worst, Math.abs(RgbImage.toByte(expected[i]) - (int) actual[i]));
				if (Math.abs(actual[i] - before[i]) > 2) changed++;
			}
		}
		assertTrue("largest difference from the guided filter: " + worst, worst <= 1);
		assertTrue("the filter should change the output: " + changed + " values moved by more than 2", changed > 1000);
	}

	@Test
	public void badStructureOptionsAreRefused() {
		expectError("structure_radius=0 must be 1..256", "structure_radius=0");
		expectError("structure_eps=0.0 must be positive", "structure_eps=0");
		stst("keep_structure=false,structure_radius=4"); // read, not reported as unknown
	}

	private static void expectError(String fragment, String options) {
		try {
			stst(options);
			fail(options + " accepted");
		}
		catch (StainNormException e) {
			assertTrue(e.getMessage(), e.getMessage().contains(fragment));
		}
	}

	private static StainNormalizer stst(String options) {
		return Methods.create("stst", MethodOptions.parse("model=" + TinyModels.trained().model() + "," + options));
	}

	private static float[] channel(RgbImage image, int c) {
		int[] px = image.pixels();
		float[] f = new float[px.length];
		for (int i = 0; i < px.length; i++) f[i] = (px[i] >> (16 - 8 * c)) & 0xFF;
		return f;
	}
}
