package sc.fiji.stainnorm.normalize;

/**
 * Optical density ↔ 8-bit intensity by table look-up, with background 255. Built with {@link StrictMath} and
 * applied with comparisons only, so a reconstruction gives the same bytes on every machine (the JIT's
 * {@code Math.exp} may differ by an ulp between platforms) and costs no {@code exp} per pixel.
 */
final class OdTables {
	static final double IO = 255;
	/** OD of intensity v (v &lt; 1 taken as 1, so black stays finite). */
	private static final double[] OD = new double[256];
	/**
	 * {@code ROUND_UP[k]} = the largest OD whose intensity {@code 255·exp(-od)} still rounds to k or more, i.e.
	 * {@code ln(255 / (k - 0.5))}; decreasing in k.
	 */
	private static final double[] ROUND_UP = new double[256];

	static {
		for (int v = 0; v < 256; v++)
			OD[v] = -StrictMath.log(Math.max(v, 1) / IO);
		ROUND_UP[0] = Double.POSITIVE_INFINITY;
		for (int k = 1; k < 256; k++)
			ROUND_UP[k] = StrictMath.log(IO / (k - 0.5));
	}

	private OdTables() {}

	static double od(int intensity) {
		return OD[intensity];
	}

	/** The 8-bit intensity of an optical density, rounded to nearest; negative OD gives 255, NaN gives 0. */
	static int toByte(double od) {
		if (!(od > ROUND_UP[255])) return od != od ? 0 : 255;
		// binary search for the largest k with od <= ROUND_UP[k]
		int lo = 0, hi = 254; // ROUND_UP[lo] >= od holds for lo = 0; od > ROUND_UP[255]
		while (lo < hi) {
			int mid = (lo + hi + 1) >>> 1;
			if (od <= ROUND_UP[mid]) lo = mid;
			else hi = mid - 1;
		}
		return lo;
	}
}
