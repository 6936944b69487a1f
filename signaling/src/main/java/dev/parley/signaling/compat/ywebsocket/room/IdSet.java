package dev.parley.signaling.compat.ywebsocket.room;

import dev.parley.signaling.compat.ywebsocket.wire.ClockRange;
import dev.parley.signaling.compat.ywebsocket.wire.Lib0Writer;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Per Yjs client, the clock intervals held, merged. Not thread-safe: the room's lock guards it. */
final class IdSet {

    private final Map<Long, TreeMap<Long, Long>> byClient = new HashMap<>();

    void add(ClockRange r) {
        if (r.length() == 0) {
            return;
        }
        TreeMap<Long, Long> m = byClient.computeIfAbsent(r.client(), k -> new TreeMap<>());
        long start = r.clock();
        long end = r.end();
        Map.Entry<Long, Long> below = m.floorEntry(start);
        if (below != null && below.getValue() >= start) {
            start = below.getKey();
            end = Math.max(end, below.getValue());
        }
        Map.Entry<Long, Long> next = m.ceilingEntry(start);
        while (next != null && next.getKey() <= end) {
            end = Math.max(end, next.getValue());
            m.remove(next.getKey());
            next = m.ceilingEntry(start);
        }
        m.put(start, end);
    }

    boolean covers(ClockRange r) {
        if (r.length() == 0) {
            return true;
        }
        TreeMap<Long, Long> m = byClient.get(r.client());
        if (m == null) {
            return false;
        }
        Map.Entry<Long, Long> below = m.floorEntry(r.clock());
        return below != null && below.getValue() >= r.end();
    }

    /**
     * The Yjs state vector these ids make: per client the end of the interval that starts at
     * clock 0 (ids past a gap cannot be integrated by a client yet, so they are not claimed).
     */
    byte[] encodeStateVector() {
        Map<Long, Long> sv = new HashMap<>();
        byClient.forEach((client, m) -> {
            Map.Entry<Long, Long> first = m.firstEntry();
            if (first != null && first.getKey() == 0) {
                sv.put(client, first.getValue());
            }
        });
        Lib0Writer w = new Lib0Writer(1 + sv.size() * 10);
        w.writeVarUint(sv.size());
        sv.forEach((client, clock) -> w.writeVarUint(client).writeVarUint(clock));
        return w.toByteArray();
    }

    /** Adds every interval of this set to {@code other}. */
    void addAllTo(IdSet other) {
        byClient.forEach((client, m) -> m.forEach((start, end) -> other.add(new ClockRange(client, start, end - start))));
    }

    /** Whether every interval of {@code other} lies in this set. */
    boolean coversAll(IdSet other) {
        for (Map.Entry<Long, TreeMap<Long, Long>> e : other.byClient.entrySet()) {
            for (Map.Entry<Long, Long> r : e.getValue().entrySet()) {
                if (!covers(new ClockRange(e.getKey(), r.getKey(), r.getValue() - r.getKey()))) {
                    return false;
                }
            }
        }
        return true;
    }
}
