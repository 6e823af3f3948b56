package sc.fiji.stainnorm.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.StainNormException;

/** A ground truth and a prediction to compare: two files, or two images already in memory. */
public final class ImagePair {
	private final String name;
	private final Path groundTruthFile, predictionFile;
	private final RgbImage groundTruth, prediction;

	private ImagePair(String name, Path gtFile, Path predFile, RgbImage gt, RgbImage pred) {
		this.name = name;
		this.groundTruthFile = gtFile;
		this.predictionFile = predFile;
		this.groundTruth = gt;
		this.prediction = pred;
	}

	/** Two image files; named after the prediction's file name. */
	public static ImagePair ofFiles(Path groundTruth, Path prediction) {
		return new ImagePair(prediction.getFileName().toString(), groundTruth, prediction, null, null);
	}

	/** Two images already loaded (e.g. open in Fiji). */
	public static ImagePair ofImages(String name, RgbImage groundTruth, RgbImage prediction) {
		return new ImagePair(name, null, null, groundTruth, prediction);
	}

	/**
	 * Pairs the image files of two folders by file name. Every file must have a partner: otherwise a clear error
	 * lists the unmatched names (up to 10 per side).
	 */
	public static List<ImagePair> matchFolders(Path groundTruthDir, Path predictionDir) {
		Map<String, Path> gt = imageFiles(groundTruthDir), pred = imageFiles(predictionDir);
		List<String> onlyGt = gt.keySet().stream().filter(k -> !pred.containsKey(k)).toList();
		List<String> onlyPred = pred.keySet().stream().filter(k -> !gt.containsKey(k)).toList();
		if (!onlyGt.isEmpty() || !onlyPred.isEmpty()) {
			StringBuilder sb = new StringBuilder("Ground-truth and prediction folders must hold the same file names; ");
			if (!onlyGt.isEmpty()) sb.append(onlyGt.size()).append(" only in ").append(groundTruthDir).append(": ").append(list(onlyGt));
			if (!onlyGt.isEmpty() && !onlyPred.isEmpty()) sb.append("; ");
			if (!onlyPred.isEmpty()) sb.append(onlyPred.size()).append(" only in ").append(predictionDir).append(": ").append(list(onlyPred));
			throw new StainNormException(sb.toString());
		}
		List<ImagePair> pairs = new ArrayList<>();
		for (String name : gt.keySet())
			pairs.add(new ImagePair(name, gt.get(name), pred.get(name), null, null));
		return pairs;
	}

	private static String list(List<String> names) {
		return String.join(", ", names.subList(0, Math.min(10, names.size()))) + (names.size() > 10 ? ", ..." : "");
	}

	private static Map<String, Path> imageFiles(Path dir) {
		if (!Files.isDirectory(dir)) throw new StainNormException("Not a folder: " + dir);
		Map<String, Path> files = new TreeMap<>();
		try (Stream<Path> s = Files.list(dir)) {
			s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).filter(ImageFiles::isImageFile)
				.forEach(p -> files.put(p.getFileName().toString(), p));
		}
		catch (IOException e) {
			throw new StainNormException("Cannot list folder " + dir + ": " + e.getMessage());
		}
		if (files.isEmpty())
			throw new StainNormException("No image files in " + dir + " (accepted: " + String.join(", ", ImageFiles.EXTENSIONS) + ")");
		return files;
	}

	public String name() {
		return name;
	}

	/** {ground truth, prediction}, read from disk for file pairs (strictly 8-bit RGB). */
	public RgbImage[] load() {
		if (groundTruth != null) return new RgbImage[] { groundTruth, prediction };
		return new RgbImage[] { ImageFiles.read(groundTruthFile), ImageFiles.read(predictionFile) };
	}
}
