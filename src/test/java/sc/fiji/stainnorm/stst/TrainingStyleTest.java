package sc.fiji.stainnorm.stst;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.Test;

import sc.fiji.stainnorm.SharedData;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;
import sc.fiji.stainnorm.synth.TestImages;

/** Item 4 of the STST issue: the model records its training style and STST warns on inputs far outside it. */
public class TrainingStyleTest {

	private static List<RgbImage> tissue(StainStyle style, int first, int n) {
		List<RgbImage> out = new ArrayList<>();
		for (int s = first; s < first + n; s++) out.add(SyntheticTissue.generate(s, 256, 256).render(style, TestImages.NOISE));
		return out;
	}

	@Test
	public void syntheticStylesOtherThanTheTrainingOneWarn() {
		TrainingStyle b = TrainingStyle.of(tissue(StainStyle.B, 1, 8));
		assertEquals(8, b.images());
		for (RgbImage unseen : tissue(StainStyle.B, 50, 4)) assertNull("same style, other tissue", b.warning(unseen));
		for (StainStyle other : List.of(StainStyle.A, StainStyle.C))
			for (RgbImage img : tissue(other, 50, 2)) {
				String w = b.warning(img);
				assertNotNull(other + " should warn (distance " + b.distance(TrainingStyle.Measure.of(img)).overall() + ")", w);
				assertTrue(w, w.contains("another lab's style") && w.contains("train one on your target style"));
			}
	}

	@Test
	public void theRecordRoundTripsThroughTheModelFileAndBadRecordsAreRefused() throws IOException {
		StstModel tiny = StstModel.read(TinyModels.trained().model());
		TrainingStyle recorded = tiny.trainingStyle();
		assertNotNull("the trainer records the style", recorded);
		Properties meta = tiny.metadata();
		TrainingStyle again = TrainingStyle.read(meta, "x");
		assertEquals(recorded.images(), again.images());
		assertEquals(recorded.grayHigh()[0], again.grayHigh()[0], 1e-3);
		assertEquals(0, TrainingStyle.angle(recorded.hematoxylin(), again.hematoxylin()), 0.01);

		Path dir = Files.createTempDirectory("stst-style-");
		Properties old = tiny.metadata();
		for (String k : List.of(TrainingStyle.IMAGES, TrainingStyle.HEMATOXYLIN, TrainingStyle.EOSIN, TrainingStyle.SPREAD, TrainingStyle.GRAY_LOW,
			TrainingStyle.GRAY_HIGH))
			old.remove(k);
		Path oldFile = dir.resolve("old.zip");
		new StstModel(tiny.spec(), tiny.weights(), old).write(oldFile);
		StstModel oldModel = StstModel.read(oldFile);
		assertNull("a model written before the record has none", oldModel.trainingStyle());
		// and STST runs on it without a style warning, on an image of quite another style
		var stst = new Stst(sc.fiji.stainnorm.normalize.MethodOptions.parse("model=" + oldFile));
		stst.fit(List.of());
		for (String w : stst.normalize(tissue(StainStyle.C, 60, 1).get(0)).warnings()) assertTrue(w, !w.contains("another lab's style"));

		Properties bad = tiny.metadata();
		bad.setProperty(TrainingStyle.SPREAD, "-1,2");
		try {
			new StstModel(tiny.spec(), tiny.weights(), bad);
			fail("a negative spread is refused");
		}
		catch (StainNormException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("invalid training-style record"));
		}
	}

	/**
	 * The bundled model's record on the shared images: every glioblastoma tile of its lab (trained on or held out)
	 * stays below the threshold, and most other labs' images are above it.
	 */
	@Test
	public void bundledModelWarnsOnOtherLabsButNotOnItsOwn() throws IOException {
		Path he = SharedData.he(HeldOutValidation.GBM).getParent();
		StstModel bundled = StstModel.bundled();
		TrainingStyle style = bundled.trainingStyle();
		assertNotNull("the bundled model records its training style", style);
		int others = 0, warned = 0;
		for (Map.Entry<String, List<StyleCheck.Named>> g : StyleCheck.groups(bundled, he).entrySet()) {
			if (g.getKey().contains("shift")) continue; // synthetic variants of the lab's own tiles: reported, not asserted
			boolean ownLab = g.getKey().startsWith(HeldOutValidation.GBM);
			for (StyleCheck.Named n : g.getValue()) {
				TrainingStyle.Measure m = TrainingStyle.Measure.of(n.image());
				if (m == null) continue; // single-stain images (HEnorm's H and E outputs): nothing to compare
				String w = style.warning(n.image());
				if (ownLab) assertNull(g.getKey() + " " + n.name() + ": " + w, w);
				else {
					others++;
					if (w != null) warned++;
				}
			}
		}
		assertTrue("other labs' images measured: " + others, others >= 20);
		assertTrue(warned + " of " + others + " other labs' images warned", warned >= 0.85 * others);
	}

	/** The CLI: one WARNING line naming the other lab's file; the lab's own tile gets none. */
	@Test
	public void cliWarnsNamingTheFile() throws IOException {
		Path other = SharedData.he("Anki0909_BreakHist-Dataset-Image-Classification/SOB_B_TA-14-3411F-40-001.png"),
			own = SharedData.he(HeldOutValidation.GBM + "/22.tif");
		Path dir = Files.createTempDirectory("stst-style-cli-");
		Path inputs = Files.createDirectories(dir.resolve("in"));
		Files.copy(other, inputs.resolve("breakhis.png"));
		Files.copy(own, inputs.resolve("gbm22.tif"));
		sc.fiji.stainnorm.cli.CliRun r = sc.fiji.stainnorm.cli.CliRun.run("normalize", "--method", "stst", "--output", dir.resolve("out").toString(), inputs.toString());
		assertEquals(r.err(), 0, r.code());
		// the normalize command's warnings, like all its per-file warnings, are WARNING lines on stderr
		List<String> styleLines = r.err().lines().filter(l -> l.contains("another lab's style")).toList();
		assertEquals(r.out() + r.err(), 1, styleLines.size());
		assertTrue(styleLines.get(0), styleLines.get(0).startsWith("WARNING") && styleLines.get(0).contains("breakhis.png"));
	}
}
