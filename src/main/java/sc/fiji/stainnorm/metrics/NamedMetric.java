package sc.fiji.stainnorm.metrics;

/** A metric's name and direction, kept in one place for all implementations. */
abstract class NamedMetric implements Metric {
	private final String name;
	private final boolean higherIsBetter;

	NamedMetric(String name, boolean higherIsBetter) {
		this.name = name;
		this.higherIsBetter = higherIsBetter;
	}

	@Override
	public final String name() {
		return name;
	}

	@Override
	public final boolean higherIsBetter() {
		return higherIsBetter;
	}

	@Override
	public String toString() {
		return name;
	}
}
