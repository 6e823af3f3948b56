package sc.fiji.stainnorm.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * One task per item on a pool of threads, for loops whose items are independent: files to normalize, pairs to
 * compare, evaluation jobs. Results come back in item order whatever the thread count. A task not yet started
 * when {@link Progress#isCancelled()} turns true is skipped and its result is null. Tasks report their own
 * progress and turn per-item problems into results; an exception a task lets out stops the run.
 */
public final class ParallelItems {

	@FunctionalInterface
	public interface Task<T, R> {
		R apply(int index, T item);
	}

	private ParallelItems() {}

	/**
	 * @param threads     at most this many items at a time (at least one)
	 * @param interrupted the message of the {@link StainNormException} thrown when the calling thread is interrupted
	 * @param failed      turns what the first failing task (in item order) threw into the exception to throw
	 */
	public static <T, R> List<R> map(List<T> items, int threads, String threadName, Progress progress, Task<T, R> task,
		String interrupted, Function<Throwable, RuntimeException> failed)
	{
		ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, items.size())), r -> {
			Thread t = new Thread(r, threadName);
			t.setDaemon(true);
			return t;
		});
		try {
			List<Future<R>> futures = new ArrayList<>();
			for (int i = 0; i < items.size(); i++) {
				int index = i;
				futures.add(pool.submit(() -> progress.isCancelled() ? null : task.apply(index, items.get(index))));
			}
			List<R> results = new ArrayList<>(items.size());
			for (Future<R> f : futures)
				results.add(f.get());
			return results;
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new StainNormException(interrupted);
		}
		catch (ExecutionException e) {
			throw failed.apply(e.getCause());
		}
		finally {
			pool.shutdownNow();
		}
	}
}
