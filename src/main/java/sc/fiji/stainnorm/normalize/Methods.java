package sc.fiji.stainnorm.normalize;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import sc.fiji.stainnorm.core.StainNormException;

/**
 * The registry of normalization methods by command-line name. Options are the method's own
 * {@code key=value} settings (e.g. {@code io=240} for Macenko); each factory rejects keys it does not know.
 */
public final class Methods {
	private static final Map<String, Function<MethodOptions, StainNormalizer>> FACTORIES = new LinkedHashMap<>();

	static {
		// One line per method; the order is the order of menus, tables and montages.
		register("stst", sc.fiji.stainnorm.stst.Stst::new);
		register("reinhard", Reinhard::new);
		register("macenko", Macenko::new);
		register("khan", Khan::new);
		register("vahadane", Vahadane::new);
	}

	/**
	 * Methods that lose to the unnormalized input on the cross-lab protocol (docs/results.md) and fail its damage
	 * checks: kept under their key, labelled experimental wherever methods are listed for people.
	 */
	private static final java.util.Set<String> EXPERIMENTAL = java.util.Set.of("khan");

	private Methods() {}

	public static boolean isExperimental(String name) {
		return EXPERIMENTAL.contains(name);
	}

	/** The method's name for menus and tables: its key, with "(experimental)" where that applies. */
	public static String label(String name) {
		return isExperimental(name) ? name + " (experimental)" : name;
	}

	static void register(String name, Function<MethodOptions, StainNormalizer> factory) {
		FACTORIES.put(name, factory);
	}

	/** The method names in display order. */
	public static List<String> names() {
		return Collections.unmodifiableList(new ArrayList<>(FACTORIES.keySet()));
	}

	public static StainNormalizer create(String name) {
		return create(name, MethodOptions.none());
	}

	public static StainNormalizer create(String name, MethodOptions options) {
		Function<MethodOptions, StainNormalizer> factory = FACTORIES.get(name == null ? "" : name.toLowerCase());
		if (factory == null)
			throw new StainNormException("Unknown method '" + name + "'; choose one of " + String.join(", ", names()));
		StainNormalizer normalizer = factory.apply(options);
		options.rejectUnused(name);
		return normalizer;
	}
}
