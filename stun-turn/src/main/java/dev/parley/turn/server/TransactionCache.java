package dev.parley.turn.server;

import dev.parley.turn.allocation.FiveTuple;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers recent responses by (five-tuple, transaction id) so a retransmitted request gets the
 * identical response instead of being processed twice (RFC 8489 §6.3.1, RFC 8656 §7.2). Bounded in
 * entries and age; confined to the I/O loop.
 */
public final class TransactionCache {
    private static final long MAX_AGE_NANOS = 40_000_000_000L;

    private record Key(FiveTuple tuple, ByteBuffer tid) {
    }

    private record Entry(byte[] response, long atNanos) {
    }

    private final Map<Key, Entry> entries;

    public TransactionCache(int maxEntries) {
        entries = new LinkedHashMap<>(1024, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    public byte[] lookup(FiveTuple tuple, byte[] tid, long nowNanos) {
        Entry e = entries.get(new Key(tuple, ByteBuffer.wrap(tid)));
        return e == null || nowNanos - e.atNanos() > MAX_AGE_NANOS ? null : e.response();
    }

    public void store(FiveTuple tuple, byte[] tid, byte[] response, long nowNanos) {
        entries.put(new Key(tuple, ByteBuffer.wrap(tid.clone())), new Entry(response, nowNanos));
    }
}
