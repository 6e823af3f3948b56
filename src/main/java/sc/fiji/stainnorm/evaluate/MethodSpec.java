package sc.fiji.stainnorm.evaluate;

import java.util.function.Supplier;

import sc.fiji.stainnorm.normalize.StainNormalizer;

/** A method to evaluate: its table name and how to make a fresh, unfitted instance. */
public record MethodSpec(String name, Supplier<StainNormalizer> factory) {}
