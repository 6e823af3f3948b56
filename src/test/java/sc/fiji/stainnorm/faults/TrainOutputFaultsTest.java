package sc.fiji.stainnorm.faults;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;
import static sc.fiji.stainnorm.faults.PathFaultSupport.cli;
import static sc.fiji.stainnorm.faults.PathFaultSupport.fingerprint;
import static sc.fiji.stainnorm.faults.PathFaultSupport.headless;
import static sc.fiji.stainnorm.faults.PathFaultSupport.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.stainnorm.cli.Main;
import sc.fiji.stainnorm.faults.PathFaultSupport.Run;
import sc.fiji.stainnorm.fiji.TrainStstCommand;
import sc.fiji.stainnorm.stst.StstModel;

/**
 * {@code train} checks every place it will write (model, loss CSV/PNG, checkpoints) before step 1: a real
 * read-only tmpfs (as root), a folder without write permission (as any other user), a file or folder in the way.
 * The run fails in one line naming the folder before any training step, and a rerun into a writable place
 * completes the job.
 */
public class TrainOutputFaultsTest {
	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private final List<Path> mounts = new ArrayList<>();

	private Path dir() {
		return tmp.getRoot().toPath();
	}

	private Path trainingImages() throws IOException {
		return images(dir().resolve("images"), "1.png", "2.png", "3.png");
	}

	private static String[] train(Path images, Path model, String... more) {
		List<String> a = new ArrayList<>(List.of("train", "--images", images.toString(), "--output", model.toString(), "--steps", "2",
			"--width", "2", "--patch", "64", "--threads", "1", "--validate-every", "1"));
		a.addAll(List.of(more));
		return a.toArray(String[]::new);
	}

	/** Training never started: no step line (they carry the ETA), no model, no loss files. */
	private static void assertRefusedBeforeStepOne(Run r, Path model) {
		assertEquals(r.all(), Main.FAILED, r.code());
		assertEquals(r.err(), 1, r.errLines().size());
		assertFalse("no training step ran: " + r.out(), r.out().contains("ETA"));
		assertFalse(Files.exists(model));
		r.assertNoStackTrace();
	}

	/** A real read-only tmpfs under target/, unmounted after the test; skipped, saying why, when not root or not allowed. */
	private Path readOnlyMount(String name) throws IOException, InterruptedException {
		assumeTrue("a read-only mount needs root (running as " + System.getProperty("user.name") + "): skipped",
			"root".equals(System.getProperty("user.name")));
		Path mountPoint = Files.createDirectories(Path.of("target", "path-faults").toAbsolutePath()
			.resolve(name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
		String failure = sh("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", mountPoint.toString());
		if (failure != null) Files.deleteIfExists(mountPoint);
		assumeTrue("cannot mount a tmpfs here (" + failure + "): skipped", failure == null);
		mounts.add(mountPoint);
		return mountPoint;
	}

	@After
	public void unmount() throws IOException, InterruptedException {
		for (Path m : mounts) {
			String failure = sh("umount", m.toString());
			if (failure == null) Files.deleteIfExists(m);
			else System.err.println("TrainOutputFaultsTest: could not unmount " + m + ": " + failure);
		}
	}

	private static String sh(String... command) throws IOException, InterruptedException {
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
		if (!p.waitFor(30, TimeUnit.SECONDS)) {
			p.destroyForcibly();
			return String.join(" ", command) + " timed out";
		}
		return p.exitValue() == 0 ? null : String.join(" ", command) + ": " + out;
	}

	@Test(timeout = 180_000)
	public void readOnlyModelFolder() throws Exception {
		Path images = trainingImages();
		Map<String, String> before = fingerprint(images);
		Path ro = readOnlyMount("ro-model");
		Path model = ro.resolve("m.zip");
		Run r = cli(train(images, model));
		assertRefusedBeforeStepOne(r, model);
		assertTrue(r.err(), r.err().contains(ro.toString()) && r.err().contains("Read-only file system"));

		Run fiji = headless(TrainStstCommand.LABEL, "images_folder='" + images + "',output_model='" + model + "',steps=2,width=2,patch_size=64,threads=1");
		assertEquals(fiji.all(), Main.FAILED, fiji.code());
		assertTrue(fiji.err(), fiji.err().contains(ro.toString()) && fiji.err().contains("Read-only file system"));
		assertFalse(fiji.all(), fiji.all().contains("ETA"));

		Path good = dir().resolve("models").resolve("m.zip");
		Run rerun = cli(train(images, good));
		assertEquals(rerun.all(), Main.OK, rerun.code());
		assertEquals(2, StstModel.read(good).spec().ngf());
		assertTrue(Files.size(good.resolveSibling("m.zip.losses.png")) > 0 && Files.size(good.resolveSibling("m.zip.losses.csv")) > 0);
		assertEquals(before, fingerprint(images));
	}

	@Test(timeout = 120_000)
	public void readOnlyCheckpointFolder() throws Exception {
		Path images = trainingImages();
		Path ro = readOnlyMount("ro-checkpoints");
		Path model = dir().resolve("m.zip");
		Run r = cli(train(images, model, "--checkpoints", ro.resolve("ck").toString(), "--checkpoint-every", "1"));
		assertRefusedBeforeStepOne(r, model);
		assertTrue(r.err(), r.err().contains("checkpoint folder") && r.err().contains(ro.resolve("ck").toString()));
	}

	/** Without root, a folder without write permission; root may write anywhere, so there the mounts above test it. */
	@Test(timeout = 120_000)
	public void missingPermissionFolder() throws Exception {
		assumeTrue("root may write into a folder without write permission, so this case needs another user (the read-only mounts cover root): skipped",
			!"root".equals(System.getProperty("user.name")));
		Path images = trainingImages();
		Path locked = Files.createDirectories(dir().resolve("locked"));
		Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
		try {
			Path model = locked.resolve("m.zip");
			Run r = cli(train(images, model));
			assertRefusedBeforeStepOne(r, model);
			assertTrue(r.err(), r.err().contains(locked.toString()) && r.err().contains("permission denied"));
		}
		finally {
			Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
		}
	}

	@Test(timeout = 120_000)
	public void outputsInTheWay() throws Exception {
		Path images = trainingImages();
		Path model = dir().resolve("m.zip");
		Files.createDirectories(dir().resolve("m.zip.losses.png"));
		Run r = cli(train(images, model));
		assertRefusedBeforeStepOne(r, model);
		assertTrue(r.err(), r.err().contains("m.zip.losses.png is a folder"));

		Path file = Files.writeString(dir().resolve("not-a-folder"), "x");
		Run below = cli(train(images, file.resolve("m.zip")));
		assertRefusedBeforeStepOne(below, file.resolve("m.zip"));
		assertTrue(below.err(), below.err().contains(file + " is a file, not a folder"));

		Run inside = cli(train(images, images.resolve("m.zip")));
		assertRefusedBeforeStepOne(inside, images.resolve("m.zip"));
		assertTrue(inside.err(), inside.err().contains("would be taken for a training image"));
	}
}
