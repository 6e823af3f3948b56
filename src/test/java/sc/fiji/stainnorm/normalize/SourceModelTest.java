package sc.fiji.stainnorm.normalize;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.Test;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;
import sc.fiji.stainnorm.synth.TestImages;

/**
 * The "learn the source" / "apply" split of the classical methods: {@code normalize(image)} is exactly
 * {@code normalize(learnSource(List.of(image)), image)}, pooled samples are one image, tissue-free tiles are drawn with the model.
 */
public class SourceModelTest {
	/** Every classical method, with the option sets whose source models differ (space, mask, tissue rule). */
	static final String[] METHODS = { "reinhard", "reinhard:mask=true", "reinhard:space=ruderman", "reinhard:space=ruderman,mask=true",
		"macenko", "macenko:tissue=auto", "macenko:tissue=norm", "macenko:reference=henorm", "vahadane", "khan" };

	private static final java.util.Map<String, StainNormalizer> FITTED = new java.util.concurrent.ConcurrentHashMap<>();

	/** The method fitted to tissue 2 in style B; fitted once (a fitted normalizer is read-only). */
	static StainNormalizer fitted(String spec) {
		return FITTED.computeIfAbsent(spec, SourceModelTest::fit);
	}

	private static StainNormalizer fit(String spec) {
		String[] parts = spec.split(":", 2);
		StainNormalizer n = Methods.create(parts[0], MethodOptions.parse(parts.length > 1 ? parts[1] : ""));
		n.fit(n.needsReference() ? List.of(TestImages.render(2, StainStyle.B)) : List.of());
		return n;
	}

	/** Inputs with tissue: the test images, a pale one, one with 16% tissue, one of another size. */
	static List<RgbImage> inputs() {
		List<RgbImage> in = new ArrayList<>();
		for (TestImages.Entry e : TestImages.all())
			if (e.seed() == 1 || e.style() == StainStyle.C) in.add(e.image());
		RgbImage tissue = TestImages.render(1, StainStyle.A);
		RgbImage sparse = TestSupport.uniform(256, 256, 244, 243, 245);
		for (int y = 0; y < 100; y++)
			for (int x = 0; x < 100; x++)
				sparse.pixels()[y * 256 + x] = tissue.get(x, y);
		in.add(sparse);
		in.add(SyntheticTissue.generate(9, 301, 177).render(StainStyle.C, 1.0));
		return in;
	}

	@Test
	public void normalizingAnImageIsApplyingTheModelLearnedFromIt() {
		for (String spec : METHODS) {
			StainNormalizer n = fitted(spec);
			for (RgbImage image : inputs()) {
				Normalized whole = n.normalize(image);
				SourceModel model = n.learnSource(List.of(image));
				Normalized applied = n.normalize(model, image);
				assertTrue(spec + " on " + image + ": " + model.describe(), whole.image().sameRgb(applied.image()));
				// what normalize(image) says about the image, the model says once
				assertEquals(spec, whole.warnings(), model.warnings());
				assertEquals(spec, List.of(), applied.warnings());
			}
		}
	}

	@Test
	public void samplesArePooledAsOneImage() {
		RgbImage a = TestImages.render(1, StainStyle.C), b = TestImages.render(2, StainStyle.C);
		int[] both = new int[a.pixelCount() + b.pixelCount()];
		System.arraycopy(a.pixels(), 0, both, 0, a.pixelCount());
		System.arraycopy(b.pixels(), 0, both, a.pixelCount(), b.pixelCount());
		RgbImage stacked = RgbImage.wrap(256, 512, both);
		RgbImage narrow = SyntheticTissue.generate(4, 100, 80).render(StainStyle.C, 1.0);
		for (String spec : METHODS) {
			StainNormalizer n = fitted(spec);
			SourceModel pooled = n.learnSource(List.of(a, b));
			assertTrue(spec, n.normalize(pooled, a).image().sameRgb(n.normalize(n.learnSource(List.of(stacked)), a).image()));
			// samples of different widths are pooled too
			assertEquals(spec, n.learnSource(List.of(a, narrow)).describe(), n.learnSource(List.of(SourceModels.pooled(List.of(a, narrow)))).describe());
		}
	}

	@Test
	public void tilesWithoutTissueGetTheModelWithoutAWarning() {
		RgbImage glass = TestSupport.uniform(64, 64, 238, 240, 236);
		glass.set(3, 3, 120, 60, 150); // a speck of dust is no tissue
		for (String spec : METHODS) {
			StainNormalizer n = fitted(spec);
			SourceModel model = n.learnSource(List.of(TestImages.render(1, StainStyle.C)));
			Normalized out = n.normalize(model, glass);
			// the glass tile is drawn as the same glass inside a tissue tile would be (no step where they meet)
			RgbImage withTissue = TestImages.render(2, StainStyle.C).copy();
			for (int y = 0; y < 64; y++)
				for (int x = 0; x < 64; x++)
					withTissue.pixels()[y * withTissue.width() + x] = glass.pixels()[y * 64 + x];
			assertEquals(spec, 0, sc.fiji.stainnorm.slide.TiledNormalization.maxDifference(out.image(), n.normalize(model, withTissue).image().crop(0, 0, 64, 64)));
			assertNotSame(spec, glass, out.image());
			assertEquals(spec, List.of(), out.warnings());
			assertTrue(spec, n.normalize(model, TestImages.render(2, StainStyle.C)).warnings().isEmpty());
		}
	}

	@Test
	public void samplesWithoutTissueOrOfOneColourGiveNoModel() {
		for (String spec : METHODS) {
			StainNormalizer n = fitted(spec);
			StainNormException e = assertThrows(spec, StainNormException.class, () -> n.learnSource(List.of(TestSupport.uniform(64, 64, 240, 241, 239))));
			assertTrue(e.getMessage(), e.getMessage().contains("no tissue"));
			assertThrows(spec, StainNormException.class, () -> n.learnSource(List.of(TestSupport.uniform(64, 64, 150, 60, 140))));
			assertThrows(spec, StainNormException.class, () -> n.learnSource(List.of()));
		}
	}

	@Test
	public void aModelOfAnotherMethodOrSettingIsRefused() {
		RgbImage image = TestImages.render(1, StainStyle.C);
		SourceModel reinhard = fitted("reinhard").learnSource(List.of(image)), macenko = fitted("macenko").learnSource(List.of(image));
		assertThrows(IllegalArgumentException.class, () -> fitted("macenko").normalize(reinhard, image));
		assertThrows(IllegalArgumentException.class, () -> fitted("reinhard").normalize(macenko, image));
		assertThrows(IllegalArgumentException.class, () -> fitted("reinhard:space=ruderman").normalize(reinhard, image));
		assertThrows(IllegalArgumentException.class, () -> fitted("reinhard:mask=true").normalize(reinhard, image));
		assertThrows(IllegalArgumentException.class, () -> fitted("macenko").normalize(fitted("macenko:tissue=norm").learnSource(List.of(image)), image));
		// tissue=auto applies the model of either rule; henorm's target with a model of the same rule is fine
		fitted("macenko:tissue=auto").normalize(fitted("macenko:tissue=norm").learnSource(List.of(image)), image);
		fitted("macenko:reference=henorm").normalize(macenko, image);
		SourceModel vahadane = fitted("vahadane").learnSource(List.of(image)), khan = fitted("khan").learnSource(List.of(image));
		assertThrows(IllegalArgumentException.class, () -> fitted("khan").normalize(vahadane, image));
		assertThrows(IllegalArgumentException.class, () -> fitted("vahadane").normalize(khan, image));
		assertThrows(IllegalArgumentException.class, () -> fitted("vahadane").normalize(macenko, image));
	}

	@Test
	public void withoutAModelEachTileIsEstimatedOnItsOwnAsBefore() {
		RgbImage image = TestImages.render(1, StainStyle.A);
		for (String spec : METHODS) {
			StainNormalizer n = fitted(spec);
			assertTrue(spec, n.normalize(SourceModel.NONE, image).image().sameRgb(n.normalize(image).image()));
		}
	}
}
