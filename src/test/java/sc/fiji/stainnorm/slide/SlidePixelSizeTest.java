package sc.fiji.stainnorm.slide;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.util.HashMap;
import java.util.Map;

import org.junit.Test;

/** Where {@link Slide} finds the pixel size and magnification: description fields first, then the resolution tags. */
public class SlidePixelSizeTest {

	private static PixelSize of(String description, Long unit, double xres, double yres) {
		Map<Integer, Object> tags = new HashMap<>();
		if (unit != null) tags.put(TiffFile.RESOLUTION_UNIT, new long[] { unit });
		if (xres > 0) tags.put(TiffFile.X_RESOLUTION, new double[] { xres });
		if (yres > 0) tags.put(TiffFile.Y_RESOLUTION, new double[] { yres });
		return Slide.pixelSize(new TiffFile.Directory(8, tags, 0), description);
	}

	@Test
	public void aperioFieldsWinOverTheResolutionTags() {
		PixelSize p = of("Aperio Image Library v12.0.15 \n46000x32914 (256x256) JPEG/RGB Q=70|AppMag = 20|MPP = 0.4990", 3L, 1000, 1000);
		assertEquals(0.499, p.micronsX(), 1e-12);
		assertEquals(0.499, p.micronsY(), 1e-12);
		assertEquals(20, p.magnification(), 0);
	}

	@Test
	public void theProjectsWriterFieldsWithMppYAreRead() {
		PixelSize p = of("Stain Normalization for Fiji pyramidal TIFF|size = 10x10|MPP = 0.25|MPP-Y = 0.3|AppMag = 40", null, 0, 0);
		assertEquals(0.25, p.micronsX(), 1e-12);
		assertEquals(0.3, p.micronsY(), 1e-12);
		assertEquals(40, p.magnification(), 0);
	}

	@Test
	public void omeXmlPhysicalSizeWithItsUnits() {
		String ome = "<?xml version=\"1.0\"?><OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\"><Instrument ID=\"I:0\">"
			+ "<Objective ID=\"O:0\" NominalMagnification=\"40.0\"/></Instrument><Image ID=\"Image:0\"><Pixels ID=\"Pixels:0\" "
			+ "PhysicalSizeX=\"250\" PhysicalSizeXUnit=\"nm\" PhysicalSizeY=\"0.26\" SizeX=\"10\" SizeY=\"10\"/></Image></OME>";
		PixelSize p = of(ome, 2L, 72, 72);
		assertEquals(0.25, p.micronsX(), 1e-12);
		assertEquals("µm when no unit is given", 0.26, p.micronsY(), 1e-12);
		assertEquals(40, p.magnification(), 0);
	}

	@Test
	public void resolutionTagsWithTheirUnit() {
		assertEquals(0.5, of("", 3L, 20000, 20000).micronsX(), 1e-12);
		assertEquals(25400 / 72.0, of("", 2L, 72, 72).micronsX(), 1e-9);
		assertEquals("the TIFF default unit is the inch", 25400 / 300.0, of("", null, 300, 300).micronsY(), 1e-9);
		assertFalse("unit 1: no absolute unit", of("", 1L, 300, 300).known());
		assertFalse(of("", null, 0, 0).known());
	}
}
