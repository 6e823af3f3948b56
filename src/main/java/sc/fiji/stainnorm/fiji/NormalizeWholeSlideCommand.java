package sc.fiji.stainnorm.fiji;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.module.MutableModuleItem;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.stainnorm.core.EtaProgress;
import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.StainNormException;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.slide.PyramidTiffOptions;
import sc.fiji.stainnorm.slide.WholeSlideJob;

/**
 * Normalizes one whole-slide image (SVS, pyramidal or tiled TIFF/BigTIFF, OME-TIFF) into a pyramidal TIFF, tile by tile
 * in bounded memory with one source model for the slide: the Fiji face of {@link WholeSlideJob} (the same as
 * {@code ./stainnorm slide}). Progress with ETA in the status bar; Escape (or the command's cancel) stops between
 * tiles, and running it again resumes.
 */
@Plugin(type = Command.class, headless = true, label = NormalizeWholeSlideCommand.LABEL,
	description = "Normalizes a whole-slide image (SVS, pyramidal TIFF, OME-TIFF) tile by tile with one stain model for the slide into a pyramidal TIFF that slide viewers open; a stopped run resumes.",
	menu = { @Menu(label = "Plugins"), @Menu(label = StainNormCommand.MENU), @Menu(label = NormalizeWholeSlideCommand.LABEL, weight = 2.5) })
public class NormalizeWholeSlideCommand extends StainNormCommand {
	public static final String LABEL = "Normalize Whole Slide";

	@Parameter
	private StatusService status;

	@Parameter(label = "Slide", style = "open", description = "SVS, tiled or strip TIFF/BigTIFF, pyramidal TIFF, OME-TIFF")
	private File input_file;

	@Parameter(label = "Output (.tif)", style = "save", description = "A tiled pyramidal TIFF (BigTIFF when over 4 GB); must not be the slide")
	private File output_file;

	@Parameter(label = "Method", initializer = "initChoices",
		description = "STST needs no reference (its style is in the model); the classical methods need one; khan is experimental")
	private String method;

	@Parameter(label = "Reference images (files)", required = false, style = "files,extensions:png/tif/tiff/jpg/jpeg/stainprofile",
		description = "Images of the target stain style, for the classical methods; several are pooled")
	private File[] reference_images;

	@Parameter(label = "STST model", required = false, style = "open", description = "Default: the bundled model")
	private File model;

	@Parameter(label = "Method options", required = false, description = "key=value settings of the method, e.g. io=240")
	private String options = "";

	@Parameter(label = "Compression", required = false, choices = { "jpeg", "deflate" }, description = "jpeg: small, lossy; deflate: lossless")
	private String compression = "jpeg";

	@Parameter(label = "JPEG quality", required = false, min = "1", max = "100", description = "1-100, 90 as scanners write")
	private int quality = 90;

	@Parameter(label = "Tile size", required = false, choices = { "512", "256" }, description = "Pixels per tile side in the output")
	private String tile_size = "512";

	@Parameter(label = "Source samples", required = false, min = "1", description = "Tissue tiles the slide's stain model is learned from")
	private int samples = 64;

	@Parameter(label = "Overwrite existing output", required = false, persist = false,
		description = "Unchecked: a complete output is kept (skipped) and an interrupted one resumed")
	private boolean overwrite;

	@Parameter(label = "Threads", required = false, persist = false, min = "0", description = "Tiles at once; 0 = one per core")
	private int threads;

	protected void initChoices() {
		MutableModuleItem<String> m = getInfo().getMutableInput("method", String.class);
		if (!Methods.names().isEmpty()) m.setChoices(Methods.names());
	}

	@Override
	protected void execute() {
		if (input_file == null || input_file.getPath().isBlank()) throw new InvalidSettingException("No input_file given: name the slide to normalize");
		if (output_file == null || output_file.getPath().isBlank()) throw new InvalidSettingException("No output_file given: name the .tif to write");
		Path out = output_file.toPath();
		if (!WholeSlideJob.isFileOutput(out)) throw new InvalidSettingException("output_file " + out + " must be a file ending in .tif or .tiff");
		if (threads < 0) throw new InvalidSettingException("threads=" + threads + " must be 0 (one per core) or more");
		if (samples < 1) throw new InvalidSettingException("samples=" + samples + " must be at least 1");
		PyramidTiffOptions write = PyramidTiffOptions.defaults()
			.withCompression(switch (compression == null ? "jpeg" : compression.trim().toLowerCase(Locale.ROOT)) {
				case "jpeg" -> PyramidTiffOptions.Compression.JPEG;
				case "deflate" -> PyramidTiffOptions.Compression.DEFLATE;
				default -> throw new InvalidSettingException("compression=" + compression + ": use jpeg or deflate");
			})
			.withJpegQuality(quality).withTileSize(parseTileSize()).withOverwrite(overwrite)
			.withThreads(threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
		List<Path> slides = WholeSlideJob.collectSlides(List.of(input_file.toPath()));

		status.showStatus("Whole slide: preparing " + method);
		StainNormalizer normalizer = NormalizerSetup.fitted(method, options, model, reference_images, null,
			"reference_images (one or more image files)", w -> log.warn(LABEL + ": " + w));
		String tag = method + (options == null || options.isBlank() ? "" : " options=" + options.trim()) + (model == null ? "" : " model=" + model.getName())
			+ references() + " samples=" + samples;
		StatusProgress bar = new StatusProgress(status, log, "Whole slide", this::isStopRequested);
		Progress progress = new Progress() {
			@Override
			public void update(long done, long total, String message) {
				if (done < 0) log.info(LABEL + ": " + message);
				bar.update(done, total, message);
			}

			@Override
			public void warn(String message) {
				bar.warn(message);
			}

			@Override
			public void error(String message) {
				bar.error(message);
			}

			@Override
			public boolean isCancelled() {
				return bar.isCancelled();
			}
		};
		WholeSlideJob.Report report = WholeSlideJob.run(slides, out, WholeSlideJob.Settings.of(normalizer, tag, write).withSamples(samples, 256, 1),
			progress);
		status.showStatus("Whole slide: " + report.summary());
		WholeSlideJob.Item item = report.items().isEmpty() ? null : report.items().get(0);
		if (isStopRequested()) throw new StainNormException("cancelled; run again to resume " + out);
		if (item == null || item.outcome() == WholeSlideJob.Outcome.FAILED)
			throw new StainNormException(input_file + ": " + (item == null ? "not processed" : item.detail()));
		log.info(LABEL + ": " + report.summary() + " -> " + out);
		if (status != null) status.showStatus("Whole slide: done " + EtaProgress.duration(item.seconds()));
	}

	private int parseTileSize() {
		try {
			return Integer.parseInt(tile_size == null ? "512" : tile_size.trim());
		}
		catch (NumberFormatException e) {
			throw new InvalidSettingException("tile_size=" + tile_size + ": use 256 or 512");
		}
	}

	private String references() {
		StringBuilder s = new StringBuilder();
		if (reference_images != null) for (File f : reference_images)
			if (f != null) s.append(" reference=").append(f.getName()).append(':').append(f.length());
		return s.toString();
	}
}
