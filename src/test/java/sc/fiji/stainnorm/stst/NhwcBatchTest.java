package sc.fiji.stainnorm.stst;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

public class NhwcBatchTest {

	@Test
	public void colourBatchIsRowMajorWithInterleavedChannels() {
		int w = 3, h = 2;
		RgbImage img = RgbImage.create(w, h);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) img.set(x, y, 10 * x + y, 100 + x, 200 + y);
		float[] b = NhwcBatch.rgb(img);
		assertEquals(w * h * 3, b.length);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int o = (y * w + x) * 3;
				assertEquals((10 * x + y) / 127.5 - 1, b[o], 1e-6);
				assertEquals((100 + x) / 127.5 - 1, b[o + 1], 1e-6);
				assertEquals((200 + y) / 127.5 - 1, b[o + 2], 1e-6);
			}
	}

	@Test
	public void grayIsItu601LumaScaledToPlusMinusOne() {
		RgbImage img = RgbImage.create(2, 1);
		img.set(0, 0, 255, 0, 0);
		img.set(1, 0, 0, 0, 255);
		float[] g = NhwcBatch.gray(img);
		assertEquals(0.299 * 255 / 127.5 - 1, g[0], 1e-6);
		assertEquals(0.114 * 255 / 127.5 - 1, g[1], 1e-6);
		RgbImage white = RgbImage.create(1, 1), black = RgbImage.wrap(1, 1, new int[] { 0 });
		assertEquals(1, NhwcBatch.gray(white)[0], 1e-6);
		assertEquals(-1, NhwcBatch.gray(black)[0], 1e-6);
	}

	@Test
	public void colourRoundTripIsExact() {
		RgbImage img = SyntheticTissue.generate(3, 37, 21).render(StainStyle.B, 1.0);
		float[] b = NhwcBatch.rgb(img);
		float[] two = new float[2 * b.length];
		System.arraycopy(b, 0, two, b.length, b.length);
		assertTrue(img.sameRgb(NhwcBatch.toRgb(two, 1, 37, 21)));
	}

	@Test
	public void windowsOutsideTheImageAreMirrored() {
		RgbImage img = RgbImage.create(3, 1);
		img.set(0, 0, 0, 0, 0);
		img.set(1, 0, 51, 51, 51);
		img.set(2, 0, 102, 102, 102);
		float[] g = new float[7];
		NhwcBatch.putGray(img, -2, 0, 7, 1, g, 0);
		float[] expect = new float[7];
		int[] src = { 2, 1, 0, 1, 2, 1, 0 };
		for (int i = 0; i < 7; i++) expect[i] = (float) (51 * src[i] / 127.5 - 1);
		assertArrayEquals(expect, g, 1e-6f);
		assertEquals(0, NhwcBatch.mirror(5, 1));
	}

	@Test
	public void tensorAxisOrderMatchesTensorFlow() {
		long[] shape = { 2, 3, 4, 3 };
		float[] data = new float[2 * 3 * 4 * 3];
		for (int i = 0; i < data.length; i++) data[i] = i * 0.5f - 7;
		long[][] idx = { { 0, 0, 0, 0 }, { 1, 2, 3, 2 }, { 0, 1, 2, 1 }, { 1, 0, 3, 0 } };
		float[] got = EngineLoader.engine().probeTensor(data, shape, idx);
		for (int k = 0; k < idx.length; k++) {
			long[] i = idx[k];
			assertEquals(data[(int) (((i[0] * 3 + i[1]) * 4 + i[2]) * 3 + i[3])], got[k], 0f);
		}
	}
}
