package sc.fiji.stainnorm.normalize;

import java.util.List;

import sc.fiji.stainnorm.core.RgbImage;

/** A normalized image and what the user should know about it (e.g. "no tissue found: returned unchanged"). */
public record Normalized(RgbImage image, List<String> warnings) {

	public Normalized {
		warnings = List.copyOf(warnings);
	}

	public static Normalized of(RgbImage image) {
		return new Normalized(image, List.of());
	}

	public static Normalized unchanged(RgbImage source, String why) {
		return new Normalized(source.copy(), List.of(why));
	}
}
