package sc.fiji.stainnorm.core;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.FileSaver;
import ij.io.TiffEncoder;
import ij.process.ImageConverter;

/**
 * Image files that are either complete or absent. ImageJ's {@code FileSaver} reports success after an
 * {@code IOException} (a full disk gave zero-byte PNGs), so the images are encoded here, in memory, the way
 * ImageJ 1.x encodes them (same encoder, same settings, so the same bytes and pixels; RGB images to PNG go through
 * the faster {@link PngEncoder} instead, same pixels, other and smaller bytes), and handed to
 * {@link AtomicFile}, which writes them through a channel that throws, forces them to disk and renames them
 * only after the file on disk has the full size and its header decodes to the image's dimensions.
 */
public final class ImageOutput {
	public static final int JPEG_QUALITY = 95;

	private ImageOutput() {}

	/**
	 * Writes {@code imp} as PNG, TIFF or JPEG following the file ending.
	 *
	 * @param replace replace an existing file; if false, an existing file is kept and
	 *            {@link AtomicFile.TargetExistsException} thrown
	 */
	public static void write(ImagePlus imp, Path path, boolean replace) {
		String ext = ImageFiles.extension(path);
		if (!ImageFiles.isImageFile(path))
			throw new StainNormException("Cannot write " + path + ": unknown image format '" + ext + "' (accepted: "
				+ String.join(", ", ImageFiles.EXTENSIONS) + ")");
		byte[] bytes;
		try {
			bytes = encode(imp, ext);
		}
		catch (IOException | RuntimeException e) {
			throw new StainNormException("Cannot encode " + path + " as " + ext.toUpperCase(Locale.ROOT) + ": " + e.getMessage(), e);
		}
		int w = imp.getWidth(), h = imp.getHeight();
		AtomicFile.writeBytes(path, bytes, replace, tmp -> checkHeader(tmp, w, h));
	}

	/** An image encoded in memory for its file, ready to be written (verified) by the thread that wants to. */
	public record Encoded(Path path, byte[] bytes, int width, int height) {
		/**
		 * Writes the bytes through {@link AtomicFile}: forced to disk, size checked, and the header of the file on
		 * disk must decode to the image's dimensions before it gets its name.
		 */
		public void write(boolean replace) {
			AtomicFile.writeBytes(path, bytes, replace, tmp -> checkHeader(tmp, width, height));
		}
	}

	/**
	 * Encodes an RGB image for {@code path} (PNG, TIFF or JPEG following the ending). PNG goes through
	 * {@link PngEncoder} (a fixed filter and a fast deflate: other bytes than ImageJ's, the same pixels); TIFF and
	 * JPEG as {@link #write(ImagePlus, Path, boolean)} encodes them.
	 */
	public static Encoded encode(RgbImage image, Path path) {
		String ext = ImageFiles.extension(path);
		if (!ImageFiles.isImageFile(path))
			throw new StainNormException("Cannot write " + path + ": unknown image format '" + ext + "' (accepted: "
				+ String.join(", ", ImageFiles.EXTENSIONS) + ")");
		byte[] bytes;
		try {
			bytes = ext.equals("png") ? PngEncoder.encode(image) : encode(ImageFiles.toImagePlus(image, path.getFileName().toString()), ext);
		}
		catch (IOException | RuntimeException e) {
			throw new StainNormException("Cannot encode " + path + " as " + ext.toUpperCase(Locale.ROOT) + ": " + e.getMessage(), e);
		}
		return new Encoded(path, bytes, image.width(), image.height());
	}

	/** Encodes ({@link #encode(RgbImage, Path)}) and writes verified; {@code replace} as for the ImagePlus writer. */
	public static void write(RgbImage image, Path path, boolean replace) {
		encode(image, path).write(replace);
	}

	/** The file's bytes as ImageJ 1.x would write them: PNG via ImageIO, TIFF via its TiffEncoder, JPEG quality 95. */
	static byte[] encode(ImagePlus imp, String ext) throws IOException {
		return switch (ext) {
			case "png" -> png(imp);
			case "jpg", "jpeg" -> jpeg(imp);
			default -> tiff(imp);
		};
	}

	/** As {@code ij.plugin.PNG_Writer.writeImage} for images without overlay or transparency. */
	private static byte[] png(ImagePlus imp) throws IOException {
		if (imp.getType() == ImagePlus.COLOR_256) {
			imp = imp.duplicate();
			new ImageConverter(imp).convertToRGB();
		}
		BufferedImage bi = imp.getBitDepth() == 16 && !imp.isComposite() && imp.getProcessor().isDefaultLut()
			? ((ij.process.ShortProcessor) imp.getProcessor()).get16BitBufferedImage() : imp.getBufferedImage();
		return viaImageIO(bi, "png", null, null);
	}

	/** As {@code FileSaver.saveAsTiff} (one plane) and {@code saveAsTiffStack} (several). */
	private static byte[] tiff(ImagePlus imp) throws IOException {
		if (imp.getStackSize() > 1) {
			byte[] b = new FileSaver(imp).serialize();
			if (b == null) throw new IOException("ImageJ could not encode the stack");
			return b;
		}
		FileSaver saver = new FileSaver(imp);
		FileInfo fi = imp.getFileInfo();
		fi.info = imp.getInfoProperty();
		String label = imp.hasImageStack() ? imp.getStack().getSliceLabel(1) : null;
		if (label != null) fi.sliceLabels = new String[] { label };
		fi.description = saver.getDescriptionString();
		fi.roi = ij.io.RoiEncoder.saveAsByteArray(imp.getRoi());
		fi.overlay = FileSaver.getOverlay(imp);
		fi.properties = imp.getPropertiesAsArray();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, imp.getWidth() * imp.getHeight() * 4 + 1024));
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			new TiffEncoder(fi).write(out);
		}
		return bytes.toByteArray();
	}

	/** As {@code ij.plugin.JpegWriter} at quality 95: no chroma subsampling (its rule for quality 90 and above). */
	private static byte[] jpeg(ImagePlus imp) throws IOException {
		int w = imp.getWidth(), h = imp.getHeight();
		boolean gray = imp.getProcessor().isDefaultLut() && !imp.isComposite();
		BufferedImage bi = new BufferedImage(w, h, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
		var g = bi.createGraphics();
		g.drawImage(imp.getImage(), 0, 0, null);
		g.dispose();
		ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
		ImageWriteParam param = writer.getDefaultWriteParam();
		param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
		param.setCompressionQuality(JPEG_QUALITY / 100f);
		IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(bi.getColorModel(), bi.getSampleModel()), param);
		String format = "javax_imageio_jpeg_image_1.0";
		Node root = metadata != null ? metadata.getAsTree(format) : null;
		if (root != null && root.getLastChild() != null) {
			NodeList markers = root.getLastChild().getChildNodes();
			for (int i = 0; i < markers.getLength(); i++) {
				Node node = markers.item(i);
				if (node.getNodeName().equalsIgnoreCase("sof") && node.getChildNodes().getLength() == 3) {
					var luma = node.getFirstChild().getAttributes();
					luma.getNamedItem("HsamplingFactor").setNodeValue("1");
					luma.getNamedItem("VsamplingFactor").setNodeValue("1");
					metadata.setFromTree(format, root);
					break;
				}
			}
		}
		writer.dispose();
		return viaImageIO(bi, "jpeg", param, metadata);
	}

	private static byte[] viaImageIO(BufferedImage bi, String format, ImageWriteParam param, IIOMetadata metadata) throws IOException {
		Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
		if (!writers.hasNext()) throw new IOException("no " + format + " writer in this Java");
		ImageWriter writer = writers.next();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, bi.getWidth() * bi.getHeight()));
		try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(bytes)) {
			writer.setOutput(ios);
			if (param == null) writer.write(bi);
			else writer.write(null, new IIOImage(bi, null, metadata), param);
		}
		finally {
			writer.dispose();
		}
		return bytes.toByteArray();
	}

	/** The header of the file on disk decodes, to the expected dimensions (cheap: no pixels are read). */
	static void checkHeader(Path file, int width, int height) throws IOException {
		try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
			Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
			if (readers == null || !readers.hasNext()) throw new IOException("the written file does not decode");
			ImageReader reader = readers.next();
			try {
				reader.setInput(in, true, true);
				int w = reader.getWidth(0), h = reader.getHeight(0);
				if (w != width || h != height)
					throw new IOException("the written file decodes as " + w + "x" + h + " instead of " + width + "x" + height);
			}
			finally {
				reader.dispose();
			}
		}
	}

	/** Null when the file is a complete image that decodes in full, otherwise what is wrong with it. */
	public static String whyIncomplete(Path file) {
		try {
			if (!Files.isRegularFile(file)) return "is not a regular file";
			if (Files.size(file) == 0) return "is empty";
			// a plain RGB PNG that PngDecoder decodes in full (every CRC, all rows) is complete; anything else Image I/O judges
			if (ImageFiles.extension(file).equals("png") && Files.size(file) < Integer.MAX_VALUE / 2
				&& PngDecoder.decode(Files.readAllBytes(file)) != null) return null;
			BufferedImage bi = ImageIO.read(file.toFile());
			if (bi == null) return "does not decode (not an image, or damaged)";
			if (bi.getWidth() < 1 || bi.getHeight() < 1) return "has no pixels";
			return null;
		}
		catch (IOException | RuntimeException e) {
			return "does not decode (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")";
		}
	}

	/** The file is an image that decodes in full: what "the output exists" means for skipping work. */
	public static boolean isComplete(Path file) {
		return whyIncomplete(file) == null;
	}
}
