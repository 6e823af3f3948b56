package sc.fiji.stainnorm.slide;

import sc.fiji.stainnorm.core.InvalidSettingException;

/**
 * How {@link PyramidTiffWriter} writes a slide. Immutable; start from {@link #defaults()} and change what differs.
 *
 * @param compression     JPEG (lossy, small) or deflate (lossless)
 * @param jpegQuality     1–100; 90 by default, the quality scanners and {@code vips tiffsave} use
 * @param chromaSubsampling JPEG only: colour at half resolution (YCbCr 4:2:0, YCbCrSubsampling 2,2) instead of full
 *                        (4:4:4, YCbCrSubsampling 1,1)
 * @param deflateLevel    1–9, zlib's effort; 1 by default: on synthetic tissue (with the predictor) level 6 is 7 % smaller
 *                        for 7× the CPU time (100 MP: 202 against 217 MB, 52 against 7 CPU-seconds)
 * @param predictor       deflate only: TIFF predictor 2 (horizontal differencing) before deflate; on by default: 18 %
 *                        smaller at level 1 (52.7 % of the raw size instead of 64.1 %) and no slower
 * @param tileSize        256 or 512 pixels, square tiles
 * @param forceBigTiff    BigTIFF even when the file cannot reach 4 GB (it is chosen anyway when it could)
 * @param threads         tiles read from the source and encoded at a time
 * @param overwrite       replace an existing output; otherwise an existing output is an error before any work
 * @param jobTag          what else determines the pixels (the method and its settings, the reference): part of the
 *                        resume journal's fingerprint, so that a rerun with other settings starts over instead of
 *                        continuing another job's file
 * @param note            free text added to the ImageDescription (e.g. what the slide was normalized with); may be empty
 */
public record PyramidTiffOptions(Compression compression, int jpegQuality, boolean chromaSubsampling, int deflateLevel,
	boolean predictor, int tileSize, boolean forceBigTiff, int threads, boolean overwrite, String jobTag, String note)
{
	public enum Compression {
		JPEG, DEFLATE
	}

	public PyramidTiffOptions {
		if (compression == null) throw new InvalidSettingException("compression must be jpeg or deflate");
		if (jpegQuality < 1 || jpegQuality > 100) throw new InvalidSettingException("JPEG quality must be 1-100, got " + jpegQuality);
		if (deflateLevel < 1 || deflateLevel > 9) throw new InvalidSettingException("deflate level must be 1-9, got " + deflateLevel);
		if (tileSize != 256 && tileSize != 512) throw new InvalidSettingException("tile size must be 256 or 512, got " + tileSize);
		if (threads < 1) throw new InvalidSettingException("threads must be at least 1, got " + threads);
		jobTag = jobTag == null ? "" : jobTag;
		note = note == null ? "" : note;
	}

	/**
	 * JPEG quality 90 with full-resolution chroma (4:4:4), deflate level 1 with predictor 2 when deflate is chosen,
	 * 512-pixel tiles, as many threads as processors, no
	 * overwrite. Full chroma because colour is what this project changes: 4:2:0 halves the colour resolution exactly
	 * at the nuclei's edges (on synthetic tissue 2.4 dB lower PSNR for a 28 % smaller file); libvips and ImageJ also
	 * stop subsampling at quality 90. 512 rather than 256: a quarter of the tiles, so a quarter of the per-tile costs
	 * (JPEG headers, tile-table entries, task hand-offs) for the same pixels; OpenSlide and viewers read any tile size.
	 */
	public static PyramidTiffOptions defaults() {
		return new PyramidTiffOptions(Compression.JPEG, 90, false, 1, true, 512, false, Runtime.getRuntime().availableProcessors(),
			false, "", "");
	}

	public PyramidTiffOptions withCompression(Compression c) {
		return new PyramidTiffOptions(c, jpegQuality, chromaSubsampling, deflateLevel, predictor, tileSize, forceBigTiff, threads, overwrite, jobTag, note);
	}

	public PyramidTiffOptions withJpegQuality(int q) {
		return new PyramidTiffOptions(compression, q, chromaSubsampling, deflateLevel, predictor, tileSize, forceBigTiff, threads, overwrite, jobTag, note);
	}

	public PyramidTiffOptions withChromaSubsampling(boolean s) {
		return new PyramidTiffOptions(compression, jpegQuality, s, deflateLevel, predictor, tileSize, forceBigTiff, threads, overwrite, jobTag, note);
	}

	public PyramidTiffOptions withDeflate(int level, boolean withPredictor) {
		return new PyramidTiffOptions(compression, jpegQuality, chromaSubsampling, level, withPredictor, tileSize, forceBigTiff, threads, overwrite, jobTag, note);
	}

	public PyramidTiffOptions withTileSize(int size) {
		return new PyramidTiffOptions(compression, jpegQuality, chromaSubsampling, deflateLevel, predictor, size, forceBigTiff, threads, overwrite, jobTag, note);
	}

	public PyramidTiffOptions withForceBigTiff(boolean big) {
		return new PyramidTiffOptions(compression, jpegQuality, chromaSubsampling, deflateLevel, predictor, tileSize, big, threads, overwrite, jobTag, note);
	}

	public PyramidTiffOptions withThreads(int n) {
		return new PyramidTiffOptions(compression, jpegQuality, chromaSubsampling, deflateLevel, predictor, tileSize, forceBigTiff, n, overwrite, jobTag, note);
	}

	public PyramidTiffOptions withOverwrite(boolean o) {
		return new PyramidTiffOptions(compression, jpegQuality, chromaSubsampling, deflateLevel, predictor, tileSize, forceBigTiff, threads, o, jobTag, note);
	}

	public PyramidTiffOptions withJobTag(String tag) {
		return new PyramidTiffOptions(compression, jpegQuality, chromaSubsampling, deflateLevel, predictor, tileSize, forceBigTiff, threads, overwrite, tag, note);
	}

	public PyramidTiffOptions withNote(String text) {
		return new PyramidTiffOptions(compression, jpegQuality, chromaSubsampling, deflateLevel, predictor, tileSize, forceBigTiff, threads, overwrite, jobTag, text);
	}

	/** What determines the bytes of the file (not threads, overwrite): for the resume journal's fingerprint. */
	String formatKey() {
		return compression == Compression.JPEG ? "jpeg q" + jpegQuality + (chromaSubsampling ? " 420" : " 444") + " tile " + tileSize
			: "deflate " + deflateLevel + (predictor ? " predictor" : "") + " tile " + tileSize;
	}
}
