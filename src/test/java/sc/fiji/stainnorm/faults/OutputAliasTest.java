package sc.fiji.stainnorm.faults;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static sc.fiji.stainnorm.faults.PathFaultSupport.assertEveryFileDecodes;
import static sc.fiji.stainnorm.faults.PathFaultSupport.cli;
import static sc.fiji.stainnorm.faults.PathFaultSupport.fingerprint;
import static sc.fiji.stainnorm.faults.PathFaultSupport.headless;
import static sc.fiji.stainnorm.faults.PathFaultSupport.images;
import static sc.fiji.stainnorm.faults.PathFaultSupport.names;
import static sc.fiji.stainnorm.faults.PathFaultSupport.normalize;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.cli.Main;
import sc.fiji.stainnorm.faults.PathFaultSupport.Run;
import sc.fiji.stainnorm.fiji.ColourDeconvolutionCommand;
import sc.fiji.stainnorm.fiji.NormalizeFolderCommand;

/**
 * Output locations that alias inputs: an output folder that is a symbolic link to the input folder (or the same
 * folder spelt differently), deconvolve into its input folder, equal file names from two input folders. Each is
 * refused before anything is written, in one line naming the paths; the inputs stay byte-identical; a rerun
 * into a proper folder completes the job.
 */
public class OutputAliasTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private static final String REFERENCE = Path.of("test-images", "tissue1_B.png").toAbsolutePath().toString();

	private Path dir() {
		return tmp.getRoot().toPath();
	}

	@Test
	public void symlinkedOutputFolder() throws Exception {
		Path in = images(dir().resolve("in"), "a.png", "b.png");
		Path link = Files.createSymbolicLink(dir().resolve("link"), in);
		Map<String, String> before = fingerprint(in);

		Run r = cli(normalize(link, "--overwrite", in.toString()));
		assertEquals(r.all(), Main.FAILED, r.code());
		assertEquals(r.err(), 1, r.errLines().size());
		assertTrue(r.err(), r.err().contains(link.toString()) && r.err().contains("is the folder of the input"));
		assertEquals("not one input replaced", before, fingerprint(in));

		Run fiji = headless(NormalizeFolderCommand.LABEL, "input_folder='" + in + "',output_folder='" + link + "',method=reinhard,overwrite=true,"
			+ "reference_images='" + REFERENCE + "'");
		assertEquals(fiji.all(), Main.FAILED, fiji.code());
		assertTrue(fiji.err(), fiji.err().contains("is the input folder") && fiji.err().contains(link.toString()));
		assertEquals(before, fingerprint(in));

		// an input named as a file, through a linked folder
		Run file = cli(normalize(in, "--overwrite", link.resolve("a.png").toString()));
		assertEquals(file.all(), Main.FAILED, file.code());
		assertEquals(before, fingerprint(in));

		Path out = dir().resolve("out");
		Run rerun = cli(normalize(out, in.toString()));
		assertEquals(rerun.all(), Main.OK, rerun.code());
		assertEquals(List.of("a.png", "b.png"), names(out));
		assertEveryFileDecodes(out);
	}

	@Test
	public void outputFolderSpeltDifferently() throws Exception {
		Path in = images(dir().resolve("in"), "a.png");
		Map<String, String> before = fingerprint(in);
		for (Path alias : List.of(dir().resolve("in/./"), dir().resolve("in/not-yet/.."), dir().resolve("elsewhere/../in"))) {
			Run r = cli(normalize(alias, "--overwrite", in.toString()));
			assertEquals(alias + ": " + r.all(), Main.FAILED, r.code());
			assertTrue(r.err(), r.err().contains("is the folder of the input a.png"));
		}
		// a folder still to be created below a link that points into the input folder's parent
		Path parentLink = Files.createSymbolicLink(dir().resolve("parent-link"), dir());
		Run r = cli(normalize(parentLink.resolve("in"), "--overwrite", in.toString()));
		assertEquals(r.all(), Main.FAILED, r.code());
		assertEquals(before, fingerprint(in));
		Run fine = cli(normalize(parentLink.resolve("new-out"), in.toString()));
		assertEquals("a new folder below the link is not an input folder: " + fine.all(), Main.OK, fine.code());
		assertEveryFileDecodes(dir().resolve("new-out"));
	}

	@Test
	public void deconvolveIntoInputFolder() throws Exception {
		Path in = images(dir().resolve("in"), "x.png", "x_Eosin.png");
		Map<String, String> before = fingerprint(in);
		Run r = cli("deconvolve", "--output", in.toString(), in.toString());
		assertEquals(r.all(), Main.FAILED, r.code());
		assertEquals(r.err(), 1, r.errLines().size());
		assertTrue(r.err(), r.err().contains("is the folder of the input"));
		assertEquals("nothing written into, nothing replaced in the input folder", before, fingerprint(in));

		Path link = Files.createSymbolicLink(dir().resolve("link"), in);
		Run viaLink = cli("deconvolve", "--overwrite", "--output", link.toString(), in.resolve("x.png").toString());
		assertEquals(viaLink.all(), Main.FAILED, viaLink.code());
		assertEquals(before, fingerprint(in));

		Run fiji = headless(ColourDeconvolutionCommand.LABEL, "input_file='" + in.resolve("x.png") + "',output_folder='" + link + "',overwrite=true");
		assertEquals(fiji.all(), Main.FAILED, fiji.code());
		assertTrue(fiji.err(), fiji.err().contains("is the folder of the input x.png"));
		assertEquals(before, fingerprint(in));

		Path out = dir().resolve("stains");
		Run rerun = cli("deconvolve", "--output", out.toString(), in.toString());
		assertEquals(rerun.all(), Main.OK, rerun.code());
		assertEquals(12, names(out).size());
		assertEveryFileDecodes(out);
	}

	@Test
	public void deconvolveNeverReplacesWithoutOverwrite() throws Exception {
		Path in = images(dir().resolve("in"), "x.png");
		Path out = Files.createDirectories(dir().resolve("out"));
		// a complete image that is not what deconvolve would write (an incomplete one would be redone, see SkipExistingTest)
		Path somebodyElses = Files.copy(Path.of("test-images", "tissue2_A.png"), out.resolve("x_Eosin.png"));
		byte[] theirs = Files.readAllBytes(somebodyElses);
		Run r = cli("deconvolve", "--output", out.toString(), in.toString());
		assertEquals(r.all(), Main.OK, r.code());
		assertArrayEquals("kept", theirs, Files.readAllBytes(somebodyElses));
		assertTrue(r.out(), r.out().contains("1 of its 6 outputs existed and were kept"));
		assertEquals(6, names(out).size());
		Run again = cli("deconvolve", "--output", out.toString(), in.toString());
		assertTrue(again.out(), again.out().contains("skipped (outputs exist)"));
		Run overwrite = cli("deconvolve", "--overwrite", "--output", out.toString(), in.toString());
		assertEquals(overwrite.all(), Main.OK, overwrite.code());
		assertEveryFileDecodes(out);
	}

	@Test
	public void equalNamesFromTwoFolders() throws Exception {
		Path in1 = images(dir().resolve("in1"), "a.png", "b.png"), in2 = images(dir().resolve("in2"), "c.png", "b.png");
		Map<String, String> before1 = fingerprint(in1), before2 = fingerprint(in2);
		Path out = dir().resolve("out");
		for (boolean overwrite : new boolean[] { false, true }) {
			Run r = overwrite ? cli(normalize(out, "--overwrite", in1.toString(), in2.toString())) : cli(normalize(out, in1.toString(), in2.toString()));
			assertEquals(r.all(), Main.FAILED, r.code());
			assertEquals(r.err(), 1, r.errLines().size());
			assertTrue(r.err(), r.err().contains(in1.resolve("b.png").toString()) && r.err().contains(in2.resolve("b.png").toString())
				&& r.err().contains("same file name"));
			assertEquals("refused before any output", List.of(), names(out));
		}
		Run sharded = cli(normalize(out, "--shard", "2/2", in1.toString(), in2.toString()));
		assertEquals("every shard refuses alike", Main.FAILED, sharded.code());

		Run deconvolve = cli("deconvolve", "--output", dir().resolve("stains").toString(), in1.resolve("a.png").toString(),
			images(dir().resolve("in3"), "a.tif").resolve("a.tif").toString());
		assertEquals(deconvolve.all(), Main.FAILED, deconvolve.code());
		assertTrue(deconvolve.err(), deconvolve.err().contains("same name without their ending"));
		assertFalse(Files.exists(dir().resolve("stains")));
		assertEquals(before1, fingerprint(in1));
		assertEquals(before2, fingerprint(in2));

		Run rerun = cli(normalize(out, in1.toString(), in2.resolve("c.png").toString()));
		assertEquals(rerun.all(), Main.OK, rerun.code());
		assertEquals(List.of("a.png", "b.png", "c.png"), names(out));
		assertEveryFileDecodes(out);
	}

	@Test
	public void outputFolderIsAFile() throws Exception {
		Path in = images(dir().resolve("in"), "a.png");
		Path file = Files.writeString(dir().resolve("file"), "x");
		Run r = cli(normalize(file, in.toString()));
		assertEquals(r.all(), Main.FAILED, r.code());
		assertEquals(r.err(), "stainnorm: Output folder " + file + " is a file, not a folder", r.err().strip());
		Run below = cli(normalize(file.resolve("sub"), in.toString()));
		assertEquals(below.all(), Main.FAILED, below.code());
		assertTrue(below.err(), below.err().contains(file + " is a file, not a folder"));
	}

	@Test
	public void metricsCsvOverAnInput() throws Exception {
		Path in = images(dir().resolve("in"), "gt.png", "pred.png");
		Map<String, String> before = fingerprint(in);
		Run r = cli("metrics", "--overwrite", "--csv", in.resolve("pred.png").toString(), in.resolve("gt.png").toString(), in.resolve("pred.png").toString());
		assertEquals(r.all(), Main.FAILED, r.code());
		assertTrue(r.err(), r.err().contains("is the input"));
		assertEquals(before, fingerprint(in));
	}
}
