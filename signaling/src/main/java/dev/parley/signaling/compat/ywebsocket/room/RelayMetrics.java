package dev.parley.signaling.compat.ywebsocket.room;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The y-websocket relay's meters, all named {@code parley.signaling.ywebsocket.*}:
 * {@code connections} and {@code rooms} (gauges), {@code messages.in{type}},
 * {@code document.updates} / {@code document.bytes} (document updates stored and fanned out; zero
 * while peers talk peer-to-peer), {@code frames.out{kind=document|awareness}}, {@code bytes.out},
 * {@code updates.refused{reason}}, {@code awareness.coalesced}, {@code closed{reason}},
 * {@code store.errors}; compaction: {@code compactions{result}} (requested, done, and why an
 * answer was not used or never came), {@code compaction.updates.replaced},
 * {@code compaction.bytes.before} / {@code compaction.bytes.after} (the room's stored bytes around
 * each compaction), {@code store.compactions{result=done|skipped}} (the persistent store's part;
 * skipped: nothing to replace, or another node changed the stored prefix first).
 */
public final class RelayMetrics {

    private static final String P = "parley.signaling.ywebsocket.";

    private final MeterRegistry registry;
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<String, Counter> messagesIn = new ConcurrentHashMap<>();
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();
    private final Map<CloseCode, Counter> closed = new EnumMap<>(CloseCode.class);
    private final Counter documentUpdates;
    private final Counter documentBytes;
    private final Counter documentFramesOut;
    private final Counter awarenessFramesOut;
    private final Counter bytesOut;
    private final Counter coalesced;
    private final Counter storeErrors;
    private final Map<String, Counter> compactions = new ConcurrentHashMap<>();
    private final Counter compactedUpdates;
    private final Counter compactionBytesBefore;
    private final Counter compactionBytesAfter;
    private final Counter storeCompactionsDone;
    private final Counter storeCompactionsSkipped;

    public RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder(P + "connections", connections, AtomicInteger::get)
                .description("open y-websocket connections").register(registry);
        documentUpdates = Counter.builder(P + "document.updates")
                .description("document updates stored and relayed by the server").register(registry);
        documentBytes = Counter.builder(P + "document.bytes")
                .description("bytes of document updates stored and relayed by the server").register(registry);
        documentFramesOut = Counter.builder(P + "frames.out").tag("kind", "document").register(registry);
        awarenessFramesOut = Counter.builder(P + "frames.out").tag("kind", "awareness").register(registry);
        bytesOut = Counter.builder(P + "bytes.out").register(registry);
        coalesced = Counter.builder(P + "awareness.coalesced")
                .description("awareness states replaced by a newer one before they were sent").register(registry);
        storeErrors = Counter.builder(P + "store.errors").register(registry);
        compactedUpdates = Counter.builder(P + "compaction.updates.replaced")
                .description("stored updates replaced by compaction snapshots").register(registry);
        compactionBytesBefore = Counter.builder(P + "compaction.bytes.before")
                .description("a room's stored bytes before each compaction, summed").register(registry);
        compactionBytesAfter = Counter.builder(P + "compaction.bytes.after")
                .description("a room's stored bytes after each compaction, summed").register(registry);
        storeCompactionsDone = Counter.builder(P + "store.compactions").tag("result", "done").register(registry);
        storeCompactionsSkipped = Counter.builder(P + "store.compactions").tag("result", "skipped").register(registry);
        for (CloseCode c : CloseCode.values()) {
            closed.put(c, Counter.builder(P + "closed").tag("reason", c.name().toLowerCase().replace('_', '-'))
                    .register(registry));
        }
    }

    public void roomsGauge(Supplier<Number> rooms) {
        Gauge.builder(P + "rooms", rooms).description("rooms held in memory").register(registry);
    }

    public void connectionOpened() {
        connections.incrementAndGet();
    }

    public void connectionClosed() {
        connections.decrementAndGet();
    }

    public void messageIn(String type) {
        messagesIn.computeIfAbsent(type, t -> Counter.builder(P + "messages.in").tag("type", t).register(registry))
                .increment();
    }

    public void documentUpdate(int bytes) {
        documentUpdates.increment();
        documentBytes.increment(bytes);
    }

    public void refused(String reason) {
        refused.computeIfAbsent(reason, r -> Counter.builder(P + "updates.refused").tag("reason", r).register(registry))
                .increment();
    }

    void frameOut(boolean document, int bytes) {
        (document ? documentFramesOut : awarenessFramesOut).increment();
        bytesOut.increment(bytes);
    }

    void awarenessCoalesced() {
        coalesced.increment();
    }

    public void closed(CloseCode code) {
        closed.get(code).increment();
    }

    /** A compaction event: requested, or why an answer was not used / never came. */
    public void compaction(String result) {
        compactions.computeIfAbsent(result, r -> Counter.builder(P + "compactions").tag("result", r).register(registry))
                .increment();
    }

    void compacted(int replacedUpdates, long bytesBefore, long bytesAfter) {
        compaction("done");
        compactedUpdates.increment(replacedUpdates);
        compactionBytesBefore.increment(bytesBefore);
        compactionBytesAfter.increment(bytesAfter);
    }

    void storeCompaction(int replaced) {
        (replaced > 0 ? storeCompactionsDone : storeCompactionsSkipped).increment();
    }

    public void storeError() {
        storeErrors.increment();
    }
}
