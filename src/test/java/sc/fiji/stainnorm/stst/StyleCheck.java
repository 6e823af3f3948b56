package sc.fiji.stainnorm.stst;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.evaluate.Evaluation;
import sc.fiji.stainnorm.synth.StainShift;

/**
 * Item 4 of the STST issue, as a program: adds the training-style record to a model written before it
 * existed ({@code add MODEL GBM_FOLDER OUT [match]}; {@code match} also sets the gray-percentiles input with
 * the training tiles' mean levels), and prints the style distance of every shared image group
 * ({@code report MODEL HE_FOLDER [OUT.md]}), which is how {@link TrainingStyle#WARN_DISTANCE} was chosen.
 */
final class StyleCheck {
	private StyleCheck() {}

	/** The training tiles of a model trained on the GBM folder: every tile not held out. */
	static List<RgbImage> trainingTiles(StstModel model, Path gbm) throws IOException {
		List<String> held = List.of(model.metadata("validationImages").split(" "));
		List<RgbImage> out = new ArrayList<>();
		try (Stream<Path> s = Files.list(gbm)) {
			for (Path f : s.sorted().toList())
				if (ImageFiles.isImageFile(f) && !held.contains(f.getFileName().toString())) out.add(ImageFiles.read(f));
		}
		return out;
	}

	static StstModel withStyle(StstModel model, List<RgbImage> training, boolean match) {
		Properties meta = model.metadata();
		TrainingStyle.of(training).store(meta);
		if (match) {
			meta.setProperty(StstModel.INPUT, StstInput.Mode.GRAY_PERCENTILES.key());
			meta.setProperty(StstModel.INPUT_LEVELS, StstInput.Levels.mean(training.stream().map(StstInput.Levels::of).toList()).format());
		}
		return new StstModel(model.spec(), model.weights(), meta);
	}

	/** Shared image groups: folder name -> images (the GBM folder split into training and held-out tiles). */
	static Map<String, List<Named>> groups(StstModel model, Path he) throws IOException {
		List<String> held = List.of(model.metadata("validationImages").split(" "));
		Map<String, List<Named>> groups = new LinkedHashMap<>();
		try (Stream<Path> dirs = Files.list(he)) {
			for (Path d : dirs.sorted().toList()) {
				if (!Files.isDirectory(d) || d.getFileName().toString().startsWith("_")) continue;
				try (Stream<Path> files = Files.list(d)) {
					for (Path f : files.sorted().toList()) {
						if (!ImageFiles.isImageFile(f)) continue;
						String group = d.getFileName().toString();
						if (group.equals(HeldOutValidation.GBM)) group += held.contains(f.getFileName().toString()) ? " (held out)" : " (training)";
						groups.computeIfAbsent(group, k -> new ArrayList<>()).add(new Named(f.getFileName().toString(), ImageFiles.read(f)));
					}
				}
			}
		}
		List<Named> shifted = new ArrayList<>();
		int i = 0;
		for (Named n : groups.getOrDefault(HeldOutValidation.GBM + " (held out)", List.of()))
			shifted.add(new Named(n.name, StainShift.random(Evaluation.shiftSeed(1, i++)).apply(n.image)));
		groups.put(HeldOutValidation.GBM + " (held out, evaluation-style shift)", shifted);
		return groups;
	}

	record Named(String name, RgbImage image) {}

	public static void main(String[] args) throws Exception {
		if (args[0].equals("tuning")) { // a copy whose "held-out" tiles are HeldOutValidation's tuning tiles (training tiles)
			StstModel m = StstModel.read(Path.of(args[1]));
			Properties meta = m.metadata();
			meta.setProperty("validationImages", String.join(" ", HeldOutValidation.TUNING_TILES));
			new StstModel(m.spec(), m.weights(), meta).write(Path.of(args[2]));
			return;
		}
		if (args[0].equals("add")) {
			StstModel m = args[1].equals("bundled") ? StstModel.bundled() : StstModel.read(Path.of(args[1]));
			StstModel out = withStyle(m, trainingTiles(m, Path.of(args[2])), args.length > 4 && args[4].startsWith("match"));
			if (args.length > 4 && args[4].startsWith("match=")) {
				Properties meta = out.metadata();
				meta.setProperty(StstModel.INPUT_STRENGTH, args[4].substring(6));
				out = new StstModel(out.spec(), out.weights(), meta);
			}
			out.write(Path.of(args[3]));
			return;
		}
		StstModel m = args[1].equals("bundled") ? StstModel.bundled() : StstModel.read(Path.of(args[1]));
		TrainingStyle style = m.trainingStyle();
		StringBuilder sb = new StringBuilder();
		sb.append(String.format(Locale.ROOT, "Training style: %d images, H %s, E %s, spread %.2f° / %.2f°, dark gray %.1f ± %.1f, glass gray %.1f ± %.1f; warning above %.1f%n%n",
			style.images(), java.util.Arrays.toString(style.hematoxylin()), java.util.Arrays.toString(style.eosin()), style.spreadDegrees()[0],
			style.spreadDegrees()[1], style.grayLow()[0], style.grayLow()[1], style.grayHigh()[0], style.grayHigh()[1], TrainingStyle.WARN_DISTANCE));
		sb.append("| group | image | distance | H ° | E ° | dark Δ | glass Δ | warns |\n|---|---|---|---|---|---|---|---|\n");
		for (var g : groups(m, Path.of(args[2])).entrySet())
			for (Named n : g.getValue()) {
				TrainingStyle.Measure ms = TrainingStyle.Measure.of(n.image);
				if (ms == null) {
					sb.append("| ").append(g.getKey()).append(" | ").append(n.name).append(" | no stains | | | | | no |\n");
					continue;
				}
				TrainingStyle.Distance d = style.distance(ms);
				sb.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.1f | %.1f | %.1f | %.1f | %s |%n", g.getKey(), n.name, d.overall(), d.hematoxylinDegrees(),
					d.eosinDegrees(), d.grayLow(), d.grayHigh(), d.overall() > TrainingStyle.WARN_DISTANCE ? "yes" : "no"));
			}
		// the 256 px patches the evaluation cuts (every GBM tile): smaller images, noisier statistics
		double worst = 0;
		String worstName = "";
		int patches = 0, warned = 0;
		try (Stream<Path> files = Files.list(Path.of(args[2]).resolve(HeldOutValidation.GBM))) {
			for (Path f : files.sorted().toList()) {
				RgbImage tile = ImageFiles.read(f);
				for (int y = 0; y + 256 <= tile.height(); y += 256)
					for (int x = 0; x + 256 <= tile.width(); x += 256) {
						TrainingStyle.Measure ms = TrainingStyle.Measure.of(tile.crop(x, y, 256, 256));
						if (ms == null) continue;
						double d = style.distance(ms).overall();
						patches++;
						if (d > TrainingStyle.WARN_DISTANCE) warned++;
						if (d > worst) {
							worst = d;
							worstName = f.getFileName() + "@" + x + "," + y;
						}
					}
			}
		}
		sb.append(String.format(Locale.ROOT, "%nGBM 256 px patches of all 40 tiles: %d measured, %d above the threshold, largest distance %.2f (%s)%n", patches, warned, worst, worstName));
		System.out.print(sb);
		if (args.length > 3) Files.writeString(Path.of(args[3]), sb);
	}
}
