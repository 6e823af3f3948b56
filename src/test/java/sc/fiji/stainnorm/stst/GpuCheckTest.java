package sc.fiji.stainnorm.stst;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Test;

/** The CPU-side logic of .ci/gpu-check: reading TensorFlow's device list and comparing two output dumps. */
public class GpuCheckTest {

	@Test
	public void aDeviceListWithoutAGpuIsAFallback() {
		String cpu = "TensorFlow 2.18.0 (TensorFlow Java), devices: CPU", gpu = "TensorFlow 2.18.0 (TensorFlow Java), devices: CPU, GPU";
		assertEquals(List.of("CPU"), GpuCheck.devices(cpu));
		assertEquals(List.of("CPU", "GPU"), GpuCheck.devices(gpu));
		assertTrue(GpuCheck.gpuMissing(cpu), GpuCheck.gpuMissing(cpu).startsWith("TensorFlow fell back to the CPU: its devices are CPU"));
		assertNull(GpuCheck.gpuMissing(gpu));
		assertTrue(GpuCheck.gpuMissing("TensorFlow 2.18.0").contains("devices are unknown"));
	}

	@Test
	public void outputsThatDifferByMoreThanRoundingFail() throws Exception {
		Path dir = Files.createTempDirectory("gpu-check-");
		float[] a = { 0.5f, -0.25f, 0.125f }, near = { 0.5001f, -0.25f, 0.125f }, far = { 0.5f, -0.25f, 0.3f };
		write(dir.resolve("a.bin"), a);
		write(dir.resolve("near.bin"), near);
		write(dir.resolve("far.bin"), far);
		assertEquals(0, GpuCheck.compare(dir.resolve("a.bin"), dir.resolve("near.bin")));
		assertEquals(5, GpuCheck.compare(dir.resolve("a.bin"), dir.resolve("far.bin")));
	}

	private static void write(Path f, float[] v) throws Exception {
		try (var d = new java.io.DataOutputStream(Files.newOutputStream(f))) {
			d.writeInt(v.length);
			for (float x : v) d.writeFloat(x);
		}
	}
}
