package sc.fiji.stainnorm.stst;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * A trained STST generator as one file: a zip holding {@code stst-model.properties} (format name and
 * version, width, patch size, training description, date, code version, ...) and {@code generator.weights}
 * ({@link NamedTensors}). The graph itself is rebuilt from {@link UNetSpec}, so files stay small and
 * readable without TensorFlow; loading checks format, version and every weight shape.
 */
public final class StstModel {
	public static final String FORMAT = "stst-model";
	/**
	 * The newest format this code reads. Version 2 added input modes other than gray; a gray model is still
	 * written as version 1, so older plugins keep reading it, while they refuse a version-2 file instead of
	 * feeding it the wrong input.
	 */
	public static final int VERSION = 2;
	static final String METADATA_ENTRY = "stst-model.properties", WEIGHTS_ENTRY = "generator.weights";
	/** The bundled default model, a class-path resource. */
	public static final String DEFAULT_RESOURCE = "/sc/fiji/stainnorm/stst/default-model.zip";

	private final UNetSpec spec;
	private final NamedTensors weights;
	private final Properties metadata;
	private final StstInput.Mode inputMode;
	private final StstInput.Levels inputLevels;
	private final TrainingStyle trainingStyle;
	private final double inputStrength;
	/** Metadata key: the share (0, 1] of the way an input's gray levels are moved to {@link #INPUT_LEVELS} (absent: 1). */
	public static final String INPUT_STRENGTH = "inputStrength";

	private static double strength(String text, String what) {
		try {
			double v = Double.parseDouble(text.trim());
			if (v > 0 && v <= 1) return v;
		}
		catch (NumberFormatException e) {
			// reported below
		}
		throw new StainNormException(what + " has an invalid " + INPUT_STRENGTH + " '" + text + "' (expected a number in (0, 1])");
	}
	/** Metadata keys: the input mode ({@link StstInput.Mode#key()}; absent in older files: gray) and its reference levels. */
	public static final String INPUT = "input", INPUT_LEVELS = "inputLevels";

	public StstModel(UNetSpec spec, NamedTensors weights, Properties metadata) {
		this(spec, weights, metadata, "The STST model");
	}

	/** @param what names the model in messages, e.g. {@code "Model file m.zip"} */
	private StstModel(UNetSpec spec, NamedTensors weights, Properties metadata, String what) {
		weights.requireShapes(spec.generatorVariables(), what);
		inputMode = StstInput.Mode.of(metadata.getProperty(INPUT), what);
		inputLevels = inputMode == StstInput.Mode.GRAY ? null : StstInput.Levels.parse(metadata.getProperty(INPUT_LEVELS), what);
		trainingStyle = TrainingStyle.read(metadata, what);
		inputStrength = inputMode == StstInput.Mode.GRAY ? 0 : strength(metadata.getProperty(INPUT_STRENGTH, "1"), what);
		this.spec = spec;
		this.weights = weights;
		this.metadata = new Properties();
		this.metadata.putAll(metadata);
		this.metadata.setProperty("format", FORMAT);
		this.metadata.setProperty("formatVersion", inputMode == StstInput.Mode.GRAY ? "1" : "2");
		this.metadata.setProperty("ngf", Integer.toString(spec.ngf()));
		this.metadata.setProperty("patchSize", Integer.toString(spec.patchSize()));
		this.metadata.setProperty("depth", Integer.toString(spec.depth()));
		this.metadata.setProperty("parameters", Long.toString(UNetSpec.parameterCount(spec.generatorVariables())));
	}

	public UNetSpec spec() {
		return spec;
	}

	public NamedTensors weights() {
		return weights;
	}

	/** How an image becomes the generator's input. */
	public StstInput.Mode inputMode() {
		return inputMode;
	}

	/** The training set's mean gray levels that inputs are mapped onto; null for {@link StstInput.Mode#GRAY}. */
	public StstInput.Levels inputLevels() {
		return inputLevels;
	}

	/** The stain style of the training images, or null for model files written before it was recorded. */
	public TrainingStyle trainingStyle() {
		return trainingStyle;
	}

	/** The gray map of one whole image, whose gray levels are {@code levels}, for this model's input mode. */
	public StstInput.GrayMap grayMap(StstInput.Levels levels) {
		return StstInput.GrayMap.of(inputMode, inputLevels, inputStrength, levels);
	}

	public String metadata(String key) {
		return metadata.getProperty(key);
	}

	public Properties metadata() {
		Properties p = new Properties();
		p.putAll(metadata);
		return p;
	}

	/** The version of this code, from the jar manifest, else "development". */
	public static String codeVersion() {
		String v = StstModel.class.getPackage().getImplementationVersion();
		return v == null ? "development" : v;
	}

	public static StstModel read(Path path) {
		String notAFile = sc.fiji.stainnorm.core.PathChecks.notRegularFileReason(path);
		if ("not found".equals(notAFile)) throw new StainNormException("Model file " + path + " does not exist");
		if (notAFile != null) // a named pipe would block the reader forever
			throw new StainNormException("Model file " + path + " is " + notAFile + ", not a regular file; give a model zip written by ./stainnorm train");
		try (InputStream in = Files.newInputStream(path)) {
			return read(in, "Model file " + path);
		}
		catch (NoSuchFileException e) {
			throw new StainNormException("Model file " + path + " does not exist");
		}
		catch (IOException e) {
			throw new StainNormException("Cannot read model file " + path + ": " + e.getMessage());
		}
	}

	public static StstModel bundled() {
		try (InputStream in = StstModel.class.getResourceAsStream(DEFAULT_RESOURCE)) {
			if (in == null) throw new StainNormException("The bundled STST model is missing from this build; give one with model=PATH");
			return read(in, "The bundled STST model");
		}
		catch (IOException e) {
			throw new StainNormException("Cannot read the bundled STST model: " + e.getMessage());
		}
	}

	/** The bundled model's metadata alone (the weights are not read), or null when the resource is missing or unreadable. */
	public static Properties bundledMetadata() {
		try (InputStream in = StstModel.class.getResourceAsStream(DEFAULT_RESOURCE)) {
			if (in == null) return null;
			ZipInputStream zip = new ZipInputStream(in);
			for (ZipEntry e; (e = zip.getNextEntry()) != null;)
				if (e.getName().equals(METADATA_ENTRY)) {
					Properties meta = new Properties();
					meta.load(new StringReader(new String(zip.readAllBytes(), StandardCharsets.UTF_8)));
					return meta;
				}
			return null;
		}
		catch (IOException | IllegalArgumentException e) {
			return null;
		}
	}

	public static StstModel read(InputStream stream, String what) throws IOException {
		Properties meta = null;
		NamedTensors weights = null;
		try (ZipInputStream zip = new ZipInputStream(stream)) {
			ZipEntry e;
			while ((e = zip.getNextEntry()) != null) {
				if (e.getName().equals(METADATA_ENTRY)) {
					meta = new Properties();
					meta.load(new StringReader(new String(zip.readAllBytes(), StandardCharsets.UTF_8)));
				}
				else if (e.getName().equals(WEIGHTS_ENTRY)) weights = NamedTensors.read(zip, what);
			}
		}
		catch (ZipException | java.io.EOFException e) {
			throw new StainNormException(what + " is not a valid STST model (corrupt zip: " + e.getMessage() + ")");
		}
		catch (IllegalArgumentException e) { // Properties.load on a malformed unicode escape
			throw new StainNormException(what + " is not a valid STST model (unreadable " + METADATA_ENTRY + ": " + e.getMessage() + ")");
		}
		if (meta == null && weights == null) throw new StainNormException(what + " is not an STST model (not a zip with " + METADATA_ENTRY + ")");
		if (meta == null) throw new StainNormException(what + " is not an STST model (no " + METADATA_ENTRY + ")");
		if (!FORMAT.equals(meta.getProperty("format"))) throw new StainNormException(what + " is not an STST model (format '" + meta.getProperty("format") + "')");
		int version = intProperty(meta, "formatVersion", what);
		if (version < 1 || version > VERSION)
			throw new StainNormException(what + " has model format version " + version + "; this plugin reads version " + VERSION + (version > VERSION ? " (update the plugin)" : ""));
		if (weights == null) throw new StainNormException(what + " is incomplete (no " + WEIGHTS_ENTRY + ")");
		UNetSpec spec;
		try {
			spec = new UNetSpec(intProperty(meta, "ngf", what), intProperty(meta, "patchSize", what));
		}
		catch (StainNormException e) {
			throw e.getMessage().startsWith(what) ? e : new StainNormException(what + " has invalid metadata: " + e.getMessage(), e);
		}
		return new StstModel(spec, weights, meta, what);
	}

	private static int intProperty(Properties p, String key, String what) {
		try {
			return Integer.parseInt(p.getProperty(key, "").trim());
		}
		catch (NumberFormatException e) {
			throw new StainNormException(what + " has no valid '" + key + "' in its metadata");
		}
	}

	/** Writes the model atomically and verified ({@link AtomicFile}: temporary file, fsync, then rename). */
	public void write(Path path) {
		AtomicFile.writeStream(path, this::write);
	}

	public void write(OutputStream stream) throws IOException {
		ZipOutputStream zip = new ZipOutputStream(stream);
		zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
		StringWriter sw = new StringWriter();
		metadata.store(sw, "STST model (pix2pix generator: gray -> colour)");
		zip.write(sw.toString().getBytes(StandardCharsets.UTF_8));
		zip.closeEntry();
		zip.putNextEntry(new ZipEntry(WEIGHTS_ENTRY));
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		weights.write(bytes);
		bytes.writeTo(zip);
		zip.closeEntry();
		zip.finish();
		zip.flush();
	}
}
