package sc.fiji.stainnorm.evaluate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.Csv;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.ParallelItems;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.metrics.Convention;
import sc.fiji.stainnorm.metrics.Metric;
import sc.fiji.stainnorm.metrics.Metrics;
import sc.fiji.stainnorm.normalize.Macenko;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.Normalized;
import sc.fiji.stainnorm.normalize.Reinhard;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.synth.StainShift;

/**
 * The cross-lab protocol that chooses the classical methods' defaults (issue 12): every real image of the shared H&amp;E
 * folder, grouped by its folder (one lab or source per folder), is cropped, given seeded stain shifts, and normalized
 * back towards references of its own style (another region of the same slide: same stain, same scanner), of its own
 * folder (other images of the folder) and of other groups, by every method under its default and its published
 * reference options (and candidates); the output is scored with SSIM (Gaussian, σ 1.5) and PSNR against the unshifted
 * crop, and checked for damage ({@link ImageDamage}). Only towards a same-slide reference is the unshifted crop the
 * right answer: the images of one folder are often of other styles on purpose (torchstain's source and target,
 * HistoQC's templates, ParamNet's five centres and two scanners, Warwick's source and reference), and normalizing
 * towards another style moves the image away from its own colours however well it works. So the choice of defaults
 * and the summary's headline use the same-slide references, under the moderate shifts of {@link StainShift#random} and
 * the scanner-sized ones of {@link StainShift#strong}. The real same-field two-scanner pairs are scored too (source scan
 * normalized towards the target scan, compared with it). A leave-one-group-out summary says which option set each
 * method would pick without ever seeing the held-out group.
 * <p>
 * Run: {@code java -cp target/classes:$(cat target/classpath.txt) sc.fiji.stainnorm.evaluate.CrossLab [HE_DIR] [OUT_DIR] [MARKDOWN]}
 * (defaults {@code ../shared/data/he}, {@code docs/evaluation/cross-lab}, {@code docs/results.md}); same data and
 * seed, same numbers.
 */
public final class CrossLab {
	/** An option set of a method; {@code unnormalized} scores the shifted input itself. */
	public record Candidate(String method, String options, String role) {
		public String label() {
			return method + (options.isEmpty() ? "" : " " + options) + (role.isEmpty() ? "" : " (" + role + ")");
		}

		StainNormalizer create() {
			return Methods.create(method, options.isEmpty() ? MethodOptions.none() : MethodOptions.parse(options));
		}
	}

	public static final String UNNORMALIZED = "unnormalized";
	/** Reinhard's published reference setting (torchstain's): CIE L*a*b*, no mask, glass transformed with the tissue. */
	public static final String REINHARD_REFERENCE = "space=cielab,mask=false,glass=transfer";

	/** What is compared: each method's default, its published reference setting, and candidates (each option set once). */
	public static List<Candidate> candidates() {
		List<Candidate> c = new ArrayList<>();
		c.add(new Candidate(UNNORMALIZED, "", ""));
		String reinhardDefault = "space=" + Reinhard.DEFAULT_SPACE.name().toLowerCase(Locale.ROOT) + ",mask=" + Reinhard.DEFAULT_MASK
			+ (Reinhard.DEFAULT_MASK ? "" : ",glass=" + Reinhard.DEFAULT_GLASS.name().toLowerCase(Locale.ROOT));
		for (String o : List.of(REINHARD_REFERENCE, "space=ruderman,mask=false,glass=transfer", "space=cielab,mask=true", "space=ruderman,mask=true",
			"space=cielab,mask=false,glass=reference", "space=ruderman,mask=false,glass=reference", "space=cielab,mask=true,glass=reference",
			"space=ruderman,mask=true,glass=reference", "space=cielab,mask=false,glass=anchor", "space=ruderman,mask=false,glass=anchor"))
			c.add(new Candidate("reinhard", o, role(o, reinhardDefault, REINHARD_REFERENCE)));
		String macenkoDefault = "tissue=" + Macenko.DEFAULT_RULE.name().toLowerCase(Locale.ROOT);
		for (String o : List.of("tissue=channels", "tissue=norm", "tissue=auto"))
			c.add(new Candidate("macenko", o, role(o, macenkoDefault, "tissue=channels")));
		c.add(new Candidate("khan", "", "default"));
		c.add(new Candidate("vahadane", "", "default"));
		return c;
	}

	private static String role(String options, String defaults, String reference) {
		return options.equals(defaults) ? (options.equals(reference) ? "default, reference" : "default")
			: options.equals(reference) ? "reference" : "candidate";
	}

	/** One test or reference region of a real image. */
	public record Region(String group, String name, RgbImage image) {
		String id() {
			return group + "/" + name;
		}
	}

	/**
	 * A test crop (for the folder and other-group references), and a test region with a disjoint reference region of the
	 * same slide: the test crop itself and the region beside it when the image is large enough, else its two halves.
	 */
	record Source(Region test, Region slideTest, Region otherRegion) {}

	/** {@code strongShifts}: how many scanner-sized shifts ({@link StainShift#strong}) each same-slide case gets besides the moderate ones. */
	public record Settings(Path data, int crop, int perGroup, int shifts, int strongShifts, int otherGroupReferences, long seed, int threads) {
		public Settings {
			if (crop < 64) throw new StainNormException("Cross-lab crop must be at least 64 px, got " + crop);
			if (perGroup < 1 || shifts < 1 || strongShifts < 0 || otherGroupReferences < 0 || threads < 1)
				throw new StainNormException("Cross-lab settings out of range: " + perGroup + " images per group, " + shifts + " shifts, "
					+ otherGroupReferences + " references, " + threads + " threads");
		}

		/** Without scanner-sized shifts. */
		public Settings(Path data, int crop, int perGroup, int shifts, int otherGroupReferences, long seed, int threads) {
			this(data, crop, perGroup, shifts, 0, otherGroupReferences, seed, threads);
		}

		public static Settings defaults(Path data) {
			return new Settings(data, 384, 4, 3, 3, 3, 1, Runtime.getRuntime().availableProcessors());
		}
	}

	/**
	 * relation: {@code same-slide}, {@code same-folder}, {@code other-group} or {@code scanner-pair}; shiftSet: {@code moderate}
	 * ({@link StainShift#random}), {@code strong} ({@link StainShift#strong}) or {@code none} (scanner pairs).
	 */
	public record Row(Candidate candidate, String testGroup, String test, String shiftSet, int shift, String referenceGroup, String reference,
		String relation, double ssim, double psnr, ImageDamage.Measures damage, String warning) {
		/** The cases whose unshifted crop is the right answer: the reference shows the same slide. */
		boolean sameSlide() {
			return relation.equals("same-slide");
		}
	}

	public static final String MODERATE = "moderate", STRONG = "strong";

	public record Result(List<Row> rows, List<String> groups, List<String> excluded, Settings settings, double seconds) {}

	private CrossLab() {}

	/** The reference-output images of a folder (HEnorm_python's {@code norm*.png}) are outputs of a method, not sources. */
	static String whyExcluded(Path file, RgbImage image) {
		String name = file.getFileName().toString();
		if (name.startsWith("norm")) return "a reference output of the repository's method, not a source image";
		int gray = 0;
		for (int p : image.pixels())
			if (RgbImage.red(p) == RgbImage.green(p) && RgbImage.green(p) == RgbImage.blue(p)) gray++;
		if (gray > 0.25 * image.pixelCount()) return String.format(Locale.ROOT, "%.0f%% gray pixels (an RGB | gray training pair, not an H&E image)",
			100.0 * gray / image.pixelCount());
		return null;
	}

	static List<Source> sources(Settings s, List<String> excluded) {
		List<Path> folders;
		try (Stream<Path> list = Files.list(s.data())) {
			folders = list.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("_")).sorted().toList();
		}
		catch (IOException e) {
			throw new StainNormException("Cannot list " + s.data() + ": " + e.getMessage());
		}
		if (folders.isEmpty()) throw new StainNormException("No image folders in " + s.data());
		List<Source> out = new ArrayList<>();
		for (Path folder : folders) {
			List<Path> files;
			try (Stream<Path> list = Files.list(folder)) {
				files = list.filter(ImageFiles::isImageFile).sorted().toList();
			}
			catch (IOException e) {
				throw new StainNormException("Cannot list " + folder + ": " + e.getMessage());
			}
			String group = folder.getFileName().toString();
			List<Path> kept = new ArrayList<>();
			List<RgbImage> images = new ArrayList<>();
			for (Path f : files) {
				RgbImage img;
				try {
					img = ImageFiles.read(f);
				}
				catch (StainNormException e) {
					excluded.add(group + "/" + f.getFileName() + ": unreadable here (" + e.getMessage() + ")");
					continue;
				}
				String why = whyExcluded(f, img);
				if (why != null) {
					excluded.add(group + "/" + f.getFileName() + ": " + why);
					continue;
				}
				kept.add(f);
				images.add(img);
			}
			int n = kept.size(), take = Math.min(n, s.perGroup());
			for (int k = 0; k < take; k++) {
				int i = take == n ? k : (int) ((long) k * n / take); // evenly spaced through the sorted names
				out.add(regions(group, kept.get(i).getFileName().toString(), images.get(i), s.crop()));
			}
			if (take < n) excluded.add(group + ": " + (n - take) + " of " + n + " images left out (at most " + s.perGroup() + " per group, evenly spaced)");
		}
		return out;
	}

	/** A test crop near the centre and, when the slide is large enough, a second region beside it (same lab, other tissue). */
	static Source regions(String group, String name, RgbImage img, int crop) {
		int w = img.width(), h = img.height(), cw = Math.min(crop, w), ch = Math.min(crop, h);
		if (w >= 2 * crop) {
			Region test = new Region(group, name, img.crop(w / 2 - crop, (h - ch) / 2, crop, ch));
			return new Source(test, test, new Region(group, name + "@right", img.crop(w / 2, (h - ch) / 2, crop, ch)));
		}
		if (h >= 2 * crop) {
			Region test = new Region(group, name, img.crop((w - cw) / 2, h / 2 - crop, cw, crop));
			return new Source(test, test, new Region(group, name + "@below", img.crop((w - cw) / 2, h / 2, cw, crop)));
		}
		Region test = new Region(group, name, img.crop((w - cw) / 2, (h - ch) / 2, cw, ch));
		if (w >= h) { // two halves side by side, each at most crop × crop
			int hw = Math.min(crop, w / 2);
			return new Source(test, new Region(group, name + "@left-half", img.crop(w / 2 - hw, (h - ch) / 2, hw, ch)),
				new Region(group, name + "@right-half", img.crop(w / 2, (h - ch) / 2, hw, ch)));
		}
		int hh = Math.min(crop, h / 2);
		return new Source(test, new Region(group, name + "@top-half", img.crop((w - cw) / 2, h / 2 - hh, cw, hh)),
			new Region(group, name + "@bottom-half", img.crop((w - cw) / 2, h / 2, cw, hh)));
	}

	/** A test region with one reference and how they are related. */
	private record Job(int index, Region test, Region reference, String relation) {}

	public static Result run(Settings s, Progress progress) {
		long started = System.nanoTime();
		List<String> excluded = new ArrayList<>();
		List<Source> sources = sources(s, excluded);
		List<String> groups = sources.stream().map(x -> x.test().group()).distinct().toList();
		List<Job> jobs = new ArrayList<>();
		for (int i = 0; i < sources.size(); i++) {
			Source src = sources.get(i);
			List<Region> same = new ArrayList<>();
			for (Source o : sources)
				if (o != src && o.test().group().equals(src.test().group())) same.add(o.test());
			jobs.add(new Job(i, src.slideTest(), src.otherRegion(), "same-slide"));
			for (Region r : same.subList(0, Math.min(2, same.size())))
				jobs.add(new Job(i, src.test(), r, "same-folder"));
			List<Source> others = new ArrayList<>(sources.stream().filter(o -> !o.test().group().equals(src.test().group())).toList());
			java.util.Collections.shuffle(others, new Random(s.seed() * 1_000_003L + i));
			// one image per other group
			List<String> used = new ArrayList<>();
			for (Source o : others)
				if (used.size() < s.otherGroupReferences() && !used.contains(o.test().group())) {
					used.add(o.test().group());
					jobs.add(new Job(i, src.test(), o.test(), "other-group"));
				}
		}
		List<Candidate> candidates = candidates();
		Metric ssim = Metrics.byName("SSIM", Convention.STANDARD), psnr = Metrics.byName("PSNR", Convention.STANDARD);
		List<List<Row>> perJob = ParallelItems.map(jobs, s.threads(), "cross-lab", progress, (k, job) -> {
			progress.update(k, jobs.size(), "cross-lab: " + job.test().id() + " towards " + job.reference().id());
			List<Row> rows = new ArrayList<>();
			Region t = job.test();
			int strong = job.relation().equals("same-slide") ? s.strongShifts() : 0;
			for (Candidate c : candidates) {
				StainNormalizer norm = null;
				String fitProblem = null;
				if (!c.method().equals(UNNORMALIZED)) {
					norm = c.create();
					try {
						norm.fit(List.of(job.reference().image()));
					}
					catch (StainNormException e) {
						fitProblem = e.getMessage();
					}
				}
				for (int draw = 0; draw < s.shifts() + strong; draw++) {
					boolean isStrong = draw >= s.shifts();
					int sh = isStrong ? draw - s.shifts() : draw;
					long seed = s.seed() * 7919 + 31L * job.index() + sh;
					RgbImage shifted = (isStrong ? StainShift.strong(seed + 1_000_000_007L) : StainShift.random(seed)).apply(t.image());
					String warning = "";
					RgbImage out;
					if (norm == null || fitProblem != null) {
						out = shifted; // a refused reference leaves the image as it is: scored as such, and said so
						if (fitProblem != null) warning = "reference refused: " + fitProblem;
					}
					else {
						Normalized n = norm.normalize(shifted);
						out = n.image();
						if (!n.warnings().isEmpty()) warning = n.warnings().get(0);
					}
					rows.add(new Row(c, t.group(), t.name(), isStrong ? STRONG : MODERATE, sh, job.reference().group(), job.reference().name(), job.relation(),
						ssim.compute(t.image(), out), psnr.compute(t.image(), out), ImageDamage.measure(shifted, out), warning));
				}
			}
			return rows;
		}, "Cross-lab evaluation interrupted", e -> e instanceof RuntimeException r ? r : new StainNormException("Cross-lab evaluation failed: " + e));
		List<Row> rows = new ArrayList<>();
		for (List<Row> r : perJob)
			if (r != null) rows.addAll(r);
		rows.addAll(scannerPairs(s, candidates, ssim, psnr));
		return new Result(rows, groups, excluded, s, (System.nanoTime() - started) / 1e9);
	}

	/** The real same-field two-scanner pairs, both directions: source scan normalized towards the target scan, compared with it. */
	static List<Row> scannerPairs(Settings s, List<Candidate> candidates, Metric ssim, Metric psnr) {
		List<RgbImage[]> pairs = new ArrayList<>();
		List<String[]> names = new ArrayList<>();
		Path a = s.data().resolve("khtao_ParamNet/aligned_hist_source.png"), b = s.data().resolve("khtao_ParamNet/aligned_hist_target.png");
		if (Files.exists(a) && Files.exists(b)) {
			RgbImage x = ImageFiles.read(a), y = ImageFiles.read(b);
			pairs.add(new RgbImage[] { x, y });
			names.add(new String[] { "khtao_ParamNet", "aligned_hist_source.png", "aligned_hist_target.png" });
			pairs.add(new RgbImage[] { y, x });
			names.add(new String[] { "khtao_ParamNet", "aligned_hist_target.png", "aligned_hist_source.png" });
		}
		Path c = s.data().resolve("DeepMicroscopy_MultiScanner_SCC/aperio.png"), d = s.data().resolve("DeepMicroscopy_MultiScanner_SCC/nz210.png");
		if (Files.exists(c) && Files.exists(d)) {
			Registration.Alignment al = Registration.align(ImageFiles.read(d), ImageFiles.read(c), Registration.DEFAULT_MAX_SHIFT);
			pairs.add(new RgbImage[] { al.moving(), al.fixed() });
			names.add(new String[] { "DeepMicroscopy_MultiScanner_SCC", "aperio.png", "nz210.png" });
			pairs.add(new RgbImage[] { al.fixed(), al.moving() });
			names.add(new String[] { "DeepMicroscopy_MultiScanner_SCC", "nz210.png", "aperio.png" });
		}
		List<Row> rows = new ArrayList<>();
		for (int p = 0; p < pairs.size(); p++) {
			RgbImage source = pairs.get(p)[0], target = pairs.get(p)[1];
			for (Candidate cand : candidates) {
				RgbImage out = source;
				String warning = "";
				if (!cand.method().equals(UNNORMALIZED)) {
					StainNormalizer n = cand.create();
					try {
						n.fit(List.of(target));
						Normalized r = n.normalize(source);
						out = r.image();
						if (!r.warnings().isEmpty()) warning = r.warnings().get(0);
					}
					catch (StainNormException e) {
						warning = "reference refused: " + e.getMessage();
					}
				}
				rows.add(new Row(cand, names.get(p)[0], names.get(p)[1], "none", 0, names.get(p)[0], names.get(p)[2], "scanner-pair", ssim.compute(target, out),
					psnr.compute(target, out), ImageDamage.measure(source, out), warning));
			}
		}
		return rows;
	}

	// ---------------------------------------------------------------- damage thresholds

	/** The damage properties every default must keep; the same thresholds as the damage test. */
	public enum Damage {
		GLASS_TINTED("glass tinted"), GLASS_DARKENED("glass darkened"), NEW_CYAN("cyan/green appeared"), NUCLEI_LOST("nuclei no longer darkest/bluest"),
		RANK_LOST("luma order lost"), CLIPPED("channels clipped");

		final String label;

		Damage(String label) {
			this.label = label;
		}

		public String label() {
			return label;
		}
	}

	/** Limits; derived from the published reference settings on the shared images (see docs/results.md). */
	public static final double MAX_GLASS_CHROMA_GAIN = 6, MIN_GLASS_LIGHTNESS = 75, MAX_GLASS_DARKENING = 15, MAX_NEW_CYAN = 0.03,
		MIN_NUCLEI_CONTRAST = 0.5, MIN_LUMA_RANK = 0.8, MAX_NEW_CLIPPED = 0.05;

	public static List<Damage> damage(ImageDamage.Measures m) {
		List<Damage> d = new ArrayList<>();
		if (m.glassChroma() > m.glassChromaIn() + MAX_GLASS_CHROMA_GAIN) d.add(Damage.GLASS_TINTED);
		if (m.glassLightness() < Math.min(MIN_GLASS_LIGHTNESS, m.glassLightnessIn() - MAX_GLASS_DARKENING)) d.add(Damage.GLASS_DARKENED);
		if (m.newCyan() > MAX_NEW_CYAN) d.add(Damage.NEW_CYAN);
		if (m.nucleiContrast() < MIN_NUCLEI_CONTRAST || (m.nucleiBluenessIn() > 2 && m.nucleiBlueness() < 0)) d.add(Damage.NUCLEI_LOST);
		if (m.lumaRank() < MIN_LUMA_RANK) d.add(Damage.RANK_LOST);
		if (m.newClipped() > MAX_NEW_CLIPPED) d.add(Damage.CLIPPED);
		return d;
	}

	// ---------------------------------------------------------------- summaries

	/** Mean of {@code value} over the rows of each test group, then over groups (every lab weighs the same). */
	record Cell(double ssim, double psnr, int groups, int rows) {}

	static Cell groupMean(List<Row> rows, java.util.function.Predicate<Row> which, List<String> groups) {
		double s = 0, p = 0;
		int g = 0, n = 0;
		for (String group : groups) {
			double gs = 0, gp = 0;
			int k = 0;
			for (Row r : rows)
				if (r.testGroup().equals(group) && which.test(r)) {
					gs += r.ssim();
					gp += Math.min(r.psnr(), 60);
					k++;
				}
			if (k == 0) continue;
			s += gs / k;
			p += gp / k;
			g++;
			n += k;
		}
		return g == 0 ? new Cell(Double.NaN, Double.NaN, 0, 0) : new Cell(s / g, p / g, g, n);
	}

	/** Leave one group out: per method, per held-out group, the candidate with the best same-slide PSNR (both shift sets) on the others. */
	record Fold(String method, String heldOut, Candidate chosen, double ssim, double psnr) {}

	static List<Fold> leaveOneGroupOut(List<Row> rows, List<String> groups) {
		List<Fold> folds = new ArrayList<>();
		List<Candidate> all = candidates();
		for (String method : all.stream().map(Candidate::method).distinct().toList()) {
			List<Candidate> mine = all.stream().filter(c -> c.method().equals(method) && !NOT_A_DEFAULT.containsKey(c.method() + " " + c.options())).toList();
			for (String held : groups) {
				List<String> rest = groups.stream().filter(g -> !g.equals(held)).toList();
				Candidate best = null;
				double bestPsnr = Double.NEGATIVE_INFINITY;
				for (Candidate c : mine) {
					Cell cell = groupMean(rows, r -> r.candidate().equals(c) && r.sameSlide(), rest);
					if (cell.psnr() > bestPsnr + 1e-9) {
						bestPsnr = cell.psnr();
						best = c;
					}
				}
				Candidate chosen = best;
				Cell out = groupMean(rows, r -> r.candidate().equals(chosen) && r.sameSlide(), List.of(held));
				if (out.groups() > 0) folds.add(new Fold(method, held, chosen, out.ssim(), out.psnr()));
			}
		}
		return folds;
	}

	/**
	 * Option sets that leave-one-group-out never picks, whatever their scores, and why: a damage of a shared image that the
	 * damage checks catch and that the default must not do (issue 12). Keyed by method and options.
	 */
	static final Map<String, String> NOT_A_DEFAULT = new java.util.TreeMap<>(Map.of("macenko tissue=norm",
		"it turns the dark lymphocyte nuclei of tiatoolbox's target pale with cyan rims (issue 12; DamageChecksTest.macenkoCyanRimsAreCaughtAndGone)",
		"reinhard space=ruderman,mask=false,glass=anchor",
		"it tints glass towards other labs' references (the damage table's first column; glass chroma 3-6 made 45-100, e.g. DeepMicroscopy's "
			+ "Aperio scan towards a glioblastoma tile): the log-space transfer spreads such glass far apart, one L*a*b* correction per image "
			+ "cannot bring it back, and Reinhard's default must tint no glass (issue 12)"));

	/** "Clearly beaten": by at least this much PSNR (dB) on the leave-one-group-out summary... */
	public static final double CLEAR_PSNR = 0.5;
	/** ...without losing more than this SSIM. */
	public static final double CLEAR_SSIM = 0.005;

	/**
	 * The second way off a reference setting: a default that repairs a damage the reference setting does (issue 12: Reinhard's
	 * tinted glass) may replace it when it is at least as good on every same-slide summary of the held-out groups (a fixed
	 * option set's leave-one-group-out score is its mean over the groups): SSIM and PSNR, moderate and strong shifts each, at
	 * the precision the summary reports (SSIM to 0.001, PSNR to 0.1 dB), and damages fewer outputs. Null when it is not.
	 */
	static String atLeastAsGood(List<Row> rows, List<String> groups, Candidate candidate, Candidate ref) {
		StringBuilder b = new StringBuilder();
		boolean all = true;
		for (String set : List.of(MODERATE, STRONG)) {
			Cell c = groupMean(rows, x -> x.candidate().equals(candidate) && x.sameSlide() && x.shiftSet().equals(set), groups);
			Cell r = groupMean(rows, x -> x.candidate().equals(ref) && x.sameSlide() && x.shiftSet().equals(set), groups);
			// at the precision the summary reports: 168 same-slide cases do not tell SSIMs 0.0001 apart
			all &= Math.round(1000 * c.ssim()) >= Math.round(1000 * r.ssim()) && Math.round(10 * c.psnr()) >= Math.round(10 * r.psnr());
			b.append(String.format(Locale.ROOT, "%s%s shifts %.4f / %.2f dB against %.4f / %.2f dB", b.length() == 0 ? "" : ", ", set, c.ssim(), c.psnr(), r.ssim(),
				r.psnr()));
		}
		double dc = damagedShare(rows, candidate), dr = damagedShare(rows, ref);
		all &= dc < dr;
		b.append(String.format(Locale.ROOT, ", damaged %.1f%% against %.1f%%", 100 * dc, 100 * dr));
		return all ? b.toString() : null;
	}

	private static double damagedShare(List<Row> rows, Candidate c) {
		List<Row> mine = rows.stream().filter(x -> x.candidate().equals(c)).toList();
		return mine.stream().filter(x -> !damage(x.damage()).isEmpty()).count() / (double) Math.max(1, mine.size());
	}

	/** Per method with a reference setting: the LOGO pick against the reference setting on the same held-out groups. */
	static List<String> decisions(List<Row> rows, List<String> groups, List<Fold> folds) {
		List<String> out = new ArrayList<>();
		for (Candidate ref : candidates()) {
			if (!ref.role().contains("reference")) continue;
			Candidate def = candidates().stream().filter(c -> c.method().equals(ref.method()) && c.role().contains("default")).findFirst().orElse(ref);
			List<Fold> mine = folds.stream().filter(f -> f.method().equals(ref.method())).toList();
			double ps = 0, ss = 0, rp = 0, rs = 0;
			for (Fold f : mine) {
				Cell c = groupMean(rows, x -> x.candidate().equals(ref) && x.sameSlide(), List.of(f.heldOut()));
				ps += f.psnr() / mine.size();
				ss += f.ssim() / mine.size();
				rp += c.psnr() / mine.size();
				rs += c.ssim() / mine.size();
			}
			boolean beaten = ps >= rp + CLEAR_PSNR && ss >= rs - CLEAR_SSIM;
			StringBuilder excluded = new StringBuilder();
			for (Candidate c : candidates())
				if (c.method().equals(ref.method()) && NOT_A_DEFAULT.containsKey(c.method() + " " + c.options())) {
					Cell e = groupMean(rows, x -> x.candidate().equals(c) && x.sameSlide(), groups);
					excluded.append(String.format(Locale.ROOT, "; `%s` (%.3f / %.2f dB over all groups) is not a candidate: %s", c.options(), e.ssim(), e.psnr(),
						NOT_A_DEFAULT.get(c.method() + " " + c.options())));
				}
			String repaired = def.equals(ref) ? null : atLeastAsGood(rows, groups, def, ref);
			out.add(String.format(Locale.ROOT, "%s: LOGO picks %.3f / %.2f dB, reference setting `%s` %.3f / %.2f dB on the same folds: %s%s", ref.method(),
				ss, ps, ref.options(), rs, rp, beaten ? "**beaten**, the pick may become the default"
					: def.equals(ref) ? "not clearly beaten, so the reference setting is the default (it is)"
						: repaired != null ? "not clearly beaten; the default `" + def.options() + "` repairs its damage and is at least as good on every "
							+ "same-slide summary of the held-out groups (" + repaired + "), so it is the default"
							: "not clearly beaten, and the default `" + def.options() + "` is **not at least as good** on every same-slide summary: the "
								+ "reference setting must be the default (it is NOT)",
				excluded));
		}
		return out;
	}

	/** Per method, its default's same-slide PSNR and SSIM against the unnormalized input's (issue 12: a method that does not beat it is demoted). */
	static List<String> againstInput(List<Row> rows, List<String> groups) {
		Candidate input = candidates().get(0);
		Cell in = groupMean(rows, x -> x.candidate().equals(input) && x.sameSlide(), groups);
		List<String> out = new ArrayList<>();
		for (Candidate c : candidates()) {
			if (!c.role().contains("default")) continue;
			Cell d = groupMean(rows, x -> x.candidate().equals(c) && x.sameSlide(), groups);
			out.add(String.format(Locale.ROOT, "%s%s: %.3f / %.2f dB against %.3f / %.2f dB: %s", c.method(), Methods.isExperimental(c.method()) ? " (experimental)" : "",
				d.ssim(), d.psnr(), in.ssim(), in.psnr(), d.psnr() > in.psnr() ? "better in PSNR" : "**not better in PSNR**"));
		}
		return out;
	}

	// ---------------------------------------------------------------- output

	public static final String BEGIN = "<!-- cross-lab:begin -->", END = "<!-- cross-lab:end -->";

	public static void write(Result r, Path outDir, Path markdown) {
		try {
			Files.createDirectories(outDir);
		}
		catch (IOException e) {
			throw new StainNormException("Cannot create " + outDir + ": " + e.getMessage());
		}
		StringBuilder csv = new StringBuilder("method,options,role,test_group,test,shift_set,shift,reference_group,reference,relation,SSIM,PSNR,"
			+ ImageDamage.Measures.CSV_HEADER + ",damage,warning\n");
		for (Row row : r.rows())
			csv.append(row.candidate().method()).append(',').append(Csv.field(row.candidate().options())).append(',').append(Csv.field(row.candidate().role()))
				.append(',').append(Csv.field(row.testGroup())).append(',').append(Csv.field(row.test())).append(',').append(row.shiftSet()).append(',')
				.append(row.shift()).append(',')
				.append(Csv.field(row.referenceGroup())).append(',').append(Csv.field(row.reference())).append(',').append(row.relation()).append(',')
				.append(Csv.number(row.ssim())).append(',').append(Csv.number(row.psnr())).append(',').append(row.damage().csv()).append(',')
				.append(Csv.field(String.join(";", damage(row.damage()).stream().map(Damage::label).toList()))).append(',')
				.append(Csv.field(row.warning())).append('\n');
		AtomicFile.writeString(outDir.resolve("rows.csv"), csv);

		StringBuilder groups = new StringBuilder("method,options,role,test_group,same_slide_moderate_SSIM,same_slide_moderate_PSNR,"
			+ "same_slide_strong_SSIM,same_slide_strong_PSNR,same_folder_SSIM,same_folder_PSNR,other_group_SSIM,other_group_PSNR\n");
		for (Candidate c : candidates())
			for (String g : r.groups()) {
				groups.append(c.method()).append(',').append(Csv.field(c.options())).append(',').append(Csv.field(c.role())).append(',').append(g);
				for (java.util.function.Predicate<Row> which : List.<java.util.function.Predicate<Row>>of(x -> x.sameSlide() && x.shiftSet().equals(MODERATE),
					x -> x.sameSlide() && x.shiftSet().equals(STRONG), x -> x.relation().equals("same-folder"), x -> x.relation().equals("other-group"))) {
					Cell cell = groupMean(r.rows(), x -> x.candidate().equals(c) && which.test(x), List.of(g));
					groups.append(',').append(Csv.number(cell.ssim())).append(',').append(Csv.number(cell.psnr()));
				}
				groups.append('\n');
			}
		AtomicFile.writeString(outDir.resolve("groups.csv"), groups);

		List<Fold> folds = leaveOneGroupOut(r.rows(), r.groups());
		StringBuilder logo = new StringBuilder("method,held_out_group,chosen_options,held_out_SSIM,held_out_PSNR\n");
		for (Fold f : folds)
			logo.append(f.method()).append(',').append(f.heldOut()).append(',').append(Csv.field(f.chosen().options().isEmpty() ? "(default)" : f.chosen().options()))
				.append(',').append(Csv.number(f.ssim())).append(',').append(Csv.number(f.psnr())).append('\n');
		AtomicFile.writeString(outDir.resolve("leave-one-group-out.csv"), logo);

		String section = markdown(r, folds, outDir, markdown);
		AtomicFile.writeString(outDir.resolve("cross-lab.md"), section);
		if (markdown != null) AtomicFile.writeString(markdown, withSection(read(markdown), section));
	}

	private static String read(Path p) {
		try {
			return Files.exists(p) ? Files.readString(p) : "";
		}
		catch (IOException e) {
			throw new StainNormException("Cannot read " + p + ": " + e.getMessage());
		}
	}

	/** {@code text} with its cross-lab section replaced by {@code section} (appended when it has none). */
	public static String withSection(String text, String section) {
		String block = BEGIN + "\n" + section.strip() + "\n" + END + "\n";
		int b = text.indexOf(BEGIN), e = text.indexOf(END);
		if (b >= 0 && e > b) return text.substring(0, b) + block + text.substring(e + END.length()).replaceFirst("^\n", "");
		return text + (text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n") + block;
	}

	/** The cross-lab section of {@code text} with its markers, or "" when it has none (kept when the main report is regenerated). */
	public static String section(String text) {
		int b = text.indexOf(BEGIN), e = text.indexOf(END);
		return b >= 0 && e > b ? text.substring(b, e + END.length()) + "\n" : "";
	}

	private static String optionsCell(Candidate c) {
		if (c.options().isEmpty()) return c.method().equals(UNNORMALIZED) ? "–" : "*(default)*";
		return "`" + c.options() + "`" + (c.role().equals("candidate") ? "" : " (" + c.role() + ")");
	}

	private static String f3(double v) {
		return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3f", v);
	}

	private static String f1(double v) {
		return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
	}

	static String markdown(Result r, List<Fold> folds, Path outDir, Path markdown) {
		StringBuilder m = new StringBuilder();
		Settings s = r.settings();
		long sources = r.rows().stream().filter(x -> !x.relation().equals("scanner-pair")).map(x -> x.testGroup() + "/" + x.test().replaceFirst("@.*$", "")) // a slide's half is that slide
			.distinct().count();
		m.append("## Cross-lab protocol: choosing defaults that generalize\n\n");
		m.append(String.format(Locale.ROOT,
			"Every real image of `../shared/data/he` (%d images from %d groups; a group is one folder, i.e. one lab or source), cropped to at most "
				+ "%d×%d px near its centre, given seeded stain shifts (`synth.StainShift`) and normalized back; SSIM (Gaussian σ 1.5) and PSNR (dB) "
				+ "against the unshifted crop. References: **same slide**, another region of the same image (the region beside the crop, or, when "
				+ "the image is too small for two crops, its other half, the test being the first half): same stain, same scanner, so the "
				+ "unshifted crop is the right answer; %d moderate shifts (`StainShift.random`: stain vectors turned 4–12°, concentrations "
				+ "×0.7–1.4) and %d scanner-sized shifts (`StainShift.strong`: 7–15°, ×0.55–1.8, the differences measured between the two scans "
				+ "of each real scanner pair). **Same folder**: up to two other images of the folder (moderate shifts); in this data set most "
				+ "folders hold other styles on purpose (torchstain's source and target, HistoQC's four templates, ParamNet's five centres and "
				+ "two scanners, Warwick's source and reference, the SCC pair's two scanners), so there the right answer is not the unshifted "
				+ "crop and these numbers measure how far the reference's style is from the test's, not how well a method works; they are "
				+ "reported, not used. **Other groups**: %d other groups (one image each, seeded choice; SSIM only, same reason). Group means "
				+ "first, then the mean over groups, so every lab weighs the same. Scanner pairs: the real same-field two-scanner pairs, each "
				+ "scan normalized towards the other (khtao_ParamNet aligned_hist source/target, pixel-aligned; DeepMicroscopy aperio/nz210, "
				+ "registered by `evaluate.Registration`), compared with it. Seed %d, %d threads, %.0f s. Regenerate with "
				+ "`java -cp target/classes:$(cat target/classpath.txt) sc.fiji.stainnorm.evaluate.CrossLab` (CSV files in `%s`).\n\n",
			sources, r.groups().size(), s.crop(), s.crop(), s.shifts(), s.strongShifts(), s.otherGroupReferences(), s.seed(), s.threads(), r.seconds(),
			markdown == null ? outDir : markdown.toAbsolutePath().getParent().relativize(outDir.toAbsolutePath())));
		if (!r.excluded().isEmpty()) {
			m.append("Left out: ");
			m.append(String.join("; ", r.excluded()));
			m.append(".\n\n");
		}
		m.append("### Summary per method and option set\n\n");
		m.append("Same slide: the mean over groups of each shift set; worst group: the lowest group mean of same-slide PSNR (both sets). "
			+ "Damage: share of all normalized outputs (shifted inputs of every relation and scanner pairs) failing at least one damage check "
			+ "(glass tinted or darkened, cyan/green appeared, nuclei no longer darkest or bluest, luma order lost, channels clipped; thresholds in "
			+ "`CrossLab.damage`; `DamageChecksTest` uses them too, relaxed to what the reference settings do on the same case).\n\n");
		m.append("| method | options | same slide SSIM | same slide PSNR | strong shifts: same slide SSIM | same slide PSNR | worst group PSNR "
			+ "| same folder PSNR | other groups SSIM | scanner pairs SSIM | scanner pairs PSNR | damaged | warned |\n");
		m.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
		for (Candidate c : candidates()) {
			Cell moderate = groupMean(r.rows(), x -> x.candidate().equals(c) && x.sameSlide() && x.shiftSet().equals(MODERATE), r.groups());
			Cell strong = groupMean(r.rows(), x -> x.candidate().equals(c) && x.sameSlide() && x.shiftSet().equals(STRONG), r.groups());
			Cell folder = groupMean(r.rows(), x -> x.candidate().equals(c) && x.relation().equals("same-folder"), r.groups());
			Cell other = groupMean(r.rows(), x -> x.candidate().equals(c) && x.relation().equals("other-group"), r.groups());
			List<Row> pairs = r.rows().stream().filter(x -> x.candidate().equals(c) && x.relation().equals("scanner-pair")).toList();
			double worst = Double.POSITIVE_INFINITY;
			for (String g : r.groups()) {
				Cell one = groupMean(r.rows(), x -> x.candidate().equals(c) && x.sameSlide(), List.of(g));
				if (one.groups() > 0) worst = Math.min(worst, one.psnr());
			}
			List<Row> mine = r.rows().stream().filter(x -> x.candidate().equals(c)).toList();
			long damaged = mine.stream().filter(x -> !damage(x.damage()).isEmpty()).count();
			long warned = mine.stream().filter(x -> !x.warning().isEmpty()).count();
			m.append("| ").append(c.method()).append(" | ").append(optionsCell(c)).append(" | ").append(f3(moderate.ssim())).append(" | ")
				.append(f1(moderate.psnr())).append(" | ").append(f3(strong.ssim())).append(" | ").append(f1(strong.psnr())).append(" | ")
				.append(f1(worst)).append(" | ").append(f1(folder.psnr())).append(" | ").append(f3(other.ssim())).append(" | ")
				.append(f3(pairs.stream().mapToDouble(Row::ssim).average().orElse(Double.NaN))).append(" | ")
				.append(f1(pairs.stream().mapToDouble(x -> Math.min(60, x.psnr())).average().orElse(Double.NaN))).append(" | ")
				.append(String.format(Locale.ROOT, "%.1f%%", 100.0 * damaged / Math.max(1, mine.size()))).append(" | ")
				.append(String.format(Locale.ROOT, "%.1f%%", 100.0 * warned / Math.max(1, mine.size()))).append(" |\n");
		}
		m.append("\n### Leave one group out\n\n");
		m.append("Per method and held-out group, the option set with the best same-slide PSNR (both shift sets) on the other groups, scored on "
			+ "the held-out group; the mean over held-out groups, and how often each option set was picked. Never picked, as it damages a "
			+ "shared image the way a default must not: " + String.join("; ", NOT_A_DEFAULT.entrySet().stream().map(e -> "`" + e.getKey() + "` (" + e.getValue() + ")").toList())
			+ ".\n\n");
		m.append("| method | LOGO SSIM | LOGO PSNR | picked (of ").append(r.groups().size()).append(" folds) |\n|---|---|---|---|\n");
		for (String method : folds.stream().map(Fold::method).distinct().toList()) {
			List<Fold> mine = folds.stream().filter(f -> f.method().equals(method)).toList();
			Map<String, Integer> picks = new LinkedHashMap<>();
			for (Fold f : mine)
				picks.merge(f.chosen().options().isEmpty() ? "(default)" : f.chosen().options(), 1, Integer::sum);
			StringBuilder p = new StringBuilder();
			for (var e : picks.entrySet())
				p.append(p.length() == 0 ? "" : ", ").append('`').append(e.getKey()).append("` ").append(e.getValue());
			m.append("| ").append(method).append(" | ").append(f3(mine.stream().mapToDouble(Fold::ssim).average().orElse(Double.NaN))).append(" | ")
				.append(f1(mine.stream().mapToDouble(Fold::psnr).average().orElse(Double.NaN))).append(" | ").append(p).append(" |\n");
		}
		m.append("\nDefault rule: a method's published reference setting is its default unless another option set beats it on this "
			+ "leave-one-group-out summary (LOGO PSNR at least " + CLEAR_PSNR + " dB higher than the reference setting's over the same held-out "
			+ "groups, with SSIM no more than " + CLEAR_SSIM + " lower), or an option set that repairs a damage of the reference setting is at "
			+ "least as good as it on every same-slide summary of the held-out groups (SSIM and PSNR, moderate and strong shifts each, at the "
			+ "precision of the table above; a fixed option set's leave-one-group-out score is its mean over the groups) and damages fewer outputs.\n\n");
		for (String line : decisions(r.rows(), r.groups(), folds))
			m.append("- ").append(line).append('\n');
		m.append("\nAgainst the unnormalized input (same slide, both shift sets, mean over groups):\n\n");
		for (String line : againstInput(r.rows(), r.groups()))
			m.append("- ").append(line).append('\n');
		m.append("\n### Same-slide PSNR (dB) per group (both shift sets)\n\n| method | options |");
		for (String g : r.groups())
			m.append(' ').append(g.replace('_', ' ')).append(" |");
		m.append("\n|---|---|").append("---|".repeat(r.groups().size())).append('\n');
		for (Candidate c : candidates()) {
			m.append("| ").append(c.method()).append(" | ").append(optionsCell(c)).append(" |");
			for (String g : r.groups())
				m.append(' ').append(f1(groupMean(r.rows(), x -> x.candidate().equals(c) && x.sameSlide(), List.of(g)).psnr())).append(" |");
			m.append('\n');
		}
		m.append("\n### Damage checks per method (share of outputs failing each)\n\n| method | options |");
		for (Damage d : Damage.values())
			m.append(' ').append(d.label()).append(" |");
		m.append("\n|---|---|").append("---|".repeat(Damage.values().length)).append('\n');
		for (Candidate c : candidates()) {
			List<Row> mine = r.rows().stream().filter(x -> x.candidate().equals(c)).toList();
			m.append("| ").append(c.method()).append(" | ").append(optionsCell(c)).append(" |");
			for (Damage d : Damage.values()) {
				long k = mine.stream().filter(x -> damage(x.damage()).contains(d)).count();
				m.append(String.format(Locale.ROOT, " %.1f%% |", 100.0 * k / Math.max(1, mine.size())));
			}
			m.append('\n');
		}
		return m.toString();
	}

	/**
	 * The result of an earlier run from its {@code rows.csv} and {@code cross-lab.md} in {@code outDir}, with the roles
	 * (default, reference) of today's defaults: after a default was changed by the run's own decision, the tables are
	 * written again without normalizing everything again. The numbers are the run's; its seconds come from its report.
	 */
	static Result reread(Settings s, Path outDir) {
		List<String> excluded = new ArrayList<>();
		List<String> groups = sources(s, excluded).stream().map(x -> x.test().group()).distinct().toList();
		List<String> lines;
		String report;
		try {
			lines = Files.readAllLines(outDir.resolve("rows.csv"));
			report = Files.readString(outDir.resolve("cross-lab.md"));
		}
		catch (IOException e) {
			throw new StainNormException("Cannot read the earlier run in " + outDir + ": " + e.getMessage());
		}
		java.util.regex.Matcher took = java.util.regex.Pattern.compile("threads, (\\d+) s\\.").matcher(report);
		if (!took.find()) throw new StainNormException(outDir.resolve("cross-lab.md") + " does not say how long its run took");
		List<Row> rows = new ArrayList<>();
		List<Candidate> all = candidates();
		for (String line : lines.subList(1, lines.size())) {
			List<String> f = csvFields(line);
			if (f.size() != 25) throw new StainNormException(outDir.resolve("rows.csv") + ": a row with " + f.size() + " fields, not 25: " + line);
			Candidate c = all.stream().filter(x -> x.method().equals(f.get(0)) && x.options().equals(f.get(1))).findFirst()
				.orElseThrow(() -> new StainNormException(outDir.resolve("rows.csv") + ": option set " + f.get(0) + " " + f.get(1) + " is no candidate now"));
			double[] d = new double[11];
			for (int i = 0; i < 11; i++)
				d[i] = number(f.get(12 + i));
			rows.add(new Row(c, f.get(3), f.get(4), f.get(5), Integer.parseInt(f.get(6)), f.get(7), f.get(8), f.get(9), number(f.get(10)), number(f.get(11)), new ImageDamage.Measures(d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10]), f.get(24)));
		}
		return new Result(rows, groups, excluded, s, Double.parseDouble(took.group(1)));
	}

	/** A number as {@link Csv#number} writes it. */
	private static double number(String text) {
		return text.isEmpty() ? Double.NaN : text.equals("inf") ? Double.POSITIVE_INFINITY : text.equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(text);
	}

	/** The fields of one line as {@link Csv#field} writes them (quoted when they hold a comma or quote, quotes doubled). */
	static List<String> csvFields(String line) {
		List<String> out = new ArrayList<>();
		StringBuilder f = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < line.length(); i++) {
			char ch = line.charAt(i);
			if (quoted) {
				if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
					f.append('"');
					i++;
				}
				else if (ch == '"') quoted = false;
				else f.append(ch);
			}
			else if (ch == '"') quoted = true;
			else if (ch == ',') {
				out.add(f.toString());
				f.setLength(0);
			}
			else f.append(ch);
		}
		out.add(f.toString());
		return out;
	}

	/** {@code [HE_DIR] [OUT_DIR] [MARKDOWN] [--reread]}: {@code --reread} writes the tables again from OUT_DIR's earlier run (see {@link #reread}). */
	public static void main(String[] args) {
		List<String> a = new ArrayList<>(List.of(args));
		boolean again = a.remove("--reread");
		Path data = Path.of(a.size() > 0 ? a.get(0) : "../shared/data/he"), out = Path.of(a.size() > 1 ? a.get(1) : "docs/evaluation/cross-lab"),
			md = Path.of(a.size() > 2 ? a.get(2) : "docs/results.md");
		Settings s = Settings.defaults(data);
		Result r = again ? reread(s, out) : run(s, (done, total, message) -> {
			if (done >= 0 && done % 20 == 0) System.err.println(done + "/" + total + " " + message);
		});
		write(r, out, md);
		System.out.println(read(out.resolve("cross-lab.md")));
	}
}
