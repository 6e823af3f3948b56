package sc.fiji.stainnorm.slide;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

import sc.fiji.stainnorm.core.AtomicFile;

/**
 * The record of a pyramid write that lets a killed run go on where it stopped. A text file, one line per finished
 * level-0 tile row: where the temporary file's data ended after it, and every tile written with it (level-0 tiles
 * and the reduced levels' tiles that row completed) with offset, length and CRC-32. Each line ends with the CRC-32
 * of its own text and is forced to disk after the tile data it describes, so a line that a kill cut off is
 * recognised and dropped, and a line present describes data that is on the disk. The second line is the job: what
 * determines the file's bytes; a journal of another job is never continued.
 */
final class ResumeJournal implements Closeable {
	private static final String MAGIC = "stainnorm pyramid TIFF journal 1";

	record Tile(int level, int index, long offset, int length, int crc) {}

	record Row(int row, long end, List<Tile> tiles) {}

	/** What a journal file held: its job line and its intact rows (0, 1, 2, ... without gaps). */
	record Contents(String job, List<Row> rows) {}

	private final FileChannel channel;

	private ResumeJournal(FileChannel channel) {
		this.channel = channel;
	}

	/** The journal's job and intact rows; null when there is no journal or it is not one. */
	static Contents read(Path journal) throws IOException {
		List<String> lines;
		try {
			byte[] bytes = Files.readAllBytes(journal);
			String text = new String(bytes, StandardCharsets.UTF_8);
			lines = new ArrayList<>(List.of(text.split("\n", -1)));
			// the last element is what follows the last newline: a line the kill cut off, or empty
			lines.remove(lines.size() - 1);
		}
		catch (NoSuchFileException e) {
			return null;
		}
		if (lines.size() < 2 || !lines.get(0).equals(MAGIC) || !lines.get(1).startsWith("job ")) return null;
		List<Row> rows = new ArrayList<>();
		for (int i = 2; i < lines.size(); i++) {
			Row r = parse(lines.get(i));
			if (r == null || r.row() != rows.size()) break;
			rows.add(r);
		}
		return new Contents(lines.get(1).substring(4), rows);
	}

	private static Row parse(String line) {
		int crcAt = line.lastIndexOf(" crc ");
		if (crcAt < 0) return null;
		String body = line.substring(0, crcAt);
		try {
			if ((int) Long.parseLong(line.substring(crcAt + 5), 16) != crc(body.getBytes(StandardCharsets.UTF_8))) return null;
			String[] f = body.split(" ");
			if (f.length < 5 || !f[0].equals("row") || !f[2].equals("end") || !f[4].equals("tiles")) return null;
			List<Tile> tiles = new ArrayList<>();
			for (int i = 5; i < f.length; i++) {
				String[] t = f[i].split(":");
				if (t.length != 5) return null;
				tiles.add(new Tile(Integer.parseInt(t[0]), Integer.parseInt(t[1]), Long.parseLong(t[2]), Integer.parseInt(t[3]),
					(int) Long.parseLong(t[4], 16)));
			}
			return new Row(Integer.parseInt(f[1]), Long.parseLong(f[3]), tiles);
		}
		catch (NumberFormatException e) {
			return null;
		}
	}

	static int crc(byte[] bytes) {
		CRC32 c = new CRC32();
		c.update(bytes);
		return (int) c.getValue();
	}

	private static String line(Row r) {
		StringBuilder s = new StringBuilder("row ").append(r.row()).append(" end ").append(r.end()).append(" tiles");
		for (Tile t : r.tiles())
			s.append(' ').append(t.level()).append(':').append(t.index()).append(':').append(t.offset()).append(':').append(t.length())
				.append(':').append(Integer.toHexString(t.crc()));
		String body = s.toString();
		return body + " crc " + Integer.toHexString(crc(body.getBytes(StandardCharsets.UTF_8))) + "\n";
	}

	/**
	 * Starts the journal afresh (atomically replacing any old one) with the job line and the rows kept from an
	 * earlier run, and opens it for appending.
	 */
	static ResumeJournal start(Path journal, String job, List<Row> kept) throws IOException {
		StringBuilder s = new StringBuilder(MAGIC).append('\n').append("job ").append(job).append('\n');
		for (Row r : kept)
			s.append(line(r));
		try {
			AtomicFile.writeString(journal, s);
		}
		catch (RuntimeException e) {
			throw new IOException("cannot write the resume journal " + journal + ": " + e.getMessage(), e);
		}
		return new ResumeJournal(FileChannel.open(journal, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
	}

	/** Appends a finished row and forces it to disk (the caller forced the tile data first). */
	void commit(Row row) throws IOException {
		ByteBuffer b = ByteBuffer.wrap(line(row).getBytes(StandardCharsets.UTF_8));
		while (b.hasRemaining())
			channel.write(b);
		channel.force(false);
	}

	@Override
	public void close() throws IOException {
		channel.close();
	}
}
