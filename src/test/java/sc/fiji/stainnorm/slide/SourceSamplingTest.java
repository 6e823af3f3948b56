package sc.fiji.stainnorm.slide;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.Test;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.core.TissueMask;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

public class SourceSamplingTest {
	private static final SourceSampling.Settings SMALL = new SourceSampling.Settings(12, 64, 7);

	/** Tissue everywhere but glass (with a little noise) left of {@code glassTo}. */
	private static RgbImage slide(int w, int h, int glassTo) {
		RgbImage img = SyntheticTissue.generate(3, w, h).render(StainStyle.A, 1.0);
		java.util.Random r = new java.util.Random(1);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < glassTo; x++) {
				int v = 236 + r.nextInt(5);
				img.set(x, y, v, v + 1, v - 1);
			}
		return img;
	}

	@Test
	public void tissueTilesSpreadOverTheSlideTheSameForTheSameSeed() throws Exception {
		RegionSource slide = new ImageRegionSource(slide(1200, 800, 0));
		SourceSampling.Sample s = SourceSampling.sample(slide, SMALL);
		assertFalse(s.whole());
		assertEquals(12, s.tiles().size());
		Set<String> quadrants = new HashSet<>(), distinct = new HashSet<>();
		for (int i = 0; i < 12; i++) {
			SourceSampling.Origin o = s.origins().get(i);
			assertTrue(o.x() >= 0 && o.y() >= 0 && o.x() + 64 <= 1200 && o.y() + 64 <= 800);
			assertTrue(s.tiles().get(i).sameRgb(slide.read(o.x(), o.y(), 64, 64)));
			quadrants.add((o.x() < 600) + "," + (o.y() < 400));
			distinct.add(o.toString());
		}
		assertEquals("tiles in every quadrant: " + s.origins(), 4, quadrants.size());
		assertEquals(12, distinct.size());
		SourceSampling.Sample again = SourceSampling.sample(slide, SMALL);
		assertEquals(s.origins(), again.origins());
		assertNotEquals(s.origins(), SourceSampling.sample(slide, new SourceSampling.Settings(12, 64, 8)).origins());
	}

	@Test
	public void glassIsSkipped() throws Exception {
		RegionSource slide = new ImageRegionSource(slide(1200, 800, 900));
		SourceSampling.Sample s = SourceSampling.sample(slide, SMALL);
		assertEquals(12, s.tiles().size());
		assertTrue(s.examined() > 12);
		for (int i = 0; i < 12; i++) {
			RgbImage t = s.tiles().get(i);
			assertTrue(s.origins().get(i) + " shows too little tissue", TissueMask.count(t) >= 0.25 * t.pixelCount());
		}
		assertTrue(s.describe(), s.describe().startsWith("12 tissue tiles of 64x64"));
	}

	@Test
	public void aLittleTissueOnMuchGlassStillGivesASample() throws Exception {
		RegionSource slide = new ImageRegionSource(slide(1200, 800, 1170));
		SourceSampling.Sample s = SourceSampling.sample(slide, SMALL);
		assertFalse(s.tiles().isEmpty());
		for (SourceSampling.Origin o : s.origins())
			assertTrue(o + " holds none of the tissue strip", o.x() + 64 > 1170);
	}

	@Test
	public void aSmallImageIsTakenWhole() throws Exception {
		RgbImage img = slide(200, 150, 0);
		SourceSampling.Sample s = SourceSampling.sample(new ImageRegionSource(img), SMALL);
		assertTrue(s.whole());
		assertTrue(s.tiles().get(0).sameRgb(img));
	}

	@Test
	public void aSlideOfGlassIsRefusedSayingWhatWasSearched() {
		RegionSource glass = new ImageRegionSource(slide(1200, 800, 1200));
		StainNormException e = assertThrows(StainNormException.class, () -> SourceSampling.sample(glass, SMALL));
		assertTrue(e.getMessage(), e.getMessage().contains("No tissue found in 48 tiles of 64x64"));
		assertThrows(StainNormException.class, () -> SourceSampling.sample(new ImageRegionSource(slide(200, 150, 200)), SMALL));
		assertThrows(IllegalArgumentException.class, () -> new SourceSampling.Settings(0, 64, 1));
	}
}
