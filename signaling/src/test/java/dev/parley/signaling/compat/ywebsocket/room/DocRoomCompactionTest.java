package dev.parley.signaling.compat.ywebsocket.room;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.signaling.compat.ywebsocket.wire.MalformedMessageException;
import dev.parley.signaling.compat.ywebsocket.wire.UpdateScanner;
import dev.parley.signaling.compat.ywebsocket.wire.YMessage;
import dev.parley.signaling.compat.ywebsocket.wire.YMessageCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Compaction on the room state, with real Yjs updates (fixture made by yjs itself:
 * src/test/node-ywebsocket/make-compaction-fixture.mjs): 30 updates of two clients, the whole
 * document after all of them ({@code full}) and after the first 10 ({@code partial}).
 */
class DocRoomCompactionTest {

    /** Records every frame; sends complete at once. */
    static final class Recording implements Transport {
        final List<byte[]> sent = new ArrayList<>();
        CloseCode closed;

        @Override
        public void send(byte[] frame, Consumer<Throwable> done) {
            sent.add(frame);
            done.accept(null);
        }

        @Override
        public void close(CloseCode code, String reason) {
            closed = code;
        }

        List<YMessage> messages() throws MalformedMessageException {
            List<YMessage> out = new ArrayList<>();
            for (byte[] f : sent) {
                out.add(YMessageCodec.decode(f));
            }
            return out;
        }

        /** How many sync step 1s with an empty state vector it got after the one sent on join. */
        long compactionRequests() throws MalformedMessageException {
            return messages().stream().filter(m -> m instanceof YMessage.SyncStep1).skip(1)
                    .filter(m -> ((YMessage.SyncStep1) m).stateVector().length == 1
                            && ((YMessage.SyncStep1) m).stateVector()[0] == 0).count();
        }
    }

    /** A store that replaces the entries a snapshot holds, as the Redis store does. */
    static final class ListStore implements UpdateStore {
        final List<byte[]> list = new ArrayList<>();

        @Override
        public CompletionStage<List<byte[]>> load(String room) {
            return CompletableFuture.completedFuture(List.copyOf(list));
        }

        @Override
        public CompletionStage<Void> append(String room, byte[] update) {
            list.add(update);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Integer> compact(String room, byte[] snapshot, Predicate<byte[]> held) {
            int before = list.size();
            list.removeIf(held);
            list.add(0, snapshot);
            return CompletableFuture.completedFuture(before - list.size() + 1);
        }

        @Override
        public boolean isPersistent() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static final List<byte[]> UPDATES = new ArrayList<>();
    private static byte[] full;
    private static byte[] partial;

    static {
        try (InputStream in = DocRoomCompactionTest.class.getResourceAsStream("/ywebsocket/compaction.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.split(" ", 2);
                switch (f[0]) {
                    case "update" -> UPDATES.add(HexFormat.of().parseHex(f[1]));
                    case "full" -> full = HexFormat.of().parseHex(f[1]);
                    case "partial" -> partial = HexFormat.of().parseHex(f[1]);
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RelayMetrics metrics = new RelayMetrics(meters);
    private final ListStore store = new ListStore();
    private DocRoom room;

    @BeforeEach
    void room() {
        room = new DocRoom("r", new RoomLimits(1 << 20, 10, 10, 10, 10), store, RoomBus.NONE, metrics);
        room.loaded(List.of(), null);
    }

    private Connection join(String id, boolean readOnly, Recording t) {
        Connection c = new Connection(id, readOnly, t, 1 << 20, metrics);
        assertTrue(room.join(c));
        return c;
    }

    /** What a y-websocket client does on connect: its step 1, and its answer to the server's. */
    private Connection client(String id, Recording t) {
        Connection c = join(id, false, t);
        room.syncStep1(c);
        room.syncStep2(c, YMessageCodec.EMPTY_UPDATE, () -> { });
        return c;
    }

    private void store(Connection from, int first, int end) throws Exception {
        for (int i = first; i < end; i++) {
            room.update(from, UPDATES.get(i), UpdateScanner.scan(UPDATES.get(i)));
        }
    }

    private void answer(Connection c, byte[] update) {
        room.syncStep2(c, update, () -> {
            try {
                room.update(c, update, UpdateScanner.scan(update));
            } catch (MalformedMessageException e) {
                throw new AssertionError(e);
            }
        });
    }

    private double count(String name, String... tags) {
        var c = meters.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void theAnswerReplacesTheUpdatesItHoldsAndALateJoinerGetsIt() throws Exception {
        Recording ta = new Recording();
        Connection a = client("a", ta);
        store(a, 0, 9);
        assertEquals(0, ta.compactionRequests(), "below the threshold");
        store(a, 9, 10);
        assertEquals(1, ta.compactionRequests(), "the 10th stored update asks the only writable client");
        store(a, 10, 13); // arrive while the request is out: they stay after the snapshot
        answer(a, partial);
        assertEquals(1 + 3, room.updateCount());
        long tail = UPDATES.subList(10, 13).stream().mapToLong(u -> u.length).sum();
        assertEquals(partial.length + tail, room.documentBytes());
        assertEquals(1, count("parley.signaling.ywebsocket.compactions", "result", "done"));
        assertEquals(10, count("parley.signaling.ywebsocket.compaction.updates.replaced"));
        assertEquals(131 + tail, count("parley.signaling.ywebsocket.compaction.bytes.before"));
        assertEquals(partial.length + tail, count("parley.signaling.ywebsocket.compaction.bytes.after"));
        // the store replaced its own head the same way
        assertEquals(4, store.list.size());
        assertArrayEquals(partial, store.list.get(0));
        // a late joiner gets the snapshot, then the rest, in order
        Recording tl = new Recording();
        Connection late = join("late", false, tl);
        room.syncStep1(late);
        List<YMessage> got = tl.messages();
        List<byte[]> docs = new ArrayList<>();
        for (YMessage m : got) {
            if (m instanceof YMessage.SyncUpdate u) {
                docs.add(u.update());
            } else if (m instanceof YMessage.SyncStep2 s) {
                docs.add(s.update());
            }
        }
        assertEquals(4, docs.size());
        assertArrayEquals(partial, docs.get(0));
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(UPDATES.get(10 + i), docs.get(1 + i));
        }
        // nothing was relayed to the other clients because of the answer
        assertEquals(0, count("parley.signaling.ywebsocket.updates.refused", "reason", "redundant"));
    }

    @Test
    void updatesThatReachedTheClientBeforeItAnsweredAreReplacedToo() throws Exception {
        Recording ta = new Recording();
        Recording tb = new Recording();
        Connection a = client("a", ta);
        client("b", tb);
        store(a, 0, 10);
        assertEquals(1, ta.compactionRequests());
        store(a, 10, 30);
        int toB = tb.sent.size();
        answer(a, full);
        assertEquals(1, room.updateCount(), "all 30 held by the answer");
        assertEquals(full.length, room.documentBytes());
        assertArrayEquals(full, store.list.get(0));
        assertEquals(1, store.list.size());
        assertEquals(toB, tb.sent.size(), "the snapshot is not relayed");
        assertEquals(393, count("parley.signaling.ywebsocket.compaction.bytes.before"));
    }

    @Test
    void anAnswerMissingSomeOfTheUpdatesIsNotUsed() throws Exception {
        room = new DocRoom("r", new RoomLimits(1 << 20, 10, 10, 10, 20), store, RoomBus.NONE, metrics);
        room.loaded(List.of(), null);
        Recording ta = new Recording();
        Connection a = client("a", ta);
        store(a, 0, 20);
        assertEquals(1, ta.compactionRequests());
        answer(a, partial); // holds only the first 10 of the 20 it should replace
        assertEquals(20, room.updateCount());
        assertEquals(1, count("parley.signaling.ywebsocket.compactions", "result", "incomplete"));
        assertEquals(1, count("parley.signaling.ywebsocket.updates.refused", "reason", "redundant"),
                "then treated as any sync step 2: it brings nothing new");
        assertEquals(20, store.list.size());
    }

    @Test
    void anAnswerWithIdsTheRoomLacksIsStoredAsAnUpdateNotAsTheSnapshot() throws Exception {
        Recording ta = new Recording();
        Recording tb = new Recording();
        Connection a = client("a", ta);
        client("b", tb);
        store(a, 0, 10);
        assertEquals(1, ta.compactionRequests());
        int toB = tb.sent.size();
        answer(a, full); // holds the 20 updates the room never got: not a snapshot of what it holds
        assertEquals(1, count("parley.signaling.ywebsocket.compactions", "result", "unknown-ids"));
        assertEquals(11, room.updateCount(), "stored and relayed as an ordinary update");
        assertEquals(toB + 1, tb.sent.size());
    }

    @Test
    void aMalformedAnswerIsIgnored() throws Exception {
        Recording ta = new Recording();
        Connection a = client("a", ta);
        store(a, 0, 10);
        answer(a, new byte[] {(byte) 0xff, (byte) 0xff});
        assertEquals(10, room.updateCount());
        assertEquals(1, count("parley.signaling.ywebsocket.compactions", "result", "malformed"));
        assertNull(ta.closed);
    }

    @Test
    void aClientLeavingBeforeItAnswersIsReplacedByAnother() throws Exception {
        Recording ta = new Recording();
        Recording tb = new Recording();
        Connection a = client("a", ta);
        Connection b = client("b", tb);
        store(a, 0, 10);
        assertEquals(1, ta.compactionRequests());
        assertEquals(0, tb.compactionRequests());
        room.leave(a);
        assertEquals(1, count("parley.signaling.ywebsocket.compactions", "result", "disconnected"));
        store(b, 10, 11);
        assertEquals(1, tb.compactionRequests(), "the next stored update asks another client");
    }

    @Test
    void onlyAWritableClientThatHasEveryUpdateIsAsked() throws Exception {
        Recording tr = new Recording();
        Connection reader = join("reader", true, tr);
        room.syncStep1(reader);
        room.syncStep2(reader, YMessageCodec.EMPTY_UPDATE, () -> { });
        Recording tn = new Recording();
        Connection fresh = join("fresh", false, tn); // has not sent its sync step 1 yet
        store(fresh, 0, 10);
        assertEquals(0, tr.compactionRequests(), "read-only: its own edits may never have been stored");
        assertEquals(0, tn.compactionRequests(), "not caught up: it may lack stored updates");
        room.syncStep1(fresh);
        store(fresh, 10, 11);
        assertEquals(0, tn.compactionRequests(), "the server's step 1 is still unanswered");
        room.syncStep2(fresh, YMessageCodec.EMPTY_UPDATE, () -> { });
        store(fresh, 11, 14);
        assertEquals(1, tn.compactionRequests());
    }
}
