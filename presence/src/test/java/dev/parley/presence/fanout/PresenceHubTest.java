package dev.parley.presence.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.presence.memory.MemoryPresenceStore;
import dev.parley.presence.model.Channel;
import dev.parley.presence.model.EventId;
import dev.parley.presence.model.PresenceEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The hub's per-subscriber state machine over the in-memory store (no sockets). */
class PresenceHubTest {

    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
    private MemoryPresenceStore store;
    private PresenceHub hub;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    static final class Sink implements EventSink {
        final LinkedBlockingQueue<PresenceEvent> events = new LinkedBlockingQueue<>();
        final CountDownLatch closed = new CountDownLatch(1);
        volatile int capacity = Integer.MAX_VALUE;

        @Override
        public boolean offer(PresenceEvent e) {
            if (events.size() >= capacity) {
                return false;
            }
            events.add(e);
            return true;
        }

        @Override
        public void close(String reason) {
            closed.countDown();
        }

        PresenceEvent next() throws InterruptedException {
            PresenceEvent e = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(e);
            return e;
        }
    }

    @BeforeEach
    void setUp() {
        store = new MemoryPresenceStore(100);
        hub = new PresenceHub(store, executor, meters);
        store.setListener(hub);
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
    }

    @Test
    void snapshotThenLiveEvents() throws Exception {
        store.join("n", "c0", "ann", "r", Map.of(), 1);
        Sink sink = new Sink();
        hub.subscribe(Channel.room("r"), Set.of(), null, sink);
        PresenceEvent.Snapshot snap = assertInstanceOf(PresenceEvent.Snapshot.class, sink.next());
        assertFalse(snap.fresh());
        assertEquals(1, snap.members().size());
        store.join("n", "c1", "bob", "r", Map.of(), 1);
        PresenceEvent.Join j = assertInstanceOf(PresenceEvent.Join.class, sink.next());
        assertEquals(snap.id().offset() + 1, j.id().offset());
    }

    @Test
    void resumeReplaysAndAForeignEpochGetsAFreshSnapshot() throws Exception {
        store.join("n", "c0", "ann", "r", Map.of(), 1);
        Sink first = new Sink();
        hub.subscribe(Channel.room("r"), Set.of(), null, first);
        EventId at = first.next().id();
        store.join("n", "c1", "bob", "r", Map.of(), 1);
        store.join("n", "c2", "cat", "r", Map.of(), 1);
        Sink resumed = new Sink();
        hub.subscribe(Channel.room("r"), Set.of(), at, resumed);
        assertEquals("bob", ((PresenceEvent.Join) resumed.next()).userId());
        assertEquals("cat", ((PresenceEvent.Join) resumed.next()).userId());
        Sink foreign = new Sink();
        hub.subscribe(Channel.room("r"), Set.of(), new EventId("other", 2), foreign);
        PresenceEvent.Snapshot s = assertInstanceOf(PresenceEvent.Snapshot.class, foreign.next());
        assertTrue(s.fresh());
        assertEquals(3, s.members().size());
    }

    @Test
    void aSinkThatCannotKeepUpIsDroppedAndTheOthersContinue() throws Exception {
        Sink slow = new Sink();
        slow.capacity = 2;
        Sink fast = new Sink();
        hub.subscribe(Channel.room("r"), Set.of(), null, slow);
        hub.subscribe(Channel.room("r"), Set.of(), null, fast);
        fast.next();
        for (int i = 0; i < 5; i++) {
            store.join("n", "c" + i, "u" + i, "r", Map.of(), 1);
        }
        assertTrue(slow.closed.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 5; i++) {
            assertEquals("u" + i, ((PresenceEvent.Join) fast.next()).userId());
        }
        assertEquals(1, hub.subscriberCount());
        assertEquals(1.0, meters.counter("parley.presence.subscribers.dropped").count());
    }

    @Test
    void watchlistsSeeOnlyTheirUsers() throws Exception {
        Sink sink = new Sink();
        hub.subscribe(Channel.USERS, Set.of("bob"), null, sink);
        PresenceEvent.Snapshot s = assertInstanceOf(PresenceEvent.Snapshot.class, sink.next());
        assertEquals("bob", s.users().get(0).userId());
        store.connect("n", "c1", "ann", 1);
        store.connect("n", "c2", "bob", 1);
        assertEquals("bob", ((PresenceEvent.Status) sink.next()).userId());
    }
}
