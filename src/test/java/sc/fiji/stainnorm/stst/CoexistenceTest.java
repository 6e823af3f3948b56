package sc.fiji.stainnorm.stst;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * The test class path holds {@code org.tensorflow:libtensorflow:1.15.0} ahead of TensorFlow Java, as a Fiji
 * with the TensorFlow 1.x jars would: STST must still load TensorFlow Java's classes and run.
 */
public class CoexistenceTest {

	@Test
	public void ststRunsWithTensorFlow1JarsOnTheClassPath() throws Exception {
		ClassLoader app = getClass().getClassLoader();
		Class<?> graph1 = Class.forName("org.tensorflow.Graph", false, app);
		String where1 = graph1.getProtectionDomain().getCodeSource().getLocation().toString();
		assertTrue("the application class path should resolve org.tensorflow.Graph to TF 1.15, got " + where1, where1.contains("libtensorflow-1.15.0"));

		StstEngine engine = EngineLoader.engine();
		ClassLoader isolated = engine.getClass().getClassLoader();
		assertNotSame(app, isolated);
		String whereEngine = Class.forName("org.tensorflow.Graph", false, isolated).getProtectionDomain().getCodeSource().getLocation().toString();
		assertTrue(whereEngine, whereEngine.contains("tensorflow-core-api"));
		// shared types stay shared: the engine works on our own image and weight classes
		assertEquals(RgbImage.class, Class.forName(RgbImage.class.getName(), false, isolated));
		assertEquals(NamedTensors.class, Class.forName(NamedTensors.class.getName(), false, isolated));
		assertTrue(engine.describe(), engine.describe().startsWith("TensorFlow 2."));

		RgbImage img = SyntheticTissue.generate(9, 96, 80).render(StainStyle.A, 1.0);
		RgbImage out = Methods.create("stst", MethodOptions.parse("model=" + TinyModels.trained().model())).normalize(img).image();
		assertEquals(96, out.width());
		assertTrue(!out.sameRgb(img));
	}
}
