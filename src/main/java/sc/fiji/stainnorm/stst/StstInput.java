package sc.fiji.stainnorm.stst;

import java.util.Locale;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * How an image becomes the generator's one input channel at inference. {@link Mode#GRAY} is the paper's
 * ITU-601 luma. {@link Mode#GRAY_PERCENTILES} first maps the luma linearly so that the image's own dark and
 * bright percentiles ({@link Levels}: darkest tissue, glass or the brightest tissue) move a share of the way
 * (the model's strength, 0.25 by default) to the training set's mean levels: a dimmer lamp, a camera gamma
 * or a stronger stain moves those percentiles, and the generator then sees closer to the gray it was trained
 * on. Not all the way: a tile's levels are partly its content (a pale tile is brighter), which a full mapping
 * would erase (measured in docs/stst-default-model/experiments.md). The generator itself trains on the plain
 * luma. The levels are measured once per whole image, never per tile, so tiles of one image share one map.
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
			return of(mode, reference, 1, image);
		}

		/** With {@code strength} in (0, 1]: the image's levels are moved that share of the way to the reference. */
		public static GrayMap of(Mode mode, Levels reference, double strength, RgbImage image) {
			return mode == Mode.GRAY ? IDENTITY : of(mode, reference, strength, Levels.of(image));
		}

		/** {@link #of(Mode, Levels, double, RgbImage)} of an image whose levels are {@code image}. */
		public static GrayMap of(Mode mode, Levels reference, double strength, Levels image) {
			return mode == Mode.GRAY ? IDENTITY : between(image, reference, strength);
		}

		static GrayMap between(Levels image, Levels reference, double strength) {
			if (image.high - image.low < MIN_SPREAD) return IDENTITY;
			double low = image.low + strength * (reference.low - image.low), high = image.high + strength * (reference.high - image.high);
			double scale = (high - low) / (image.high - image.low);
			return new GrayMap(scale, low - scale * image.low);
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
