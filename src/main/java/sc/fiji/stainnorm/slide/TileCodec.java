package sc.fiji.stainnorm.slide;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

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

import sc.fiji.stainnorm.slide.PyramidTiffOptions.Compression;

/**
 * Encodes and decodes one square tile ({@code size × size} packed 0xRRGGBB pixels) as the TIFF tile the writer
 * stores: a complete baseline JPEG stream in YCbCr (what TIFF Photometric=YCbCr with JPEG compression means to
 * libtiff, OpenSlide and Bio-Formats; its sampling factors match the YCbCrSubsampling tag), or zlib-deflated
 * interleaved RGB bytes, optionally after TIFF predictor 2. One instance per thread (Image I/O writers are not
 * thread-safe).
 */
final class TileCodec {
	private static final String JPEG_FORMAT = "javax_imageio_jpeg_image_1.0";
	private static final int[] MASKS = { 0xFF0000, 0xFF00, 0xFF };
	private static final DirectColorModel RGB = new DirectColorModel(24, MASKS[0], MASKS[1], MASKS[2]);

	private final PyramidTiffOptions options;
	private final int size;
	private ImageWriter jpegWriter;
	private ImageWriteParam jpegParam;
	private IIOMetadata jpegMetadata;
	private final Deflater deflater;

	TileCodec(PyramidTiffOptions options) {
		this.options = options;
		this.size = options.tileSize();
		this.deflater = options.compression() == Compression.DEFLATE ? new Deflater(options.deflateLevel()) : null;
	}

	/** The TIFF Compression tag's value. */
	static int tiffCompression(PyramidTiffOptions o) {
		return o.compression() == Compression.JPEG ? 7 : 8;
	}

	byte[] encode(int[] tile) throws IOException {
		if (tile.length != size * size) throw new IllegalArgumentException("tile has " + tile.length + " pixels, expected " + size + "²");
		return options.compression() == Compression.JPEG ? jpeg(tile) : deflate(tile);
	}

	int[] decode(byte[] data) throws IOException {
		return options.compression() == Compression.JPEG ? unjpeg(data) : inflate(data);
	}

	private static BufferedImage wrap(int[] tile, int size) {
		WritableRaster raster = Raster.createPackedRaster(new DataBufferInt(tile, tile.length), size, size, size, MASKS, null);
		return new BufferedImage(RGB, raster, false, null);
	}

	private byte[] jpeg(int[] tile) throws IOException {
		BufferedImage image = wrap(tile, size);
		if (jpegWriter == null) {
			Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
			if (!writers.hasNext()) throw new IOException("this Java has no JPEG writer");
			jpegWriter = writers.next();
			jpegParam = jpegWriter.getDefaultWriteParam();
			jpegParam.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
			jpegParam.setCompressionQuality(options.jpegQuality() / 100f);
			jpegMetadata = jpegWriter.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), jpegParam);
			setLumaSampling(jpegMetadata, options.chromaSubsampling() ? 2 : 1);
		}
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(size * size / 4);
		try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
			jpegWriter.setOutput(out);
			jpegWriter.write(null, new IIOImage(image, null, jpegMetadata), jpegParam);
		}
		return bytes.toByteArray();
	}

	/** Luma sampling factor h = v = f with chroma at 1: f = 2 is 4:2:0, f = 1 is 4:4:4 (Image I/O's default is 2). */
	private static void setLumaSampling(IIOMetadata metadata, int f) throws IOException {
		Node root = metadata.getAsTree(JPEG_FORMAT);
		NodeList markers = root.getLastChild().getChildNodes();
		for (int i = 0; i < markers.getLength(); i++) {
			Node node = markers.item(i);
			if (node.getNodeName().equalsIgnoreCase("sof") && node.getChildNodes().getLength() == 3) {
				var luma = node.getFirstChild().getAttributes();
				luma.getNamedItem("HsamplingFactor").setNodeValue(Integer.toString(f));
				luma.getNamedItem("VsamplingFactor").setNodeValue(Integer.toString(f));
				for (int c = 1; c < 3; c++) {
					var chroma = node.getChildNodes().item(c).getAttributes();
					if (!chroma.getNamedItem("HsamplingFactor").getNodeValue().equals("1")
						|| !chroma.getNamedItem("VsamplingFactor").getNodeValue().equals("1"))
						throw new IOException("unexpected JPEG chroma sampling in this Java's JPEG writer");
				}
				metadata.setFromTree(JPEG_FORMAT, root);
				return;
			}
		}
		throw new IOException("this Java's JPEG writer has no 3-component frame header to set the chroma sampling in");
	}

	private int[] unjpeg(byte[] data) throws IOException {
		try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
			Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
			if (!readers.hasNext()) throw new IOException("this Java has no JPEG reader");
			ImageReader reader = readers.next();
			try {
				reader.setInput(in, true, true);
				BufferedImage bi = reader.read(0);
				if (bi.getWidth() != size || bi.getHeight() != size)
					throw new IOException("a JPEG tile decodes as " + bi.getWidth() + "x" + bi.getHeight() + " instead of " + size + "x" + size);
				return bi.getRGB(0, 0, size, size, null, 0, size);
			}
			finally {
				reader.dispose();
			}
		}
	}

	private byte[] deflate(int[] tile) {
		byte[] raw = new byte[tile.length * 3];
		for (int i = 0, j = 0; i < tile.length; i++) {
			int p = tile[i];
			raw[j++] = (byte) (p >> 16);
			raw[j++] = (byte) (p >> 8);
			raw[j++] = (byte) p;
		}
		if (options.predictor()) {
			int row = size * 3;
			for (int y = 0; y < size; y++)
				for (int i = y * row + row - 1; i >= y * row + 3; i--)
					raw[i] -= raw[i - 3];
		}
		deflater.reset();
		deflater.setInput(raw);
		deflater.finish();
		ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2);
		byte[] buf = new byte[1 << 16];
		while (!deflater.finished()) {
			int n = deflater.deflate(buf);
			out.write(buf, 0, n);
		}
		return out.toByteArray();
	}

	private int[] inflate(byte[] data) throws IOException {
		byte[] raw = new byte[size * size * 3];
		Inflater inflater = new Inflater();
		try {
			inflater.setInput(data);
			int n = 0;
			while (n < raw.length && !inflater.finished()) {
				int got = inflater.inflate(raw, n, raw.length - n);
				if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) break;
				n += got;
			}
			if (n != raw.length) throw new IOException("a deflate tile holds " + n + " of " + raw.length + " bytes");
		}
		catch (DataFormatException e) {
			throw new IOException("a deflate tile does not inflate: " + e.getMessage());
		}
		finally {
			inflater.end();
		}
		if (options.predictor()) {
			int row = size * 3;
			for (int y = 0; y < size; y++)
				for (int i = y * row + 3; i < y * row + row; i++)
					raw[i] += raw[i - 3];
		}
		int[] tile = new int[size * size];
		for (int i = 0, j = 0; i < tile.length; i++, j += 3)
			tile[i] = 0xFF000000 | (raw[j] & 0xFF) << 16 | (raw[j + 1] & 0xFF) << 8 | raw[j + 2] & 0xFF;
		return tile;
	}

	void close() {
		if (jpegWriter != null) jpegWriter.dispose();
		if (deflater != null) deflater.end();
	}
}
