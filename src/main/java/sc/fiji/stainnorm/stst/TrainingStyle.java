package sc.fiji.stainnorm.stst;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.StainEstimates;

/**
 * What an STST model knows: the stain style of its training images, stored in the model file. Per training
 * image, Macenko's haematoxylin and eosin vectors (the project's default Macenko estimate) and the gray levels
 * of {@link StstInput.Levels} (darkest tissue, glass); the record keeps their mean and spread. At inference
 * {@link #distance} measures how far an input lies outside that style, in units of the training spread (with
 * floors, so that a very uniform training set does not turn every small difference into an alarm), and
 * {@link #warning} words it for the user.
 *
 * @param images        training images that went into the record (those whose stains Macenko could estimate)
 * @param hematoxylin   mean unit OD vector of haematoxylin
 * @param eosin         mean unit OD vector of eosin
 * @param spreadDegrees RMS angle of the images' haematoxylin and eosin vectors to their means
 * @param grayLow       mean and standard deviation of the images' dark gray level
 * @param grayHigh      mean and standard deviation of the images' bright (glass) gray level
 */
public record TrainingStyle(int images, double[] hematoxylin, double[] eosin, double[] spreadDegrees, double[] grayLow, double[] grayHigh) {
	/** Metadata keys. */
	static final String IMAGES = "styleImages", HEMATOXYLIN = "styleHematoxylin", EOSIN = "styleEosin", SPREAD = "styleSpreadDegrees",
		GRAY_LOW = "styleGrayLow", GRAY_HIGH = "styleGrayHigh";
	/** Spread floors: stain angles in degrees, gray levels. */
	static final double MIN_ANGLE_SPREAD = 2, MIN_GRAY_SPREAD = 4;
	/**
	 * Distances (in training spreads) above which an input is said to be of another style: chosen on the
	 * shared data (docs/stst-default-model/style-check.md): every glioblastoma tile of the bundled model's lab
	 * lies below, other labs' images mostly above.
	 */
	public static final double WARN_DISTANCE = 4;

	/** One image's style numbers. */
	public record Measure(double[] hematoxylin, double[] eosin, StstInput.Levels levels) {
		/** Null when Macenko finds no tissue or cannot separate two stains. */
		public static Measure of(RgbImage image) {
			return of(image, StstInput.Levels.of(image));
		}

		/** {@link #of(RgbImage)} with the image's gray levels already measured. */
		public static Measure of(RgbImage image, StstInput.Levels levels) {
			double[][] v;
			try {
				v = StainEstimates.macenkoVectors(image);
			}
			catch (StainNormException e) {
				return null;
			}
			return new Measure(v[0].clone(), v[1].clone(), levels);
		}
	}

	/** How far an input is from the style, per part and overall (the largest part). */
	public record Distance(double hematoxylinDegrees, double eosinDegrees, double grayLow, double grayHigh, double overall) {}

	public static TrainingStyle of(List<RgbImage> training) {
		List<Measure> ms = new ArrayList<>();
		for (RgbImage i : training) {
			Measure m = Measure.of(i);
			if (m != null) ms.add(m);
		}
		if (ms.isEmpty()) return null;
		double[] h = meanUnit(ms, true), e = meanUnit(ms, false);
		double sh = 0, se = 0;
		double[] lows = new double[ms.size()], highs = new double[ms.size()];
		for (int k = 0; k < ms.size(); k++) {
			sh += Math.pow(angle(ms.get(k).hematoxylin, h), 2);
			se += Math.pow(angle(ms.get(k).eosin, e), 2);
			lows[k] = ms.get(k).levels.low();
			highs[k] = ms.get(k).levels.high();
		}
		return new TrainingStyle(ms.size(), h, e, new double[] { Math.sqrt(sh / ms.size()), Math.sqrt(se / ms.size()) }, meanSd(lows), meanSd(highs));
	}

	public Distance distance(Measure m) {
		double dh = angle(m.hematoxylin, hematoxylin), de = angle(m.eosin, eosin);
		double gl = Math.abs(m.levels.low() - grayLow[0]), gh = Math.abs(m.levels.high() - grayHigh[0]);
		double overall = Math.max(Math.max(dh / Math.max(spreadDegrees[0], MIN_ANGLE_SPREAD), de / Math.max(spreadDegrees[1], MIN_ANGLE_SPREAD)),
			Math.max(gl / Math.max(grayLow[1], MIN_GRAY_SPREAD), gh / Math.max(grayHigh[1], MIN_GRAY_SPREAD)));
		return new Distance(dh, de, gl, gh, overall);
	}

	/** The warning for an input far outside the style, or null when it is within (or has no measurable stains). */
	public String warning(RgbImage input) {
		return warning(input, StstInput.Levels.of(input));
	}

	/** {@link #warning(RgbImage)} with the input's gray levels already measured. */
	public String warning(RgbImage input, StstInput.Levels levels) {
		Measure m = Measure.of(input, levels);
		if (m == null) return null;
		Distance d = distance(m);
		if (d.overall <= WARN_DISTANCE) return null;
		return String.format(Locale.ROOT, "this model was trained on another lab's style (the image is %.1f training spreads away: haematoxylin %.0f°, "
			+ "eosin %.0f° from the training stains, dark/glass gray %.0f/%.0f levels off); train one on your target style (./stainnorm train)",
			d.overall, d.hematoxylinDegrees, d.eosinDegrees, d.grayLow, d.grayHigh);
	}

	public void store(Properties p) {
		p.setProperty(IMAGES, Integer.toString(images));
		p.setProperty(HEMATOXYLIN, format(hematoxylin));
		p.setProperty(EOSIN, format(eosin));
		p.setProperty(SPREAD, format(spreadDegrees));
		p.setProperty(GRAY_LOW, format(grayLow));
		p.setProperty(GRAY_HIGH, format(grayHigh));
	}

	/** The record in a model's metadata; null when the model has none (files written before it existed). */
	public static TrainingStyle read(Properties p, String what) {
		if (p.getProperty(IMAGES) == null) return null;
		try {
			TrainingStyle s = new TrainingStyle(Integer.parseInt(p.getProperty(IMAGES).trim()), unit(parse(p, HEMATOXYLIN, 3)), unit(parse(p, EOSIN, 3)),
				parse(p, SPREAD, 2), parse(p, GRAY_LOW, 2), parse(p, GRAY_HIGH, 2));
			if (s.images < 1) throw new NumberFormatException("no images");
			for (double v : new double[] { s.spreadDegrees[0], s.spreadDegrees[1], s.grayLow[1], s.grayHigh[1] })
				if (!(v >= 0) || Double.isInfinite(v)) throw new NumberFormatException("negative spread");
			return s;
		}
		catch (RuntimeException e) {
			throw new StainNormException(what + " has an invalid training-style record (" + e.getMessage() + ")");
		}
	}

	private static double[] parse(Properties p, String key, int n) {
		String v = p.getProperty(key);
		if (v == null) throw new NumberFormatException(key + " missing");
		String[] parts = v.split(",");
		if (parts.length != n) throw new NumberFormatException(key + " needs " + n + " numbers");
		double[] out = new double[n];
		for (int i = 0; i < n; i++) {
			out[i] = Double.parseDouble(parts[i].trim());
			if (!Double.isFinite(out[i])) throw new NumberFormatException(key + " is not finite");
		}
		return out;
	}

	private static double[] unit(double[] v) {
		double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
		if (!(n > 0)) throw new NumberFormatException("zero stain vector");
		return new double[] { v[0] / n, v[1] / n, v[2] / n };
	}

	private static String format(double[] v) {
		StringBuilder sb = new StringBuilder();
		for (double x : v) sb.append(sb.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.5f", x));
		return sb.toString();
	}

	private static double[] meanUnit(List<Measure> ms, boolean h) {
		double[] s = new double[3];
		for (Measure m : ms)
			for (int c = 0; c < 3; c++) s[c] += (h ? m.hematoxylin : m.eosin)[c];
		return unit(s);
	}

	private static double[] meanSd(double[] v) {
		double mean = java.util.Arrays.stream(v).average().orElse(0), ss = 0;
		for (double x : v) ss += (x - mean) * (x - mean);
		return new double[] { mean, Math.sqrt(ss / v.length) };
	}

	static double angle(double[] a, double[] b) {
		double dot = (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / Math.sqrt((a[0] * a[0] + a[1] * a[1] + a[2] * a[2]) * (b[0] * b[0] + b[1] * b[1] + b[2] * b[2]));
		return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, dot))));
	}
}
