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
 * returns the stream's components as stored, without the reader's guess at a colour space (a TIFF's JPEG tiles
 * carry no JFIF marker; the TIFF's Photometric tag says what the components are). YCbCr components are converted
 * here with libjpeg's own integer arithmetic, RGB components are taken as they are. Readers are pooled: one
 * per thread that decodes at the same time, disposed on {@link #close()}.
 */
final class JpegTiles implements AutoCloseable {
	private final ConcurrentLinkedQueue<ImageReader> idle = new ConcurrentLinkedQueue<>();
	private volatile boolean closed;

	/** The components of a JPEG stream: {@code width × height} pixels of 3 interleaved samples. */
	record Components(int width, int height, byte[] samples) {}

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
			return components(raster);
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

	private static Components components(Raster raster) throws IOException {
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
		return new Components(w, h, out);
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
