package sc.fiji.stainnorm.slide;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import sc.fiji.stainnorm.cli.Main;
import sc.fiji.stainnorm.core.ImageFiles;
import sc.fiji.stainnorm.core.RgbImage;
import sc.fiji.stainnorm.normalize.MethodOptions;
import sc.fiji.stainnorm.normalize.Methods;
import sc.fiji.stainnorm.normalize.StainNormalizer;
import sc.fiji.stainnorm.report.Montage;
import sc.fiji.stainnorm.synth.StainStyle;
import sc.fiji.stainnorm.synth.SyntheticTissue;

/**
 * Makes the README's whole-slide picture ({@code docs/whole-slide.png}): a synthetic slide whose left half is stain style A
 * and right half style C (one tissue), made by vips and normalized by {@code ./stainnorm slide --method reinhard} towards
 * style B; thumbnails, and a tile corner zoomed, next to the old way (each tile with its own stain estimate). Not a test:
 * {@code java -cp target/test-classes:target/classes:$(cat target/classpath.txt):$(ls ~/.m2/repository/junit/junit/4.13.2/*.jar)
 * sc.fiji.stainnorm.slide.WholeSlideFigure docs/whole-slide.png}
 */
public final class WholeSlideFigure {
	private static final int W = 1536, H = 1024, TILE = 256;

	public static void main(String[] args) throws Exception {
		Path work = Files.createTempDirectory("whole-slide-figure");
		SyntheticTissue tissue = SyntheticTissue.generate(31, W, H);
		RgbImage a = tissue.render(StainStyle.A, 1.0), c = tissue.render(StainStyle.C, 1.0);
		for (int y = 0; y < H; y++)
			System.arraycopy(c.pixels(), y * W + W / 2, a.pixels(), y * W + W / 2, W / 2);
		Path slide = WholeSlideJobTest.vipsSlide(a, work, "slide");
		Path reference = work.resolve("reference.png"), out = work.resolve("normalized.tif");
		ImageFiles.write(SyntheticTissue.generate(5, 512, 512).render(StainStyle.B, 1.0), reference);
		int code = Main.run(new String[] { "slide", "--method", "reinhard", "--reference", reference.toString(), "--compression", "deflate", "--tile-size",
			String.valueOf(TILE), "--output", out.toString(), slide.toString() }, System.out, System.err);
		if (code != 0) throw new IllegalStateException("slide failed: " + code);
		RgbImage input, normalized;
		try (Slide s = Slide.open(slide); Slide n = Slide.open(out)) {
			input = s.level(0).read(0, 0, W, H);
			normalized = n.level(0).read(0, 0, W, H);
		}
		StainNormalizer reinhard = Methods.create("reinhard", MethodOptions.none());
		reinhard.fit(List.of(ImageFiles.read(reference)));
		RgbImage perTile = input.copy();
		for (int ty = 0; ty < H; ty += TILE)
			for (int tx = 0; tx < W; tx += TILE) {
				RgbImage t = reinhard.normalize(input.crop(tx, ty, TILE, TILE)).image();
				for (int y = 0; y < TILE; y++) System.arraycopy(t.pixels(), y * TILE, perTile.pixels(), (ty + y) * W + tx, TILE);
			}
		// a corner of four tiles in the style-A half
		int zx = 2 * TILE - 80, zy = 2 * TILE - 80, z = 160;
		Montage m = new Montage(List.of("slide (left A, right C)", "slide: one model", "per-tile models (old)"));
		m.addRow("whole slide", input, normalized, perTile);
		m.addRow("tile corner, 3x", input.crop(zx, zy, z, z), normalized.crop(zx, zy, z, z), perTile.crop(zx, zy, z, z));
		ImageFiles.write(m.render(380), Path.of(args[0]), true);
		System.out.println("wrote " + args[0]);
	}
}
