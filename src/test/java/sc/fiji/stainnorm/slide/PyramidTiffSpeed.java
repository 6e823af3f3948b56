package sc.fiji.stainnorm.slide;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.slide.PyramidTiffOptions.Compression;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * Not a test: measures the writer on a large synthetic slide (a 2500x2500 synthetic tissue repeated, period not a
 * multiple of the tile size, so no two tiles are equal), for the README and reports.
 *
 * <pre>java -cp target/classes:target/test-classes sc.fiji.stainnorm.slide.PyramidTiffSpeed WIDTH HEIGHT OUT_DIR [threads [keep]]</pre>
 *
 * With {@code keep}, only the default JPEG is written, and kept as {@code OUT_DIR/speed.tif}.
 */
public final class PyramidTiffSpeed {
	private PyramidTiffSpeed() {}

	public static void main(String[] args) throws IOException {
		long width = Long.parseLong(args[0]), height = Long.parseLong(args[1]);
		Path dir = Path.of(args[2]);
		int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
		int period = 2500;
		RgbImage tissue = SyntheticTissue.generate(5, period, period).render(StainStyle.B, 1.0);
		RegionSource source = new RegionSource() {
			@Override
			public long width() {
				return width;
			}

			@Override
			public long height() {
				return height;
			}

			@Override
			public RgbImage read(long x, long y, int w, int h) {
				int[] px = new int[w * h];
				for (int j = 0; j < h; j++) {
					int sy = (int) ((y + j) % period);
					for (int i = 0; i < w; i++)
						px[j * w + i] = tissue.pixels()[sy * period + (int) ((x + i) % period)];
				}
				return RgbImage.wrap(w, h, px);
			}

			@Override
			public PixelSize pixelSize() {
				return new PixelSize(0.5, 0.5, 20);
			}
		};
		var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		double mp = width * (double) height / 1e6;
		PyramidTiffOptions base = PyramidTiffOptions.defaults().withThreads(threads).withOverwrite(true);
		PyramidTiffOptions[] runs = { base, base.withChromaSubsampling(true), base.withCompression(Compression.DEFLATE),
			base.withCompression(Compression.DEFLATE).withDeflate(6, true), base.withCompression(Compression.DEFLATE).withDeflate(1, false) };
		boolean keep = args.length > 4 && args[4].equals("keep");
		if (keep) runs = new PyramidTiffOptions[] { base };
		for (PyramidTiffOptions o : runs) {
			Path out = dir.resolve("speed.tif");
			long cpu = os.getProcessCpuTime(), t = System.nanoTime();
			PyramidTiffWriter.Result r = PyramidTiffWriter.write(source, out, o, Progress.NONE);
			double wall = (System.nanoTime() - t) / 1e9, cpuS = (os.getProcessCpuTime() - cpu) / 1e9;
			System.out.printf(Locale.ROOT, "%-28s %6.1f MB  %d levels  wall %6.1f s (%5.2f MP/s)  CPU %6.1f s (%5.2f MP per CPU-s)  load %.1f%n",
				o.formatKey(), Files.size(out) / 1e6, r.levels(), wall, mp / wall, cpuS, mp / cpuS, os.getSystemLoadAverage());
			if (!keep) Files.delete(out);
		}
		if (keep) return;
		// what a resume's rebuild of a pending row costs per tile, next to encoding it
		for (PyramidTiffOptions o : new PyramidTiffOptions[] { base, base.withCompression(Compression.DEFLATE) }) {
			TileCodec codec = new TileCodec(o);
			int[] tile = PyramidTiffWriter.padded(tissue.pixels(), period, 512, 512, 0, 512);
			byte[] enc = codec.encode(tile);
			codec.decode(enc);
			int n = 40;
			long t0 = System.nanoTime();
			for (int i = 0; i < n; i++)
				enc = codec.encode(tile);
			long t1 = System.nanoTime();
			for (int i = 0; i < n; i++)
				codec.decode(enc);
			long t2 = System.nanoTime();
			System.out.printf(Locale.ROOT, "%-28s encode %.1f ms/tile, decode %.1f ms/tile (one thread)%n", o.formatKey(), (t1 - t0) / 1e6 / n,
				(t2 - t1) / 1e6 / n);
		}
	}
}
