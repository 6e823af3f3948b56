package sc.fiji.stainnorm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.SourceModel;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.slide.NormalizedRegions;
import sc.fiji.stainnorm.slide.PyramidTiffOptions;
import sc.fiji.stainnorm.slide.PyramidTiffWriter;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticSlide;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * The memory check of whole-slide normalization: a synthetic slide of SIDE x SIDE pixels, computed on the fly (no input
 * file), normalized with one source model and written as a pyramidal TIFF, in whatever heap this JVM was given; prints the
 * heap's peak use. Run it under a small {@code -Xmx} to show that memory does not grow with the slide:
 *
 * <pre>java -Xmx1g -cp target/classes:$(cat target/classpath.txt) sc.fiji.stainnorm.bench.SlideMemoryCheck 50000 reinhard /tmp/big.tif</pre>
 */
public final class SlideMemoryCheck {
	private SlideMemoryCheck() {}

	public static void main(String[] args) throws Exception {
		if (args.length < 3) {
			System.err.println("usage: SlideMemoryCheck SIDE METHOD OUTPUT.tif [THREADS]");
			System.exit(2);
		}
		long side = Long.parseLong(args[0]);
		String method = args[1];
		Path output = Path.of(args[2]);
		int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
		SyntheticSlide slide = new SyntheticSlide(side, side);
		StainNormalizer normalizer = Methods.create(method, MethodOptions.none());
		normalizer.fit(normalizer.needsReference() ? List.of(SyntheticTissue.generate(5, 512, 512).render(StainStyle.B, 1.0)) : List.of());
		SourceModel model = normalizer.learnSource(List.of(slide.read(side / 2 - 256, side / 2 - 256, 512, 512), slide.read(side / 3, side / 3, 512, 512)));
		NormalizedRegions regions = new NormalizedRegions(slide, normalizer, model);
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) pool.resetPeakUsage();
		long start = System.nanoTime();
		PyramidTiffWriter.Result r = PyramidTiffWriter.write(regions, output, PyramidTiffOptions.defaults().withThreads(threads).withOverwrite(true),
			new Progress() {
				long last;

				@Override
				public void update(long done, long total, String message) {
					long now = System.nanoTime();
					if (done >= 0 && now - last > 10_000_000_000L) {
						last = now;
						System.out.println(message + " (" + done + "/" + total + " tiles, heap peak " + heapPeakMb() + " MB)");
					}
				}
			});
		double seconds = (System.nanoTime() - start) / 1e9;
		System.out.println(String.format(Locale.ROOT,
			"%s: %dx%d (%.0f MP) -> %s, %d levels, %.1f MB, %.1f s, %.2f MP/s, %d tiles normalized, %d of them glass; max heap %d MB, heap peak %d MB",
			method, side, side, side * (double) side / 1e6, output, r.levels(), r.bytes() / 1e6, seconds, side * (double) side / 1e6 / seconds,
			regions.normalizedRegions(), regions.glassRegions(), Runtime.getRuntime().maxMemory() >> 20, heapPeakMb()));
		System.exit(0);
	}

	/** The sum of the heap pools' peak use since the reset (an upper bound of the heap's peak). */
	static long heapPeakMb() {
		long sum = 0;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans())
			if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) sum += pool.getPeakUsage().getUsed();
		return sum >> 20;
	}
}
