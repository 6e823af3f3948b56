package sc.fiji.stainnorm.normalize;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.Progress;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.core.Shard;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/** The pipelined folder job writes what the in-memory normalizer computes, every file once, and counts its stages. */
public class BatchPipelineTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void everyOutputIsTheInMemoryResultAndEveryFileIsReportedOnce() throws Exception {
		Path in = tmp.newFolder("in").toPath(), out = tmp.getRoot().toPath().resolve("out");
		RgbImage tissue = SyntheticTissue.generate(4, 200, 120).render(StainStyle.A, 1);
		List<Path> files = new ArrayList<>();
		for (int i = 0; i < 37; i++) {
			Path f = in.resolve(String.format("p%02d.%s", i, i % 3 == 0 ? "tif" : "png"));
			ImageFiles.write(tissue.crop(i * 3, i % 7 * 9, 48, 40), f);
			files.add(f);
		}
		StainNormalizer normalizer = Methods.create("reinhard");
		normalizer.fit(List.of(SyntheticTissue.generate(5, 64, 64).render(StainStyle.B, 1)));
		Set<Long> done = ConcurrentHashMap.newKeySet();
		Progress progress = (d, total, message) -> {
			if (d >= 0) {
				assertEquals(37, total);
				assertTrue("reported twice: " + d, done.add(d));
			}
		};
		BatchNormalizer.StageTimes times = new BatchNormalizer.StageTimes();
		BatchNormalizer.Report report = BatchNormalizer.run(normalizer, files, out, false, Shard.ALL, 3, progress, times);
		assertEquals(report.summary(), 37, report.count(BatchNormalizer.Outcome.WRITTEN));
		assertEquals(37, done.size());
		for (int i = 0; i < files.size(); i++) {
			assertEquals("results in input order", files.get(i), report.files().get(i).input());
			RgbImage expected = normalizer.normalize(ImageFiles.read(files.get(i))).image();
			assertArrayEquals(files.get(i).getFileName().toString(), expected.pixels(), ImageFiles.read(out.resolve(files.get(i).getFileName())).pixels());
		}
		assertTrue(times.read.get() > 0 && times.compute.get() > 0 && times.encode.get() > 0 && times.write.get() > 0);
		// a second run finds every output complete and skips it
		assertEquals(37, BatchNormalizer.run(normalizer, files, out, false, Shard.ALL, 3, Progress.NONE).count(BatchNormalizer.Outcome.SKIPPED_EXISTING));
	}

	/**
	 * STST's folder job normalizes files in groups (their tiles share TensorFlow calls): every output is still the file's
	 * own in-memory result to the bit, and a file that cannot be read fails alone, named, while its group is written.
	 */
	@Test
	public void ststGroupsWriteEachFilesOwnResultAndFailOnlyTheBadFile() throws Exception {
		Path in = tmp.newFolder("stst-in").toPath(), out = tmp.getRoot().toPath().resolve("stst-out");
		List<Path> files = new ArrayList<>();
		for (int i = 0; i < 13; i++) {
			// 256² patches (one tile each) and a few of other sizes
			int w = i % 5 == 4 ? 300 : 256, h = i % 5 == 4 ? 180 : 256;
			Path f = in.resolve(String.format("p%02d.png", i));
			ImageFiles.write(SyntheticTissue.generate(60 + i, w, h).render(StainStyle.ALL[i % 3], 1), f);
			files.add(f);
		}
		Path broken = in.resolve("p05.png");
		byte[] bytes = java.nio.file.Files.readAllBytes(broken);
		java.nio.file.Files.write(broken, java.util.Arrays.copyOf(bytes, bytes.length / 3));
		StainNormalizer stst = Methods.create("stst");
		stst.fit(List.of());
		assertTrue("STST asks for groups", stst.groupPixels() > 256 * 256);
		BatchNormalizer.Report report = BatchNormalizer.run(stst, files, out, false, Shard.ALL, 2, Progress.NONE);
		assertEquals(report.summary(), 12, report.count(BatchNormalizer.Outcome.WRITTEN));
		assertEquals(report.summary(), 1, report.count(BatchNormalizer.Outcome.FAILED));
		assertEquals("p05.png", report.failedNames(3));
		for (Path f : files) {
			if (f.equals(broken)) continue;
			RgbImage expected = stst.normalize(ImageFiles.read(f)).image();
			// batched with other files' tiles: StstGroupTest.BATCH_ROUNDING
			assertTrue(f.getFileName().toString(), sc.fiji.stainnorm.slide.TiledNormalization.maxDifference(expected, ImageFiles.read(out.resolve(f.getFileName())))
				<= sc.fiji.stainnorm.stst.StstGroupTest.BATCH_ROUNDING);
		}
	}
}
