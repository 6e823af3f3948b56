package sc.fiji.stainnorm.metrics;

import java.util.Locale;

import sc.fiji.stainnorm.core.InvalidSettingException;

/**
 * Which definition of each metric to use. {@link #STANDARD}: the textbook definitions from the original papers.
 * {@link #PAPER}: the implementations the STST paper used (sewar 0.4.3, its MATLAB MS-SSIM and FSIMc), whose
 * numbers are comparable with the paper's Table I even where they deviate from the textbook.
 */
public enum Convention {
	STANDARD, PAPER;

	/** Parses {@code standard} or {@code paper} (any case). */
	public static Convention parse(String text) {
		String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
		for (Convention c : values())
			if (c.label().equals(t)) return c;
		throw new InvalidSettingException("Unknown metric convention '" + text + "' (accepted: standard, paper)");
	}

	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}
}
