package dev.parley.signaling.room;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last sequenced frames of one session, kept so that a resumed connection gets every message it
 * missed, in order. Bounded in count and bytes; the oldest frames go first. Frames the client has
 * acknowledged ({@code ping.ack}) are dropped early. Not thread-safe: guarded by the session's lock.
 */
final class ResumeBuffer {

    private record Entry(long seq, Frame frame) { }

    private final int maxFrames;
    private final long maxBytes;
    private ArrayDeque<Entry> entries;
    private long bytes;
    /** Highest seq ever evicted for space (not by ack): a resume from before it cannot be served. */
    private long lostUpTo;

    ResumeBuffer(int maxFrames, long maxBytes) {
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
    }

    void add(long seq, Frame frame) {
        if (entries == null) {
            entries = new ArrayDeque<>(8);
        }
        entries.addLast(new Entry(seq, frame));
        bytes += frame.size();
        while (entries.size() > maxFrames || bytes > maxBytes) {
            Entry e = entries.removeFirst();
            bytes -= e.frame().size();
            lostUpTo = e.seq();
        }
    }

    /** Drops frames up to and including {@code seq}: the client has them. */
    void ack(long seq) {
        while (entries != null && !entries.isEmpty() && entries.peekFirst().seq() <= seq) {
            bytes -= entries.removeFirst().frame().size();
        }
    }

    /** Frames after {@code lastSeq}, or null when some of them were evicted and cannot be replayed. */
    List<Frame> after(long lastSeq) {
        if (lastSeq < lostUpTo) {
            return null;
        }
        List<Frame> out = new ArrayList<>();
        if (entries != null) {
            for (Entry e : entries) {
                if (e.seq() > lastSeq) {
                    out.add(e.frame());
                }
            }
        }
        return out;
    }

    int size() {
        return entries == null ? 0 : entries.size();
    }
}
