package sc.fiji.stainnorm.normalize;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.Test;

import sc.fiji.stainnorm.SharedData;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.TestImages;

public class ReinhardTest {
	private static final RgbImage A1 = TestImages.render(1, StainStyle.A), B1 = TestImages.render(1, StainStyle.B),
		B2 = TestImages.render(2, StainStyle.B), C2 = TestImages.render(2, StainStyle.C);

	/**
	 * Reinhard et al. 2001 written out from the paper. The paper's printed LMS-to-RGB matrix is not the inverse of
	 * its RGB-to-LMS matrix (third row off by up to 0.017, i.e. up to 2 levels of blue), so the inverse is
	 * computed here by Gauss-Jordan elimination.
	 */
	private static final class PaperReinhard {
		static final double[][] RGB_TO_LMS = { { 0.3811, 0.5783, 0.0402 }, { 0.1967, 0.7244, 0.0782 }, { 0.0241, 0.1288, 0.8444 } };
		static final double[][] LMS_TO_RGB = gaussJordanInverse(RGB_TO_LMS);

		static double[][] gaussJordanInverse(double[][] m) {
			double[][] a = new double[3][6];
			for (int i = 0; i < 3; i++) {
				System.arraycopy(m[i], 0, a[i], 0, 3);
				a[i][3 + i] = 1;
			}
			for (int col = 0; col < 3; col++) {
				int pivot = col;
				for (int r = col + 1; r < 3; r++)
					if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
				double[] t = a[col];
				a[col] = a[pivot];
				a[pivot] = t;
				double d = a[col][col];
				for (int j = 0; j < 6; j++)
					a[col][j] /= d;
				for (int r = 0; r < 3; r++)
					if (r != col) {
						double f = a[r][col];
						for (int j = 0; j < 6; j++)
							a[r][j] -= f * a[col][j];
					}
			}
			double[][] inv = new double[3][3];
			for (int i = 0; i < 3; i++)
				System.arraycopy(a[i], 3, inv[i], 0, 3);
			return inv;
		}

		static double[] toLab(int rgb) {
			double[] c = { RgbImage.red(rgb) / 255.0, RgbImage.green(rgb) / 255.0, RgbImage.blue(rgb) / 255.0 };
			double[] log = new double[3];
			for (int i = 0; i < 3; i++)
				log[i] = Math.log10(Math.max(1.0 / 255, RGB_TO_LMS[i][0] * c[0] + RGB_TO_LMS[i][1] * c[1] + RGB_TO_LMS[i][2] * c[2]));
			return new double[] { (log[0] + log[1] + log[2]) / Math.sqrt(3), (log[0] + log[1] - 2 * log[2]) / Math.sqrt(6),
				(log[0] - log[1]) / Math.sqrt(2) };
		}

		static double[] toRgb(double[] lab) {
			double a = lab[0] * Math.sqrt(3) / 3, b = lab[1] * Math.sqrt(6) / 6, c = lab[2] * Math.sqrt(2) / 2;
			double[] lms = { Math.pow(10, a + b + c), Math.pow(10, a + b - c), Math.pow(10, a - 2 * b) };
			double[] rgb = new double[3];
			for (int i = 0; i < 3; i++)
				rgb[i] = 255 * (LMS_TO_RGB[i][0] * lms[0] + LMS_TO_RGB[i][1] * lms[1] + LMS_TO_RGB[i][2] * lms[2]);
			return rgb;
		}

		static double[][] stats(RgbImage img) {
			double[] mean = new double[3], sq = new double[3];
			int n = img.pixelCount();
			for (int p : img.pixels()) {
				double[] v = toLab(p);
				for (int c = 0; c < 3; c++) {
					mean[c] += v[c] / n;
					sq[c] += v[c] * v[c] / n;
				}
			}
			double[] std = new double[3];
			for (int c = 0; c < 3; c++)
				std[c] = Math.sqrt(sq[c] - mean[c] * mean[c]);
			return new double[][] { mean, std };
		}

		static RgbImage transfer(RgbImage src, RgbImage ref) {
			double[][] s = stats(src), t = stats(ref);
			int[] out = new int[src.pixelCount()];
			for (int i = 0; i < out.length; i++) {
				double[] v = toLab(src.pixels()[i]);
				for (int c = 0; c < 3; c++)
					v[c] = (v[c] - s[0][c]) * t[1][c] / s[1][c] + t[0][c];
				double[] rgb = toRgb(v);
				out[i] = RgbImage.pack(RgbImage.toByte(rgb[0]), RgbImage.toByte(rgb[1]), RgbImage.toByte(rgb[2]));
			}
			return RgbImage.wrap(src.width(), src.height(), out);
		}
	}

	private static RgbImage normalize(Reinhard r, RgbImage src, RgbImage... refs) {
		r.fit(List.of(refs));
		Normalized n = r.normalize(src);
		assertEquals(List.of(), n.warnings());
		return n.image();
	}

	@Test
	public void agreesWithThePaperWrittenOutIndependently() {
		for (RgbImage[] pair : new RgbImage[][] { { A1, B1 }, { A1, C2 }, { C2, B2 } }) {
			RgbImage ours = normalize(new Reinhard(Reinhard.Space.RUDERMAN, false), pair[0], pair[1]);
			PixelDiff d = PixelDiff.of(ours, PaperReinhard.transfer(pair[0], pair[1]));
			assertTrue(d.toString(), d.max() <= 1 && d.mean() < 0.02);
		}
	}

	@Test
	public void outputHasTheTargetStatistics() {
		Reinhard r = new Reinhard(Reinhard.Space.RUDERMAN, false);
		RgbImage out = normalize(r, A1, B2);
		Reinhard.Statistics got = Reinhard.statistics(out, Reinhard.Space.RUDERMAN, false), want = r.target();
		for (int c = 0; c < 3; c++) {
			assertEquals("mean " + c, want.mean()[c], got.mean()[c], 0.002);
			assertEquals("std " + c, want.std()[c], got.std()[c], 0.03 * want.std()[c]);
		}
		// and it really moved: the source statistics were elsewhere
		Reinhard.Statistics before = Reinhard.statistics(A1, Reinhard.Space.RUDERMAN, false);
		assertTrue(Math.abs(before.mean()[1] - want.mean()[1]) > 0.01 || Math.abs(before.mean()[2] - want.mean()[2]) > 0.01);
	}

	@Test
	public void cieLabOutputHasTheTargetStatistics() {
		Reinhard r = new Reinhard(Reinhard.Space.CIELAB, false);
		RgbImage out = normalize(r, C2, B1);
		Reinhard.Statistics got = Reinhard.statistics(out, Reinhard.Space.CIELAB, false), want = r.target();
		for (int c = 0; c < 3; c++) {
			assertEquals("mean " + c, want.mean()[c], got.mean()[c], 0.3);
			assertEquals("std " + c, want.std()[c], got.std()[c], 0.04 * want.std()[c] + 0.2);
		}
	}

	@Test
	public void normalizingTheReferenceToItselfChangesNothing() {
		for (Reinhard.Space space : Reinhard.Space.values()) {
			PixelDiff d = PixelDiff.of(normalize(new Reinhard(space, false), B1, B1), B1);
			assertTrue(space + ": " + d, d.max() <= 1);
		}
	}

	@Test
	public void severalReferencesPoolTheirPixels() {
		RgbImage stacked = RgbImage.create(256, 512);
		System.arraycopy(B1.pixels(), 0, stacked.pixels(), 0, B1.pixelCount());
		System.arraycopy(C2.pixels(), 0, stacked.pixels(), B1.pixelCount(), C2.pixelCount());
		for (boolean mask : new boolean[] { false, true }) {
			Reinhard pooled = new Reinhard(Reinhard.Space.RUDERMAN, mask), single = new Reinhard(Reinhard.Space.RUDERMAN, mask);
			pooled.fit(List.of(B1, C2));
			single.fit(List.of(stacked));
			for (int c = 0; c < 3; c++) {
				assertEquals(single.target().mean()[c], pooled.target().mean()[c], 1e-9);
				assertEquals(single.target().std()[c], pooled.target().std()[c], 1e-9);
			}
			assertTrue(pooled.normalize(A1).image().sameRgb(single.normalize(A1).image()));
		}
	}

	@Test
	public void theTissueMaskKeepsWhiteBackgroundOutOfTheStatistics() {
		// the same tissue with three times its area of white slide around it
		RgbImage padded = RgbImage.create(512, 512);
		for (int y = 0; y < 256; y++)
			System.arraycopy(A1.pixels(), y * 256, padded.pixels(), (y + 128) * 512 + 128, 256);
		boolean[] inner = new boolean[512 * 512];
		for (int y = 128; y < 384; y++)
			for (int x = 128; x < 384; x++)
				inner[y * 512 + x] = true;
		for (boolean mask : new boolean[] { true, false }) {
			RgbImage plain = normalize(new Reinhard(Reinhard.Space.RUDERMAN, mask), A1, B1);
			RgbImage fromPadded = normalize(new Reinhard(Reinhard.Space.RUDERMAN, mask), padded, B1).crop(128, 128, 256, 256);
			PixelDiff d = PixelDiff.of(plain, fromPadded);
			if (mask) assertTrue("with mask: " + d, d.max() <= 1);
			else assertTrue("without mask the background skews the result: " + d, d.mean() > 5);
		}
	}

	/** Issue 12: with the mask, tissue statistics applied to glass tinted it ((243, 242, 243) became (255, 254, 218)). */
	@Test
	public void glassKeepsItsColourWithTheMask() {
		int glass = RgbImage.pack(243, 242, 243);
		RgbImage slide = RgbImage.create(512, 256);
		java.util.Arrays.fill(slide.pixels(), glass);
		for (int y = 0; y < 256; y++)
			System.arraycopy(A1.pixels(), y * 256, slide.pixels(), y * 512, 256);
		for (Reinhard.Space space : Reinhard.Space.values()) {
			RgbImage out = normalize(new Reinhard(space, true), slide, B1);
			for (int y = 0; y < 256; y++)
				for (int x = 300; x < 512; x++)
					assertEquals(space + " tinted the glass at " + x + "," + y, glass & 0xFFFFFF, out.get(x, y) & 0xFFFFFF);
			// the tissue is still normalized
			assertTrue(space + ": tissue unchanged", PixelDiff.of(out.crop(0, 0, 256, 256), A1).mean() > 5);
		}
		// without the mask (the original method) glass is transformed with everything else
		RgbImage plain = normalize(new Reinhard(Reinhard.Space.CIELAB, false), slide, B1);
		assertTrue((plain.get(400, 100) & 0xFFFFFF) != (glass & 0xFFFFFF));
	}

	/**
	 * Issue 12 item 4: with {@code glass=reference} the source's glass is drawn at the reference's glass level (neutral
	 * glass stays neutral glass) with or without the mask, in both spaces; tissue is mapped exactly as with
	 * {@code glass=transfer}, and the transition band lies between the two.
	 */
	@Test
	public void glassIsDrawnAtTheReferencesGlassLevel() {
		int glass = RgbImage.pack(243, 242, 243), referenceGlass = RgbImage.pack(231, 231, 233);
		RgbImage slide = beside(A1, glass), reference = beside(B1, referenceGlass);
		double[] sourceGlass = Reinhard.glassLevel(slide);
		assertEquals("the source's glass level", 243, sourceGlass[0], 1);
		for (Reinhard.Space space : Reinhard.Space.values())
			for (boolean mask : new boolean[] { false, true }) {
				Reinhard r = new Reinhard(space, mask, Reinhard.Glass.REFERENCE);
				RgbImage out = normalize(r, slide, reference);
				double[] level = r.exportTarget().get("glass");
				assertEquals(space + " " + mask + ": the reference's glass level", 231, level[0], 1);
				assertEquals(space + " " + mask + ": the reference's glass level", 233, level[2], 1);
				double gain = Reinhard.glassGain(sourceGlass, level);
				int expected = RgbImage.pack(RgbImage.toByte(243 * gain), RgbImage.toByte(242 * gain), RgbImage.toByte(243 * gain));
				// at the reference's brightness, in the input's own neutral colour (not the reference's bluish tint)
				assertEquals(space + " " + mask + ": the glass drawn at the reference's level", 231, RgbImage.green(expected), 1);
				assertEquals(RgbImage.red(expected), RgbImage.blue(expected));
				for (int y = 0; y < 256; y++)
					for (int x = 300; x < 512; x++)
						assertEquals(space + " " + mask + ": glass at " + x + "," + y, expected & 0xFFFFFF, out.get(x, y) & 0xFFFFFF);
				RgbImage transferred = normalize(new Reinhard(space, mask, Reinhard.Glass.TRANSFER), slide, reference);
				int tissue = 0;
				for (int i = 0; i < slide.pixelCount(); i++) {
					int p = slide.pixels()[i], o = out.pixels()[i], t = transferred.pixels()[i];
					double w = Reinhard.glassWeight(p);
					if (w == 0) {
						assertEquals(space + " " + mask + ": tissue pixel " + i, t & 0xFFFFFF, o & 0xFFFFFF);
						tissue++;
					}
					else if (w < 1) for (int shift = 0; shift <= 16; shift += 8) {
						int in = p >> shift & 0xFF, a = t >> shift & 0xFF, g = RgbImage.toByte(in * gain);
						assertTrue(space + " " + mask + ": pixel " + i + " of the transition band between transfer and glass",
							(o >> shift & 0xFF) >= Math.min(a, g) && (o >> shift & 0xFF) <= Math.max(a, g));
					}
				}
				assertTrue(space + " " + mask + ": tissue mapped", tissue > 40000 && PixelDiff.of(out.crop(0, 0, 256, 256), A1).mean() > 5);
			}
	}

	/**
	 * Issue 12 item 4, the default {@code glass=anchor}: towards a reference whose statistics would tint and darken the
	 * source's glass (a dense reference beside dim bluish glass), the glass keeps its own colour (within
	 * {@link Reinhard#ANCHOR_CHROMA} chroma) at the reference's glass lightness (within {@link Reinhard#ANCHOR_LIGHTNESS}
	 * L*), in both spaces; pixels more than {@link Reinhard#ANCHOR_RAMP} L* below the glass are the transfer's exactly; and
	 * towards the image itself, where the transfer draws glass right, nothing changes at all.
	 */
	@Test
	public void anchorKeepsGlassUntintedAtTheReferencesBrightness() {
		int glass = RgbImage.pack(243, 242, 243);
		RgbImage slide = beside(A1, glass), reference = beside(C2, RgbImage.pack(214, 218, 236));
		double[] g = lab(glass), referenceGlass = lab(RgbImage.pack(214, 218, 236));
		RgbImage covered = A1.copy(); // tissue everywhere: every pixel at 80 % of A1's, below glass lightness
		for (int i = 0; i < covered.pixelCount(); i++) {
			int p = A1.pixels()[i];
			covered.pixels()[i] = RgbImage.pack(RgbImage.red(p) * 4 / 5, RgbImage.green(p) * 4 / 5, RgbImage.blue(p) * 4 / 5);
		}
		for (Reinhard.Space space : Reinhard.Space.values()) {
			RgbImage transferred = normalize(new Reinhard(space, false, Reinhard.Glass.TRANSFER), slide, reference);
			RgbImage out = normalize(new Reinhard(space, false, Reinhard.Glass.ANCHOR), slide, reference);
			double[] t = lab(transferred.get(400, 100)), o = lab(out.get(400, 100));
			assertTrue(space + ": the case must tint or darken the transferred glass: " + java.util.Arrays.toString(t),
				Math.hypot(t[1] - g[1], t[2] - g[2]) > Reinhard.ANCHOR_CHROMA + 1 || Math.abs(t[0] - referenceGlass[0]) > Reinhard.ANCHOR_LIGHTNESS + 1);
			for (int y = 0; y < 256; y++)
				for (int x = 300; x < 512; x++)
					assertEquals(space + ": glass alike at " + x + "," + y, out.get(400, 100), out.get(x, y));
			assertTrue(space + ": glass untinted " + java.util.Arrays.toString(o), Math.hypot(o[1] - g[1], o[2] - g[2]) <= Reinhard.ANCHOR_CHROMA + 1);
			assertTrue(space + ": glass at the reference's brightness " + java.util.Arrays.toString(o),
				Math.abs(o[0] - referenceGlass[0]) <= Reinhard.ANCHOR_LIGHTNESS + 1);
			int far = 0;
			for (int i = 0; i < slide.pixelCount(); i++)
				if (lab(slide.pixels()[i])[0] < g[0] - Reinhard.ANCHOR_RAMP) {
					assertEquals(space + ": tissue pixel " + i, transferred.pixels()[i], out.pixels()[i]);
					far++;
				}
			assertTrue(space + ": tissue checked " + far, far > 20000);
			assertFalse(Reinhard.showsGlass(covered));
			assertTrue(space + ": a patch that shows no glass is the transfer's", normalize(new Reinhard(space, false, Reinhard.Glass.TRANSFER), covered, reference)
				.sameRgb(normalize(new Reinhard(space, false, Reinhard.Glass.ANCHOR), covered, reference)));
			assertTrue(space + ": where the transfer draws glass right nothing changes",
				normalize(new Reinhard(space, false, Reinhard.Glass.TRANSFER), slide, slide).sameRgb(normalize(new Reinhard(space, false, Reinhard.Glass.ANCHOR), slide, slide)));
		}
	}

	/**
	 * Regression (glioblastoma tiles 34 and 39, cross-lab strong shifts): the source's "glass" can be pale tissue (a dense
	 * patch's brightest mode, here (222, 212, 220) at L* 86) and the reference can show no glass at all (its level then the
	 * 255 stand-in). The anchor used to pull that glass 25-30 L* up towards white, and everything within 20 L* below it with
	 * it, which made white blotches of pale tissue; and its correction, a function of lightness alone, took the colour of
	 * pink tissue as light as the glass. Now a reference without glass holds the glass at its own lightness and colour, and
	 * pixels clearly more coloured than glass are the transfer's exactly.
	 */
	@Test
	public void anchorLeavesPaleTissueAndAReferenceWithoutGlassAlone() {
		int pale = RgbImage.pack(222, 212, 220), pink = RgbImage.pack(255, 188, 230);
		RgbImage slide = beside(A1, pale);
		for (int y = 0; y < 64; y++) // a band of pink tissue as light as the pale mode, in the glass field
			for (int x = 256; x < 512; x++)
				slide.pixels()[y * slide.width() + x] = pink;
		RgbImage dense = C2.copy(); // a reference covered by tissue: no glass to show
		for (int i = 0; i < dense.pixelCount(); i++) {
			int p = C2.pixels()[i];
			dense.pixels()[i] = RgbImage.pack(RgbImage.red(p) * 7 / 10, RgbImage.green(p) * 7 / 10, RgbImage.blue(p) * 7 / 10);
		}
		assertFalse(Reinhard.showsGlass(dense));
		double[] g = lab(pale), k = lab(pink);
		assertTrue("pink as light as the glass " + java.util.Arrays.toString(k), Math.abs(k[0] - g[0]) < 3
			&& Math.hypot(k[1], k[2]) >= Reinhard.GLASS_CHROMA_TO + Reinhard.ANCHOR_RAMP);
		for (Reinhard.Space space : Reinhard.Space.values()) {
			RgbImage transferred = normalize(new Reinhard(space, false, Reinhard.Glass.TRANSFER), slide, dense);
			RgbImage out = normalize(new Reinhard(space, false, Reinhard.Glass.ANCHOR), slide, dense);
			double[] t = lab(transferred.get(400, 200)), o = lab(out.get(400, 200));
			assertTrue(space + ": the case must darken the transferred glass: " + java.util.Arrays.toString(t), t[0] < g[0] - Reinhard.ANCHOR_LIGHTNESS - 3);
			assertEquals(space + ": glass at its own lightness, not pulled to white " + java.util.Arrays.toString(o), g[0] - Reinhard.ANCHOR_LIGHTNESS, o[0], 1);
			assertEquals(space + ": glass in its own colour " + java.util.Arrays.toString(o), 0, Math.hypot(o[1] - g[1], o[2] - g[2]), 1.5);
			for (int y = 0; y < 64; y++)
				for (int x = 256; x < 512; x++)
					assertEquals(space + ": pink tissue at " + x + "," + y + " is the transfer's", transferred.get(x, y), out.get(x, y));
		}
	}

	private static double[] lab(int p) {
		return sc.fiji.stainnorm.core.ColorSpaces.rgbToLab(RgbImage.red(p), RgbImage.green(p), RgbImage.blue(p));
	}

	/** The image beside a field of glass of its size (a tissue section at the edge of a slide). */
	private static RgbImage beside(RgbImage tissue, int glass) {
		RgbImage slide = RgbImage.create(2 * tissue.width(), tissue.height());
		java.util.Arrays.fill(slide.pixels(), glass);
		for (int y = 0; y < tissue.height(); y++)
			System.arraycopy(tissue.pixels(), y * tissue.width(), slide.pixels(), y * slide.width(), tissue.width());
		return slide;
	}

	@Test
	public void glassOptionDefaultsToTheMaskAndIsChecked() {
		assertEquals(Reinhard.Glass.ANCHOR, new Reinhard(MethodOptions.parse("")).glass());
		assertEquals(Reinhard.Glass.TRANSFER, new Reinhard(MethodOptions.parse("space=cielab,mask=false,glass=transfer")).glass());
		assertEquals(Reinhard.Glass.TRANSFER, new Reinhard(Reinhard.Space.CIELAB, false).glass());
		assertEquals(Reinhard.Glass.KEEP, new Reinhard(MethodOptions.parse("mask=true")).glass());
		assertEquals(Reinhard.Glass.REFERENCE, new Reinhard(MethodOptions.parse("mask=false,glass=reference")).glass());
		assertThrows(sc.fiji.stainnorm.core.InvalidSettingException.class, () -> new Reinhard(MethodOptions.parse("glass=white")));
		Reinhard reference = new Reinhard(Reinhard.Space.CIELAB, false, Reinhard.Glass.REFERENCE), transfer = new Reinhard(Reinhard.Space.CIELAB, false);
		reference.fit(List.of(B1));
		transfer.fit(List.of(B1));
		SourceModel model = transfer.learnSource(List.of(A1));
		assertThrows(IllegalArgumentException.class, () -> reference.normalize(model, A1));
		assertTrue(reference.learnSource(List.of(A1)).describe(), reference.learnSource(List.of(A1)).describe().contains("glass ("));
	}

	@Test
	public void cieLabStatisticsMatchTorchstain() {
		// torchstain's Reinhard (OpenCV 8-bit LAB, rescaled to L*a*b* units) on the whole target image
		RgbImage target = ImageFiles.read(SharedData.he("EIDOSLAB_torchstain/target.png"));
		Reinhard.Statistics s = Reinhard.statistics(target, Reinhard.Space.CIELAB, false);
		double[] mean = { 70.39622497558594, 11.843820571899414, -19.95210075378418 };
		double[] std = { 14.091207504272461, 7.232985496520996, 10.121306419372559 };
		for (int c = 0; c < 3; c++) {
			assertEquals("mean " + c, mean[c], s.mean()[c], 0.5);
			assertEquals("std " + c, std[c], s.std()[c], 0.3);
		}
	}

	@Test
	public void realImageMovesTowardsTheTargetColours() {
		RgbImage source = ImageFiles.read(SharedData.he("EIDOSLAB_torchstain/source.png"));
		RgbImage target = ImageFiles.read(SharedData.he("EIDOSLAB_torchstain/target.png"));
		Reinhard r = new Reinhard(Reinhard.Space.RUDERMAN, false);
		RgbImage out = normalize(r, source, target);
		Reinhard.Statistics got = Reinhard.statistics(out, Reinhard.Space.RUDERMAN, false);
		Reinhard.Statistics before = Reinhard.statistics(source, Reinhard.Space.RUDERMAN, false);
		for (int c = 0; c < 3; c++) {
			double was = Math.abs(before.mean()[c] - r.target().mean()[c]), is = Math.abs(got.mean()[c] - r.target().mean()[c]);
			assertTrue("channel " + c + ": " + was + " -> " + is, is < 0.5 * was + 0.003);
		}
	}

	@Test
	public void grayInputIsShiftedWithAWarningAndGrayReferenceIsRefused() {
		RgbImage gray = sc.fiji.stainnorm.core.ColorSpaces.grayscale(A1);
		Reinhard r = new Reinhard(Reinhard.Space.RUDERMAN, false);
		r.fit(List.of(B1));
		Normalized n = r.normalize(gray);
		assertEquals(1, n.warnings().size());
		assertFalse(n.image().sameRgb(gray));
		StainNormException e = assertThrows(StainNormException.class, () -> new Reinhard(Reinhard.Space.RUDERMAN, false).fit(List.of(gray)));
		assertTrue(e.getMessage(), e.getMessage().contains("no colour variation"));
	}

	@Test
	public void optionsAreCheckedByName() {
		assertEquals(Reinhard.Space.CIELAB, ((Reinhard) Methods.create("reinhard", new MethodOptions(Map.of("space", "cielab", "mask", "true")))).space());
		assertThrows(StainNormException.class, () -> Methods.create("reinhard", MethodOptions.parse("space=hsv")));
		assertThrows(StainNormException.class, () -> Methods.create("reinhard", MethodOptions.parse("mask=perhaps")));
		StainNormException e = assertThrows(StainNormException.class, () -> Methods.create("reinhard", MethodOptions.parse("io=240")));
		assertTrue(e.getMessage(), e.getMessage().contains("space") && e.getMessage().contains("mask"));
	}

	@Test
	public void normalizeBeforeFitIsAProgrammingError() {
		assertThrows(IllegalStateException.class, () -> new Reinhard(Reinhard.Space.RUDERMAN, false).normalize(A1));
		assertThrows(StainNormException.class, () -> new Reinhard(Reinhard.Space.RUDERMAN, false).fit(List.of()));
	}
}
