package sc.fiji.stainnorm.stst;

import java.util.Locale;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * How an image becomes the generator's one input channel. {@link Mode#GRAY} is the paper's ITU-601 luma.
 * {@link Mode#GRAY_PERCENTILES} first maps the luma linearly so that the image's own dark and bright
 * percentiles ({@link Levels}: darkest tissue, glass) land on the training set's mean levels: a dimmer lamp,
 * a camera gamma or a stronger stain moves those percentiles, and the generator then sees about the gray it
 * was trained on. The levels are measured once per whole image (per training image in training), never per
 * tile, so tiles of one slide share one mapping.
 */
public final class StstInput {
	/** Percentiles of the luma that define an image's levels. */
	public static final double LOW_PERCENTILE = 1, HIGH_PERCENTILE = 99;
	/** Below this spread (gray levels) between the two percentiles an image is left unmapped. */
	static final double MIN_SPREAD = 8;

	private StstInput() {}

	public enum Mode {
		GRAY("gray"), GRAY_PERCENTILES("gray-percentiles");

		private final String key;

		Mode(String key) {
			this.key = key;
		}

		public String key() {
			return key;
		}

		/** The mode named {@code key}; null means a model file older than the setting, i.e. {@link #GRAY}. */
		public static Mode of(String key, String what) {
			if (key == null) return GRAY;
			for (Mode m : values())
				if (m.key.equals(key.trim())) return m;
			throw new StainNormException(what + " has input mode '" + key + "', which this plugin does not know (known: gray, gray-percentiles); update the plugin");
		}
	}

	/** The luma of an image at its {@link #LOW_PERCENTILE} and {@link #HIGH_PERCENTILE}. */
	public record Levels(double low, double high) {
		public static Levels of(RgbImage image) {
			int[] histogram = new int[1021]; // quarter gray levels
			for (int p : image.pixels()) histogram[(int) Math.round(4 * luma(p))]++;
			return new Levels(percentile(histogram, image.pixelCount(), LOW_PERCENTILE) / 4, percentile(histogram, image.pixelCount(), HIGH_PERCENTILE) / 4);
		}

		/** "low,high" as stored in a model's metadata. */
		public String format() {
			return String.format(Locale.ROOT, "%.3f,%.3f", low, high);
		}

		public static Levels parse(String text, String what) {
			String[] parts = text == null ? new String[0] : text.split(",");
			try {
				if (parts.length == 2) {
					Levels l = new Levels(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()));
					if (l.low >= 0 && l.high <= 255 && l.high - l.low >= MIN_SPREAD) return l;
				}
			}
			catch (NumberFormatException e) {
				// reported below
			}
			throw new StainNormException(what + " has invalid input levels '" + text + "' (expected low,high gray levels)");
		}

		/** The mean of several images' levels: the training set's reference. */
		public static Levels mean(java.util.List<Levels> levels) {
			return new Levels(levels.stream().mapToDouble(Levels::low).average().orElseThrow(), levels.stream().mapToDouble(Levels::high).average().orElseThrow());
		}
	}

	/**
	 * The linear gray map {@code level' = scale * luma + offset} of one image: identity for {@link Mode#GRAY}
	 * and for images whose percentiles are too close to be stretched (almost uniform).
	 */
	public record GrayMap(double scale, double offset) {
		public static final GrayMap IDENTITY = new GrayMap(1, 0);

		public static GrayMap of(Mode mode, Levels reference, RgbImage image) {
			if (mode == Mode.GRAY) return IDENTITY;
			return between(Levels.of(image), reference);
		}

		static GrayMap between(Levels image, Levels reference) {
			if (image.high - image.low < MIN_SPREAD) return IDENTITY;
			double scale = (reference.high - reference.low) / (image.high - image.low);
			return new GrayMap(scale, reference.low - scale * image.low);
		}

		boolean identity() {
			return scale == 1 && offset == 0;
		}
	}

	static double luma(int rgb) {
		return 0.299 * RgbImage.red(rgb) + 0.587 * RgbImage.green(rgb) + 0.114 * RgbImage.blue(rgb);
	}

	private static double percentile(int[] histogram, int n, double pct) {
		long rank = (long) Math.ceil(pct / 100 * n);
		long seen = 0;
		for (int i = 0; i < histogram.length; i++) {
			seen += histogram[i];
			if (seen >= Math.max(1, rank)) return i;
		}
		return histogram.length - 1;
	}
}
