package sc.fiji.stainnorm.deconvolution;

import sc.fiji.stainnorm.core.Matrix3;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * Three unit optical-density vectors (R, G, B components), one per stain, as Ruifrok &amp; Johnston define
 * them. A missing third vector is the residual: its components are {@code sqrt(1 - a² - b²)} (clamped at 0)
 * then normalised, so it stays non-negative, as in ImageJ's Colour Deconvolution.
 */
public record StainVectors(String[] names, double[][] vectors) {

	/** Ruifrok &amp; Johnston 2001, haematoxylin and eosin; third vector is the residual. */
	public static final StainVectors H_E = of(new String[] { "Hematoxylin", "Eosin", "Residual" },
		new double[] { 0.650, 0.704, 0.286 }, new double[] { 0.072, 0.990, 0.105 });

	/** Ruifrok &amp; Johnston 2001, haematoxylin, eosin and DAB. */
	public static final StainVectors H_E_DAB = new StainVectors(new String[] { "Hematoxylin", "Eosin", "DAB" },
		new double[][] { Matrix3.normalize(new double[] { 0.650, 0.704, 0.286 }),
			Matrix3.normalize(new double[] { 0.072, 0.990, 0.105 }),
			Matrix3.normalize(new double[] { 0.268, 0.570, 0.776 }) });

	public StainVectors {
		if (names.length != 3 || vectors.length != 3) throw new IllegalArgumentException("three stains expected");
		for (int i = 0; i < 3; i++) {
			double[] v = vectors[i];
			if (v.length != 3 || !(Math.abs(Matrix3.norm(v) - 1) < 1e-6))
				throw new StainNormException("Stain vector " + (i + 1) + " must be a unit vector of 3 components");
		}
	}

	/** Two stains given; the third is their non-negative residual. Vectors are normalised here. */
	public static StainVectors of(String[] names, double[] first, double[] second) {
		double[] a = Matrix3.normalize(first), b = Matrix3.normalize(second);
		double[] c = new double[3];
		for (int i = 0; i < 3; i++)
			c[i] = Math.sqrt(Math.max(0, 1 - a[i] * a[i] - b[i] * b[i]));
		return new StainVectors(names, new double[][] { a, b, Matrix3.normalize(c) });
	}

	/** Three stains given by the user; each is normalised. */
	public static StainVectors of(String[] names, double[] first, double[] second, double[] third) {
		return new StainVectors(names, new double[][] { Matrix3.normalize(first), Matrix3.normalize(second), Matrix3.normalize(third) });
	}

	public double[] vector(int stain) {
		return vectors[stain].clone();
	}
}
