package sc.fiji.stainnorm.evaluate;

/**
 * One number of an evaluation: metric {@code metric} (in convention {@code convention}) of method
 * {@code method}'s output for {@code image}, against its ground truth, in experiment {@code experiment}
 * ({@link Evaluation#MATCHED} or {@link Evaluation#UNMATCHED}); {@code reference} names the reference image
 * the method was fitted to ("-" when it takes none).
 */
public record Score(String experiment, String method, String image, String reference, String convention, String metric, double value) {}
