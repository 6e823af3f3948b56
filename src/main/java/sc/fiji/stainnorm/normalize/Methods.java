package sc.fiji.stainnorm.normalize;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import sc.fiji.stainnorm.core.InvalidSettingException;

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

	/**
	 * The option keys of a method with their defaults (null where there is none), as its constructor reads them:
	 * what a dialog lists beside the options field, so the list cannot drift from the code.
	 */
	public static Map<String, String> optionDefaults(String name) {
		MethodOptions none = MethodOptions.none();
		create(name, none);
		return none.defaults();
	}

	/**
	 * The refusal for reference images given to a method that takes none (STST, Macenko with a fixed target):
	 * ignoring them would hand back colours the user did not ask for without a word.
	 *
	 * @param given how the user named the references (file names), for the message
	 */
	public static InvalidSettingException referencesNotTaken(StainNormalizer normalizer, String given) {
		String method = normalizer.name();
		String why = "stst".equalsIgnoreCase(method) ? "STST takes no reference image: its target stain style comes from its model (train one"
			+ " on images of your target style, or choose one of the classical methods, which match a reference)"
			: "Method " + method + " with these options takes no reference image";
		return new InvalidSettingException(why + "; leave out the reference (" + given + ")");
	}

	public static StainNormalizer create(String name, MethodOptions options) {
		Function<MethodOptions, StainNormalizer> factory = FACTORIES.get(name == null ? "" : name.toLowerCase());
		if (factory == null)
			throw new InvalidSettingException("Unknown method '" + name + "'; choose one of " + String.join(", ", names()));
		StainNormalizer normalizer = factory.apply(options);
		options.rejectUnused(name);
		return normalizer;
	}
}
