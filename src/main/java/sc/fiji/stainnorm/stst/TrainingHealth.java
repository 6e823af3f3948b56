package sc.fiji.stainnorm.stst;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Watches the pix2pix losses for a collapsed adversarial game, over a trailing window of {@link #WINDOW} steps.
 * <ul>
 * <li><b>Discriminator collapse</b> (the discriminator wins): mean D loss below {@link #D_COLLAPSE_D} while the
 * generator's cGAN loss is above {@link #D_COLLAPSE_GAN}. The discriminator tells every generated patch from a real
 * one, so the generator learns from L1 alone. The collapsed runs ended at D 0.006–0.018 and cGAN ≈ 5.7; the
 * bundled model's run fell to D 0.002–0.02 and cGAN 4–7 twice and recovered, while its healthy stretches sit at
 * D 0.5–0.7 and cGAN 0.7–1.2 (window means; its early warm-up dips to D 0.19, cGAN 2.7).</li>
 * <li><b>Generator collapse</b>: the generator fools the discriminator completely (mean cGAN loss below
 * {@link #G_COLLAPSE_GAN} with mean D loss above {@link #G_COLLAPSE_D}: the discriminator has stopped learning), or
 * the generator stops following its input (mean training L1 above {@link #G_COLLAPSE_L1_RATIO} times the lowest
 * window mean so far; the bundled run's windows stay within 0.040–0.051 after warm-up).</li>
 * </ul>
 * A D loss pinned at ln 2 (this project halves the discriminator's loss, so ln 2 is the paper's ln 4) is not
 * flagged: the bundled run sat at 0.693 ± 0.001 for 700 steps and went on to train normally.
 * <p>
 * Feed every step to {@link #add}; it returns the news (a collapse began or ended) or null. A collapse is over
 * once the thresholds have not been met for two windows' steps, so a relapse after a brief recovery belongs to the
 * same span; the span itself covers the steps at which they were met.
 */
public final class TrainingHealth {
	public static final int WINDOW = 200;
	public static final double D_COLLAPSE_D = 0.05, D_COLLAPSE_GAN = 3.0;
	public static final double G_COLLAPSE_GAN = 0.1, G_COLLAPSE_D = 1.0, G_COLLAPSE_L1_RATIO = 2.0;

	public enum Kind {
		DISCRIMINATOR("discriminator collapse", "the discriminator tells every generated patch from a real one; the generator learns from L1 only"),
		GENERATOR("generator collapse", "the generator no longer gets a useful adversarial signal or no longer follows its input");

		public final String label, meaning;

		Kind(String label, String meaning) {
			this.label = label;
			this.meaning = meaning;
		}

		/** The name in the loss CSV's {@code health} column. */
		public String csvName() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	/** Steps {@code first..last} (inclusive) at which the trailing window met {@code kind}'s thresholds. */
	public record Span(Kind kind, int first, int last, double meanD, double meanGan, double meanL1) {
		public String describe() {
			return String.format(Locale.ROOT, "%s, steps %d-%d (%d-step means at onset: D %.3f, cGAN %.3f, L1 %.4f)", kind.label, first, last,
				WINDOW, meanD, meanGan, meanL1);
		}
	}

	/** What {@link #add} reports: a span began ({@code ended == false}) or ended. */
	public record Event(Span span, boolean ended) {
		public String message() {
			Span s = span;
			if (ended) return String.format(Locale.ROOT, "Training health: %s over (steps %d-%d); the losses are back within the thresholds", s.kind.label, s.first, s.last);
			String why = s.kind == Kind.DISCRIMINATOR
				? String.format(Locale.ROOT, "D loss %.3f < %s and generator cGAN loss %.2f > %s", s.meanD, D_COLLAPSE_D, s.meanGan, D_COLLAPSE_GAN)
				: s.meanGan < G_COLLAPSE_GAN ? String.format(Locale.ROOT, "generator cGAN loss %.3f < %s and D loss %.2f > %s", s.meanGan, G_COLLAPSE_GAN, s.meanD, G_COLLAPSE_D)
				: String.format(Locale.ROOT, "training L1 %.4f > %s x its best %d-step mean", s.meanL1, G_COLLAPSE_L1_RATIO, WINDOW);
			return String.format(Locale.ROOT, "Training health: %s from step %d (mean of the last %d steps: %s): %s", s.kind.label, s.first, WINDOW, why, s.kind.meaning);
		}
	}

	private final int window;
	private final double[] d, gan, l1;
	private double sumD, sumGan, sumL1, bestL1 = Double.POSITIVE_INFINITY;
	private int count;
	private final List<Span> spans = new ArrayList<>();
	private Span open;

	public TrainingHealth() {
		this(WINDOW);
	}

	/** A detector over a shorter window, for tests on short sequences. */
	TrainingHealth(int window) {
		if (window < 1) throw new IllegalArgumentException("window " + window);
		this.window = window;
		d = new double[window];
		gan = new double[window];
		l1 = new double[window];
	}

	/** One training step's losses; returns what changed, or null. */
	public Event add(int step, double lossD, double lossGan, double lossL1) {
		int i = count % window;
		if (count >= window) {
			sumD -= d[i];
			sumGan -= gan[i];
			sumL1 -= l1[i];
		}
		d[i] = lossD;
		gan[i] = lossGan;
		l1[i] = lossL1;
		sumD += lossD;
		sumGan += lossGan;
		sumL1 += lossL1;
		count++;
		if (count < window) return null;
		double mD = sumD / window, mGan = sumGan / window, mL1 = sumL1 / window;
		Kind kind = mD < D_COLLAPSE_D && mGan > D_COLLAPSE_GAN ? Kind.DISCRIMINATOR
			: (mGan < G_COLLAPSE_GAN && mD > G_COLLAPSE_D) || mL1 > G_COLLAPSE_L1_RATIO * bestL1 ? Kind.GENERATOR : null;
		bestL1 = Math.min(bestL1, mL1);
		if (open != null) {
			if (kind == open.kind) {
				open = new Span(open.kind, open.first, step, open.meanD, open.meanGan, open.meanL1);
				return null;
			}
			// over only after two windows within the thresholds: a relapse after a brief recovery is the same span
			if (kind == null && step - open.last < 2 * window) return null;
			Span closed = open;
			spans.add(closed);
			open = null;
			if (kind == null) return new Event(closed, true);
		}
		if (kind == null) return null;
		open = new Span(kind, step, step, mD, mGan, mL1);
		return new Event(open, false);
	}

	/** The span going on now, or null. */
	public Span current() {
		return open;
	}

	/** Every span so far, the one going on included (its last step is the latest step). */
	public List<Span> spans() {
		List<Span> all = new ArrayList<>(spans);
		if (open != null) all.add(open);
		return all;
	}

	/** The kind of collapse at {@code step}, or null. */
	public static Kind at(List<Span> spans, int step) {
		for (Span s : spans)
			if (step >= s.first && step <= s.last) return s.kind;
		return null;
	}

	/** The spans of a finished sequence of (step, D, cGAN, L1) rows. */
	public static List<Span> analyse(List<LossLog.Row> rows) {
		TrainingHealth h = new TrainingHealth();
		for (LossLog.Row r : rows) h.add(r.step(), r.lossD(), r.lossGan(), r.l1());
		return h.spans();
	}

	/** One line for the end of a run. */
	public static String summary(List<Span> spans, int steps) {
		if (steps < WINDOW) return "Training health: not watched (" + steps + " steps, fewer than the " + WINDOW + "-step window)";
		if (spans.isEmpty()) return "Training health: no collapse detected over " + steps + " steps (" + WINDOW + "-step windows)";
		int collapsed = spans.stream().mapToInt(s -> s.last - s.first + 1).sum();
		StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Training health: collapsed for %d of %d steps: ", collapsed, steps));
		for (int k = 0; k < spans.size(); k++) sb.append(k == 0 ? "" : "; ").append(spans.get(k).describe());
		return sb.toString();
	}
}
