package sc.fiji.stainnorm.core;

/**
 * Which pixels are stained tissue rather than bright background: a pixel is tissue when at least one channel
 * has an optical density of {@link #MIN_OD} or more against a white of 255, i.e. is at most 219 of 255. Dark
 * pixels (nuclei, pen marks, black) count as tissue; the methods deal with them in their own way.
 */
public final class TissueMask {
	/** The OD below which all three channels must lie for background; the β of Macenko et al. */
	public static final double MIN_OD = 0.15;
	/** Channel values at or below this are tissue: {@code 255 · exp(-0.15) = 219.5}. */
	public static final int MAX_TISSUE_VALUE = (int) Math.floor(255 * Math.exp(-MIN_OD));
	/** Fewer tissue pixels than this fraction of the image, and a patch counts as tissue-free. */
	public static final double MIN_FRACTION = 0.01;
	/** ...or fewer than this many, whatever the image size. */
	public static final int MIN_PIXELS = 16;

	private TissueMask() {}

	public static boolean isTissue(int rgb) {
		return Math.min(RgbImage.red(rgb), Math.min(RgbImage.green(rgb), RgbImage.blue(rgb))) <= MAX_TISSUE_VALUE;
	}

	/** One flag per pixel. */
	public static boolean[] of(RgbImage image) {
		int[] p = image.pixels();
		boolean[] mask = new boolean[p.length];
		for (int i = 0; i < p.length; i++)
			mask[i] = isTissue(p[i]);
		return mask;
	}

	public static long count(RgbImage image) {
		long n = 0;
		for (int rgb : image.pixels())
			if (isTissue(rgb)) n++;
		return n;
	}

	/** Whether {@code tissuePixels} of {@code totalPixels} is enough to estimate a stain style from. */
	public static boolean enough(long tissuePixels, long totalPixels) {
		return tissuePixels >= MIN_PIXELS && tissuePixels >= MIN_FRACTION * totalPixels;
	}

	/**
	 * The one "enough tissue" rule for reference images, shared by every method that learns a stain style from
	 * references: fewer tissue pixels than {@link #enough} allows and the reference is refused with one line naming
	 * it (a reference of a little tissue on glass would otherwise shift every output by many gray levels).
	 *
	 * @param index the reference's 1-based position, for the message
	 */
	public static void requireInReference(RgbImage reference, int index) {
		long tissue = count(reference);
		if (!enough(tissue, reference.pixelCount()))
			throw new StainNormException("Reference image " + index + " (" + reference.width() + "x" + reference.height()
				+ ") has almost no tissue (" + describe(tissue, reference.pixelCount())
				+ " darker than background); choose a reference showing stained tissue");
	}

	/** "0.4% of 65536 pixels", for messages. */
	public static String describe(long tissuePixels, long totalPixels) {
		return String.format(java.util.Locale.ROOT, "%.2f%% of %d pixels", 100.0 * tissuePixels / totalPixels, totalPixels);
	}
}
