package sc.fiji.stainnorm.synth;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;

/**
 * The project's own test images ({@code test-images/}): two synthetic tissues, each rendered under the
 * three stain styles A, B and C. Run {@code main} to write them again; a test checks that the committed
 * files are exactly what this class renders.
 */
public final class TestImages {
	public static final long[] SEEDS = { 1, 2 };
	public static final int SIZE = 256;
	/** Noise in gray levels: enough that no method sees a perfectly clean image. */
	public static final double NOISE = 1.0;

	public record Entry(String fileName, long seed, StainStyle style, RgbImage image) {}

	private TestImages() {}

	public static String fileName(long seed, StainStyle style) {
		return "tissue" + seed + "_" + style.name() + ".png";
	}

	public static RgbImage render(long seed, StainStyle style) {
		return SyntheticTissue.generate(seed, SIZE, SIZE).render(style, NOISE);
	}

	public static List<Entry> all() {
		List<Entry> out = new ArrayList<>();
		for (long seed : SEEDS) {
			SyntheticTissue t = SyntheticTissue.generate(seed, SIZE, SIZE);
			for (StainStyle s : StainStyle.ALL)
				out.add(new Entry(fileName(seed, s), seed, s, t.render(s, NOISE)));
		}
		return out;
	}

	public static void main(String[] args) {
		Path dir = Path.of(args.length > 0 ? args[0] : "test-images");
		for (Entry e : all())
			ImageFiles.write(e.image(), dir.resolve(e.fileName()));
		System.out.println("wrote " + all().size() + " images to " + dir);
	}
}
