package sc.fiji.stainnorm.slide;

import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes the JPEG tiles of a TIFF with the JDK's own JPEG reader, through {@link ImageReader#readRaster}: that
 * returns the stream's components as stored, without colour conversion (checked on libvips' RGB and YCbCr tiles and
 * on a scanner's OME-TIFF: the pixels equal libvips' decode). Whether the components are YCbCr is read from the
 * stream as libjpeg reads it ({@link #ycbcr}); YCbCr is converted to RGB in {@link TiffCodecs#ycbcrToRgb} with
 * libjpeg's own integer arithmetic. Readers are pooled: one
 * per thread that decodes at the same time, disposed on {@link #close()}.
 */
final class JpegTiles implements AutoCloseable {
	private final ConcurrentLinkedQueue<ImageReader> idle = new ConcurrentLinkedQueue<>();
	private volatile boolean closed;

	/**
	 * The components of a JPEG stream: {@code width × height} pixels of 3 interleaved samples, YCbCr or RGB as the
	 * stream itself says.
	 */
	record Components(int width, int height, byte[] samples, boolean ycbcr) {}

	Components decode(byte[] stream) throws IOException {
		ImageReader reader = idle.poll();
		if (reader == null) reader = newReader();
		List<String> warnings = new ArrayList<>(1);
		IIOReadWarningListener listener = (source, warning) -> warnings.add(warning);
		reader.addIIOReadWarningListener(listener);
		try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(stream))) {
			reader.setInput(in, true, true);
			Raster raster = reader.readRaster(0, null);
			// libjpeg only warns about a stream that ends early or holds bad data, and fills the rest with gray
			if (!warnings.isEmpty()) throw new IOException("JPEG data is damaged (" + String.join("; ", warnings) + ")");
			return components(raster, ycbcr(stream));
		}
		catch (RuntimeException e) {
			// the JDK's reader reports some damaged streams as IllegalStateException/IllegalArgumentException
			throw new IOException("JPEG data is damaged (" + e + ")", e);
		}
		finally {
			reader.removeIIOReadWarningListener(listener);
			reader.setInput(null);
			if (closed) reader.dispose();
			else idle.add(reader);
		}
	}

	/**
	 * Whether a 3-component stream holds YCbCr, decided as libjpeg (and so OpenSlide and libvips) decides it: a JFIF
	 * marker means YCbCr; an Adobe marker says it in its transform byte (0: RGB); else component ids 'R', 'G', 'B'
	 * mean RGB, anything else YCbCr. The TIFF's Photometric tag is not asked: Aperio files say RGB over YCbCr tiles.
	 */
	static boolean ycbcr(byte[] s) {
		boolean jfif = false;
		int adobe = -1;
		for (int i = 2; i + 4 <= s.length;) {
			if ((s[i] & 0xFF) != 0xFF) break;
			int m = s[i + 1] & 0xFF;
			if (m == 0xFF) {
				i++;
				continue;
			}
			if (m == 0xD8 || m == 0x01 || m >= 0xD0 && m <= 0xD7) {
				i += 2;
				continue;
			}
			int len = (s[i + 2] & 0xFF) << 8 | s[i + 3] & 0xFF, p = i + 4;
			if (m == 0xE0 && p + 5 <= s.length && s[p] == 'J' && s[p + 1] == 'F' && s[p + 2] == 'I' && s[p + 3] == 'F' && s[p + 4] == 0)
				jfif = true;
			if (m == 0xEE && p + 12 <= s.length && s[p] == 'A' && s[p + 1] == 'd' && s[p + 2] == 'o' && s[p + 3] == 'b' && s[p + 4] == 'e')
				adobe = s[p + 11] & 0xFF;
			boolean frame = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
			if (frame) {
				if (jfif) return true;
				if (adobe >= 0) return adobe != 0;
				if (p + 6 + 9 > s.length || (s[p + 5] & 0xFF) != 3) return true;
				boolean rgb = s[p + 6] == 'R' && s[p + 9] == 'G' && s[p + 12] == 'B';
				return !rgb;
			}
			if (m == 0xDA || m == 0xD9) break;
			i += 2 + len;
		}
		return jfif || adobe != 0;
	}

	private static Components components(Raster raster, boolean ycbcr) throws IOException {
		int w = raster.getWidth(), h = raster.getHeight(), bands = raster.getNumBands();
		if (bands != 3) throw new IOException("JPEG data has " + bands + " components, expected 3");
		byte[] out = new byte[w * h * 3];
		if (raster.getSampleModel() instanceof ComponentSampleModel sm && raster.getDataBuffer() instanceof DataBufferByte db
			&& db.getNumBanks() == 1) {
			byte[] data = db.getData();
			int ps = sm.getPixelStride(), ss = sm.getScanlineStride();
			int[] bo = sm.getBandOffsets();
			int base = db.getOffset() - raster.getSampleModelTranslateY() * ss - raster.getSampleModelTranslateX() * ps;
			int o = 0;
			for (int y = 0; y < h; y++)
				for (int x = 0, i = base + y * ss; x < w; x++, i += ps) {
					out[o++] = data[i + bo[0]];
					out[o++] = data[i + bo[1]];
					out[o++] = data[i + bo[2]];
				}
		}
		else {
			int[] px = raster.getPixels(raster.getMinX(), raster.getMinY(), w, h, (int[]) null);
			for (int i = 0; i < px.length; i++) out[i] = (byte) px[i];
		}
		return new Components(w, h, out, ycbcr);
	}

	private static ImageReader newReader() throws IOException {
		ImageReader any = null;
		for (Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("jpeg"); it.hasNext();) {
			ImageReader r = it.next();
			// the JDK's own (libjpeg 6b), whose readRaster is known to skip colour conversion
			if (r.getClass().getName().startsWith("com.sun.imageio.")) return r;
			if (any == null) any = r;
		}
		if (any == null) throw new IOException("this Java runtime has no JPEG reader");
		return any;
	}

	@Override
	public void close() {
		closed = true;
		for (ImageReader r; (r = idle.poll()) != null;) r.dispose();
	}
}
