package sc.fiji.stainnorm.faults;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.slide.PyramidTiffOptions;
import sc.fiji.stainnorm.slide.PyramidTiffWriter;
import sc.fiji.stainnorm.slide.TestSlides;

/**
 * The disk fills up while a pyramid is written (a real 4 MB tmpfs; the deflate file needs about 12 MB): the error names
 * the output and the system's reason, no output appears, the finished rows stay for a resume; after space is freed the
 * same job resumes and writes the file an uninterrupted run writes.
 */
public class SlideFullDiskTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void aFullDiskFailsNamingTheOutputAndTheRerunResumes() throws IOException {
		PyramidTiffOptions o = PyramidTiffOptions.defaults().withCompression(PyramidTiffOptions.Compression.DEFLATE).withTileSize(256).withThreads(2);
		Path reference = tmp.getRoot().toPath().resolve("reference.tif");
		try (TmpfsMount disk = TmpfsMount.mount("slide-full-disk", "4m")) {
			Path out = disk.dir().resolve("slide.tif");
			PyramidTiffWriter.write(TestSlides.source(), reference, o, Progress.NONE);
			IOException e = assertThrows(IOException.class, () -> PyramidTiffWriter.write(TestSlides.source(), out, o, Progress.NONE));
			assertTrue(e.getMessage(), e.getMessage().startsWith("Cannot write " + out + ": No space left on device"));
			assertTrue(e.getMessage(), e.getMessage().contains("tile rows are kept in " + PyramidTiffWriter.temporaryFile(out)));
			assertFalse("no half file as the output", Files.exists(out));
			assertTrue("the temporary file was cut back to the last finished row", Files.size(PyramidTiffWriter.temporaryFile(out)) < 4 << 20);

			disk.remount("size=40m");
			PyramidTiffWriter.Result r = PyramidTiffWriter.write(TestSlides.source(), out, o, Progress.NONE);
			assertTrue("resumed: " + r.resumedRows(), r.resumedRows() > 0);
			assertArrayEquals(Files.readAllBytes(reference), Files.readAllBytes(out));
			Faults.assertNoTemporaryFiles(disk.dir());
			assertEquals(1, Faults.names(disk.dir()).size());
		}
	}
}
