package sc.fiji.stainnorm.synth;

import sc.fiji.stainnorm.core.Matrix3;

/**
 * How one "scanner/lab" renders stain: unit OD vectors of haematoxylin and eosin, stain strengths (a
 * multiplier on the concentrations, like a longer or shorter staining time), and the background intensity.
 */
public record StainStyle(String name, double[] hematoxylin, double[] eosin, double hStrength, double eStrength, double io) {

	public StainStyle {
		hematoxylin = Matrix3.normalize(hematoxylin);
		eosin = Matrix3.normalize(eosin);
	}

	/** Ruifrok &amp; Johnston's standard H&amp;E vectors, background 245. */
	public static final StainStyle A = new StainStyle("A", new double[] { 0.650, 0.704, 0.286 }, new double[] { 0.072, 0.990, 0.105 }, 1.0, 1.0, 245);
	/** Bluer haematoxylin, pinker and weaker eosin, darker background: another lab's look. */
	public static final StainStyle B = new StainStyle("B", new double[] { 0.560, 0.760, 0.330 }, new double[] { 0.180, 0.920, 0.350 }, 1.25, 0.75, 232);
	/** Purple, over-stained, bright background. */
	public static final StainStyle C = new StainStyle("C", new double[] { 0.720, 0.670, 0.180 }, new double[] { 0.130, 0.960, 0.250 }, 1.45, 1.35, 252);

	public static final StainStyle[] ALL = { A, B, C };

	/** Rows H, E: the stain matrix a method should recover. */
	public double[][] matrix() {
		return new double[][] { hematoxylin.clone(), eosin.clone() };
	}
}
