package sc.fiji.stainnorm.slide;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import sc.fiji.stainnorm.core.AtomicFile;
import sc.fiji.stainnorm.core.StainNormException;

/**
 * An exclusive lock on one output, held by one job (process or thread) at a time, through an operating-system file
 * lock on a hidden file beside it. The file is removed when the job ends; because another job may have opened the
 * old file just before that, a job that got the lock checks that the name still leads to the file it locked (its own
 * token is in it) and otherwise tries again on the new file.
 */
final class OutputLock implements Closeable {
	private final Path file;
	private final FileChannel channel;
	private final FileLock lock;

	private OutputLock(Path file, FileChannel channel, FileLock lock) {
		this.file = file;
		this.channel = channel;
		this.lock = lock;
	}

	/** @throws StainNormException when another job holds the lock: it names the output */
	static OutputLock acquire(Path file, Path output) throws IOException {
		String token = ProcessHandle.current().pid() + " " + Thread.currentThread().getId() + " " + System.nanoTime() + "\n";
		for (int attempt = 0; attempt < 100; attempt++) {
			FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
			FileLock lock;
			try {
				lock = ch.tryLock();
			}
			catch (OverlappingFileLockException e) {
				lock = null; // this process (another thread's job) holds it
			}
			catch (IOException e) {
				ch.close();
				throw new IOException("cannot lock " + file + ": " + AtomicFile.reason(e), e);
			}
			if (lock == null) {
				ch.close();
				throw new StainNormException(output + " is being written by another job (it holds " + file + "); not written twice");
			}
			ch.truncate(0);
			ch.write(ByteBuffer.wrap(token.getBytes(StandardCharsets.UTF_8)), 0);
			String there;
			try {
				there = Files.readString(file);
			}
			catch (NoSuchFileException e) {
				there = "";
			}
			if (there.equals(token)) return new OutputLock(file, ch, lock);
			lock.release(); // the job before us removed this file after we opened it: lock the new one
			ch.close();
		}
		throw new IOException("cannot lock " + file + ": it keeps being replaced");
	}

	/**
	 * Releases the lock; with {@code remove}, deletes the lock file first (while still holding it: a job that opened
	 * it meanwhile finds its token missing and locks a new file).
	 */
	void release(boolean remove) throws IOException {
		try {
			if (remove) Files.deleteIfExists(file);
		}
		finally {
			close();
		}
	}

	@Override
	public void close() throws IOException {
		try {
			if (lock.isValid()) lock.release();
		}
		finally {
			channel.close();
		}
	}
}
