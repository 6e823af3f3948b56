package sc.fiji.stainnorm.evaluate;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.junit.Test;

import sc.fiji.stainnorm.SharedData;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;

/**
 * Issue 12, image-damage checks: every classical method with its default options, on every shared real image (a
 * 256² crop) towards two references of other groups, keeps glass neutral and bright, adds no cyan/green, keeps nuclei
 * the darkest and bluest structures, keeps the luma order inside tissue and clips few tissue pixels. A limit is the
 * absolute one of {@link CrossLab#damage} or, where the published reference settings (Reinhard
 * {@code space=cielab,mask=false,glass=transfer}, Macenko {@code tissue=channels}) already do worse on the same case, what the better of
 * them does plus a small margin: no default may damage an image more than a published method does.
 */
public class DamageChecksTest {
	/**
	 * Each method with its default options, and Reinhard's glass-keeping option sets ({@code glass=reference}, issue 12
	 * item 4: glass never tinted), held to the same checks: {@code method} or {@code method:options}.
	 */
	private static final List<String> METHODS = List.of("reinhard", "reinhard:glass=reference", "reinhard:mask=true,glass=reference", "macenko", "khan",
		"vahadane");
	/**
	 * Option sets of which only the glass checks are asserted (item 4 of issue 12: glass never tinted), the rest reported:
	 * with the mask, Reinhard adds cyan/green to tissue towards BreakHis's camera image (3 of 42 cases, the same 3 with
	 * {@code mask=true} alone: the mask's tissue statistics do it, not the glass mapping).
	 */
	private static final java.util.Set<String> GLASS_ONLY = java.util.Set.of("reinhard:mask=true,glass=reference");
	private static final String[][] REFERENCE_SETTINGS = { { "reinhard", CrossLab.REINHARD_REFERENCE }, { "macenko", "tissue=channels" } };

	/**
	 * Damage still done by a non-experimental default, each with its reason (issue 12 is not closed for these): the
	 * test fails on any other damage, and on a listed case that no longer fails (then remove it from the list).
	 */
	private static final Map<String, String> KNOWN = Map.of();

	/** The method of a {@code method:options} entry of {@link #METHODS}. */
	private static String method(String entry) {
		return entry.contains(":") ? entry.substring(0, entry.indexOf(':')) : entry;
	}

	private static StainNormalizer fitted(String method, String options, RgbImage reference) {
		StainNormalizer n = Methods.create(method, options.isEmpty() ? MethodOptions.none() : MethodOptions.parse(options));
		n.fit(List.of(reference));
		return n;
	}

	/** The properties a measure breaks, given what the better reference setting does on the same case. */
	static List<String> broken(ImageDamage.Measures m, ImageDamage.Measures ref, double referenceClipped) {
		List<String> b = new ArrayList<>();
		if (m.glassChroma() > Math.max(m.glassChromaIn() + CrossLab.MAX_GLASS_CHROMA_GAIN, nan(ref.glassChroma(), -1) + 2)) b.add("glass tinted");
		if (m.glassLightness() < Math.min(Math.min(CrossLab.MIN_GLASS_LIGHTNESS, m.glassLightnessIn() - CrossLab.MAX_GLASS_DARKENING),
			nan(ref.glassLightness(), 1e9) - 3)) b.add("glass darkened");
		if (m.newCyan() > Math.max(CrossLab.MAX_NEW_CYAN, nan(ref.newCyan(), -1) + 0.01)) b.add("cyan/green appeared");
		if (m.nucleiContrast() < Math.min(CrossLab.MIN_NUCLEI_CONTRAST, nan(ref.nucleiContrast(), 1e9) - 0.1)
			|| (m.nucleiBluenessIn() > 2 && m.nucleiBlueness() < Math.min(0, nan(ref.nucleiBlueness(), 1e9) - 1))) b.add("nuclei lost");
		if (m.lumaRank() < Math.min(CrossLab.MIN_LUMA_RANK, nan(ref.lumaRank(), 1e9) - 0.05)) b.add("luma order lost");
		// a target style whose own tissue is clipped (saturated scans) is matched by clipping
		if (m.newClipped() > Math.max(Math.max(CrossLab.MAX_NEW_CLIPPED, referenceClipped + 0.02), nan(ref.newClipped(), -1) + 0.02)) b.add("clipped");
		return b;
	}

	/** Share of the image's tissue pixels with a channel at 0 or 255. */
	static double clippedTissue(RgbImage image) {
		long tissue = 0, clipped = 0;
		for (int p : image.pixels()) {
			if (!sc.fiji.stainnorm.core.TissueMask.isTissue(p)) continue;
			tissue++;
			int r = RgbImage.red(p), g = RgbImage.green(p), b = RgbImage.blue(p);
			if (r == 0 || g == 0 || b == 0 || r == 255 || g == 255 || b == 255) clipped++;
		}
		return tissue == 0 ? 0 : clipped / (double) tissue;
	}

	private static double nan(double v, double instead) {
		return Double.isNaN(v) ? instead : v;
	}

	/** The better (least damaging) of the reference settings' measures, per property. */
	private static ImageDamage.Measures best(List<ImageDamage.Measures> refs) {
		double gc = Double.NaN, gl = Double.NaN, cy = Double.NaN, nc = Double.NaN, nb = Double.NaN, rk = Double.NaN, cl = Double.NaN;
		for (ImageDamage.Measures r : refs) {
			gc = min(gc, r.glassChroma());
			gl = max(gl, r.glassLightness());
			cy = min(cy, r.newCyan());
			nc = max(nc, r.nucleiContrast());
			nb = max(nb, r.nucleiBlueness());
			rk = max(rk, r.lumaRank());
			cl = min(cl, r.newClipped());
		}
		ImageDamage.Measures a = refs.get(0);
		return new ImageDamage.Measures(a.glassFraction(), a.glassChromaIn(), gc, a.glassLightnessIn(), gl, cy, nc, a.nucleiBluenessIn(), nb, rk, cl);
	}

	private static double min(double a, double b) {
		return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.min(a, b);
	}

	private static double max(double a, double b) {
		return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
	}

	@Test
	public void everyDefaultKeepsEverySharedImageIntact() {
		SharedData.he("README.md");
		CrossLab.Settings s = new CrossLab.Settings(SharedData.HE, 256, 2, 1, 2, 1, 1);
		List<CrossLab.Source> sources = CrossLab.sources(s, new ArrayList<>());
		Map<String, int[]> cases = new LinkedHashMap<>();
		Map<String, Map<String, Integer>> failures = new LinkedHashMap<>();
		List<String> examples = new ArrayList<>(), known = new ArrayList<>(), intact = new ArrayList<>();
		for (String m : METHODS) {
			cases.put(m, new int[1]);
			failures.put(m, new LinkedHashMap<>());
		}
		for (int i = 0; i < sources.size(); i++) {
			CrossLab.Region test = sources.get(i).test();
			List<CrossLab.Source> others = new ArrayList<>(sources.stream().filter(o -> !o.test().group().equals(test.group())).toList());
			Collections.shuffle(others, new Random(i));
			for (CrossLab.Source o : others.subList(0, 2)) {
				RgbImage ref = o.test().image();
				Map<String, ImageDamage.Measures> refs = new LinkedHashMap<>();
				for (String[] r : REFERENCE_SETTINGS)
					try {
						refs.put(r[0], ImageDamage.measure(test.image(), fitted(r[0], r[1], ref).normalize(test.image()).image()));
					}
					catch (StainNormException e) {
						// a reference setting that refuses this reference sets no allowance
					}
				if (refs.size() < REFERENCE_SETTINGS.length) continue;
				for (String m : METHODS) {
					// a method with a published reference setting is held to it; the others to the better of them
					ImageDamage.Measures allowance = refs.containsKey(method(m)) ? refs.get(method(m)) : best(new ArrayList<>(refs.values()));
					StainNormalizer n;
					try {
						n = fitted(method(m), m.contains(":") ? m.substring(m.indexOf(':') + 1) : "", ref);
					}
					catch (StainNormException e) {
						continue; // refused references are RobustnessTest's business
					}
					cases.get(m)[0]++;
					ImageDamage.Measures d = ImageDamage.measure(test.image(), n.normalize(test.image()).image());
					String key = m + "|" + test.id() + "|" + o.test().id();
					List<String> broken = broken(d, allowance, clippedTissue(ref));
					// glass kept (Reinhard's default glass=anchor too): no allowance for the glass checks, the absolute limits of CrossLab.damage
					boolean keepsGlass = m.contains("glass=") || m.equals("reinhard");
					if (keepsGlass && !broken.contains("glass tinted") && CrossLab.damage(d).contains(CrossLab.Damage.GLASS_TINTED)) broken.add("glass tinted");
					if (keepsGlass && !broken.contains("glass darkened") && CrossLab.damage(d).contains(CrossLab.Damage.GLASS_DARKENED))
						broken.add("glass darkened");
					if (KNOWN.containsKey(key)) {
						known.add(key + ": " + broken + " (known: " + KNOWN.get(key) + ")");
						if (broken.isEmpty()) intact.add(key);
						continue;
					}
					for (String b : broken) {
						failures.get(m).merge(b, 1, Integer::sum);
						if (examples.stream().filter(e -> e.startsWith(m + ": ")).count() < 12) examples.add(m + ": " + test.id() + " towards " + o.test().id() + ": " + b + " " + d);
					}
				}
			}
		}
		StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-36s %6s  %s%n", "method", "cases", "failures"));
		for (String m : METHODS)
			table.append(String.format(Locale.ROOT, "%-36s %6d  %s%s%n", m, cases.get(m)[0], failures.get(m),
				Methods.isExperimental(method(m)) ? "  (experimental: reported, not asserted)" : GLASS_ONLY.contains(m) ? "  (glass asserted, the rest reported)" : ""));
		System.out.println("Damage checks, default options (and Reinhard's glass=reference), " + sources.size() + " shared images × 2 references (known damage not counted):\n" + table
			+ "known:\n  " + String.join("\n  ", known) + "\nfailures (first 12 per method):\n  " + String.join("\n  ", examples));
		assertTrue("listed as known damage but intact now (remove from KNOWN): " + intact, intact.isEmpty());
		assertTrue("known damage cases not met (" + known.size() + " of " + KNOWN.size() + "): the image selection changed? " + known, known.size() == KNOWN.size());
		for (String m : METHODS)
			assertTrue(m + " checked on too few cases: " + table, cases.get(m)[0] >= sources.size());
		for (String m : GLASS_ONLY)
			for (String glass : List.of("glass tinted", "glass darkened"))
				assertFalse(m + " " + glass + ":\n" + table, failures.get(m).containsKey(glass));
		for (String m : METHODS)
			if (!Methods.isExperimental(method(m)) && !GLASS_ONLY.contains(m))
				assertTrue(m + " damages images:\n" + table + String.join("\n", examples.stream().filter(e -> e.startsWith(m + ": ")).toList()),
					failures.get(m).isEmpty());
	}

	/**
	 * The cyan-rim case of issue 12: Macenko's former default {@code tissue=norm} turned the dark lymphocyte nuclei of
	 * tiatoolbox's target pale with cyan rims towards torchstain's target; the checks see it, and the default does not do it.
	 */
	@Test
	public void macenkoCyanRimsAreCaughtAndGone() {
		RgbImage full = ImageFiles.read(SharedData.he("TissueImageAnalytics_tiatoolbox/target_image.png"));
		RgbImage source = full.crop((full.width() - 512) / 2, (full.height() - 512) / 2, 512, 512);
		RgbImage reference = ImageFiles.read(SharedData.he("EIDOSLAB_torchstain/target.png"));
		ImageDamage.Measures norm = ImageDamage.measure(source, fitted("macenko", "tissue=norm", reference).normalize(source).image());
		ImageDamage.Measures now = ImageDamage.measure(source, fitted("macenko", "", reference).normalize(source).image());
		System.out.println("cyan-rim case: tissue=norm " + norm + "\n               default    " + now);
		assertFalse("the checks must see the cyan rims of tissue=norm: " + norm, CrossLab.damage(norm).isEmpty());
		assertTrue("the default damages the cyan-rim image: " + CrossLab.damage(now) + " " + now, CrossLab.damage(now).isEmpty());
	}
}
