package sc.fiji.stainnorm.stst;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * How the gray-matching strength was chosen (docs/stst-default-model/experiments.md): HeldOutValidation's two
 * shifts on its training tuning tiles (and, for the record, on the held-out tiles) for copies of a model with
 * other {@code inputStrength}s. {@code StrengthCheck MODEL GBM_FOLDER OUT_DIR s1 s2 ...}
 */
final class StrengthCheck {
	private StrengthCheck() {}

	public static void main(String[] args) throws Exception {
		StstModel m = StstModel.read(Path.of(args[0]));
		Path gbm = Path.of(args[1]), dir = Path.of(args[2]);
		List<String> methods = new ArrayList<>();
		for (int i = 3; i < args.length; i++) {
			Properties meta = m.metadata();
			meta.setProperty(StstModel.INPUT_STRENGTH, args[i]);
			Path f = dir.resolve("s" + args[i] + ".zip");
			new StstModel(m.spec(), m.weights(), meta).write(f);
			methods.add("stst:model=" + f);
		}
		List<String> heldOut = List.of(m.metadata("validationImages").split(" "));
		for (var set : List.of(HeldOutValidation.TUNING_TILES, heldOut)) {
			List<HeldOutValidation.Score> scores = HeldOutValidation.run(gbm, set, methods);
			System.out.println(set);
			List<String> rows = new ArrayList<>(List.of("none"));
			rows.addAll(methods);
			for (String r : rows) {
				StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-8s %.4f / %.2f  tiles:", r.equals("none") ? "none" : "s=" + r.replaceAll(".*/s(.*)\\.zip", "$1"),
					HeldOutValidation.mean(scores, r, true), HeldOutValidation.mean(scores, r, false)));
				for (String t : set) sb.append(String.format(Locale.ROOT, " %.3f/%.2f", HeldOutValidation.mean(scores, r, t, true), HeldOutValidation.mean(scores, r, t, false)));
				System.out.println(sb);
			}
		}
	}
}
