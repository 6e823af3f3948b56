package sc.fiji.stainnorm.stst;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import sc.fiji.stainnorm.bench.SlideBenchmark;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.TissueMask;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.SourceModel;
import sc.fiji.stainnorm.slide.NormalizedRegions;
import sc.fiji.stainnorm.slide.PyramidTiffOptions;
import sc.fiji.stainnorm.slide.PyramidTiffWriter;
import sc.fiji.stainnorm.slide.RegionSource;
import sc.fiji.stainnorm.slide.Slide;
import sc.fiji.stainnorm.slide.SlideLevel;
import sc.fiji.stainnorm.slide.SourceSampling;

/**
 * Not a test: times STST's slide path, whole job (read, normalize, write the pyramid), on the slide benchmark's
 * synthetic slide, with the generator tiles shared between neighbouring cells ({@code shared}, what a slide job does)
 * or computed per cell ({@code direct}, {@link Stst#normalizeRegion} per cell, as before). Prints wall and process CPU
 * time (TensorFlow's native threads included), generator tiles per megapixel and the load; {@code compare A.tif B.tif}
 * prints the largest level-0 difference of two outputs.
 *
 * <pre>java -cp target/classes:target/test-classes:$(cat target/classpath.txt) sc.fiji.stainnorm.stst.StstSlideSpeed DIR MEGAPIXELS shared|direct [threads]</pre>
 */
public final class StstSlideSpeed {
	private StstSlideSpeed() {}

	public static void main(String[] args) throws IOException {
		if (args[0].equals("compare")) {
			System.out.println("largest level-0 difference: " + compare(Path.of(args[1]), Path.of(args[2])));
			return;
		}
		Path dir = Path.of(args[0]);
		double megapixels = Double.parseDouble(args[1]);
		boolean shared = args[2].equals("shared");
		int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
		Files.createDirectories(dir);
		Path slidePath = dir.resolve("slide.tif");
		if (!Files.exists(slidePath)) SlideBenchmark.makeSlide(dir, megapixels);
		var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		Stst stst = new Stst(MethodOptions.none());
		stst.fit(java.util.List.of());
		double load = os.getSystemLoadAverage();
		long cpu = os.getProcessCpuTime(), start = System.nanoTime();
		Path out = dir.resolve("out-" + args[2] + ".tif");
		long tiles, regionCount;
		double mp;
		try (Slide slide = Slide.open(slidePath, Long.getLong("cacheMB", 64) << 20 /* the job: WholeSlideJob.sourceCacheBytes */)) {
			SlideLevel level = slide.level(0);
			mp = level.width() * (double) level.height() / 1e6;
			SourceModel model = stst.learnSource(SourceSampling.sample(level, SourceSampling.Settings.DEFAULT).tiles());
			RegionSource regions;
			@SuppressWarnings("unchecked")
			java.util.function.Supplier<long[]>[] holder = new java.util.function.Supplier[1];
			java.util.function.Supplier<long[]> counted;
			if (shared) {
				regions = sharedRegions(level, stst, model, holder);
				counted = holder[0];
			}
			else {
				int[] xs = Tiler.positions((int) level.width(), 256, 64), ys = Tiler.positions((int) level.height(), 256, 64);
				java.util.concurrent.atomic.AtomicLong n = new java.util.concurrent.atomic.AtomicLong(), r = new java.util.concurrent.atomic.AtomicLong();
				counted = () -> new long[] { n.get(), r.get() };
				regions = new RegionSource() { // as NormalizedRegions did: the region read for its glass count, then normalized
					@Override
					public long width() {
						return level.width();
					}

					@Override
					public long height() {
						return level.height();
					}

					@Override
					public RgbImage read(long x, long y, int w, int h) throws IOException {
						RgbImage region = level.read(x, y, w, h);
						TissueMask.enough(TissueMask.count(region), region.pixelCount());
						r.incrementAndGet();
						n.addAndGet(reaching(xs, x, w, (int) level.width()) * reaching(ys, y, h, (int) level.height()));
						return stst.normalizeRegion(level, model, x, y, w, h);
					}
				};
			}
			PyramidTiffWriter.write(regions, out, PyramidTiffOptions.defaults().withThreads(threads).withOverwrite(true), Progress.NONE);
			tiles = counted.get()[0];
			regionCount = counted.get()[1];
		}
		double wall = (System.nanoTime() - start) / 1e9, cpuS = (os.getProcessCpuTime() - cpu) / 1e9;
		System.out.printf(Locale.ROOT,
			"%s: %.1f MP, %d regions, %d generator tiles (%.1f per MP); wall %.1f s (%.2f MP/s), CPU %.1f s (%.2f MP/s on %d busy cores); load %.1f -> %.1f%n",
			args[2], mp, regionCount, tiles, tiles / mp, wall, mp / wall, cpuS, mp / (cpuS / threads), threads, load, os.getSystemLoadAverage());
	}

	/** The bundled model's tiles (256, overlap 64) that reach [from - 16, from + size + 16): what one region runs. */
	static long reaching(int[] origins, long from, int size, int full) {
		long lo = Math.max(0, from - 16), hi = Math.min(full, from + size + 16), n = 0;
		for (int o : origins)
			if (o + 256 > lo && o < hi) n++;
		return n;
	}

	/** SHARED-START */
	static RegionSource sharedRegions(SlideLevel level, Stst stst, SourceModel model, java.util.function.Supplier<long[]>[] counted) {
		NormalizedRegions n = new NormalizedRegions(level, stst, model);
		counted[0] = () -> new long[] { n.ststRegions().generatorTiles(), n.ststRegions().regions() };
		return n;
	}
	/** SHARED-END */

	static int compare(Path a, Path b) throws IOException {
		try (Slide x = Slide.open(a); Slide y = Slide.open(b)) {
			SlideLevel p = x.level(0), q = y.level(0);
			if (p.width() != q.width() || p.height() != q.height()) throw new IllegalStateException("sizes differ");
			int max = 0;
			for (long ty = 0; ty < p.height(); ty += 1024)
				for (long tx = 0; tx < p.width(); tx += 1024) {
					int w = (int) Math.min(1024, p.width() - tx), h = (int) Math.min(1024, p.height() - ty);
					max = Math.max(max, sc.fiji.stainnorm.slide.TiledNormalization.maxDifference(p.read(tx, ty, w, h), q.read(tx, ty, w, h)));
				}
			return max;
		}
	}
}
