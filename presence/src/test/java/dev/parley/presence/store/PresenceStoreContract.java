package dev.parley.presence.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.presence.model.Channel;
import dev.parley.presence.model.EventId;
import dev.parley.presence.model.Member;
import dev.parley.presence.model.PresenceEvent;
import dev.parley.presence.model.UserPresence;
import dev.parley.presence.model.UserStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link PresenceStore} must have; run against the in-memory store
 * ({@code MemoryPresenceStoreTest}) and the Redis store ({@code RedisPresenceStoreIT}).
 * "No event happened" is checked with a sentinel: a later event must be the next one received.
 */
public abstract class PresenceStoreContract {

    protected static final String N1 = "node-1";
    protected static final long T0 = 1_700_000_000_000L;
    protected static final int LOG_BOUND = 5;

    protected PresenceStore store;
    protected final LinkedBlockingQueue<PresenceEvent> events = new LinkedBlockingQueue<>();
    protected final LinkedBlockingQueue<Boolean> reconnects = new LinkedBlockingQueue<>();

    /** A fresh, started store with an empty backing state and {@link #LOG_BOUND} events per log. */
    protected abstract PresenceStore newStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore();
        store.setListener(new StoreListener() {
            @Override
            public void onEvent(PresenceEvent event) {
                events.add(event);
            }

            @Override
            public void onReconnected() {
                reconnects.add(true);
            }
        });
        await(store.subscribe(Channel.USERS));
        await(store.subscribe(Channel.room("r1")));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static <T> T await(CompletionStage<T> s) throws Exception {
        try {
            return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    protected PresenceEvent next() throws InterruptedException {
        PresenceEvent e = events.poll(10, TimeUnit.SECONDS);
        assertNotNull(e, "expected an event");
        return e;
    }

    protected <T extends PresenceEvent> T next(Class<T> type) throws InterruptedException {
        return assertInstanceOf(type, next());
    }

    /** Asserts that nothing was emitted before a sentinel join in room r1. */
    protected void assertQuietThenSentinel(String sentinelUser) throws Exception {
        await(store.join(N1, "sentinel-" + sentinelUser, sentinelUser, "r1", Map.of(), T0));
        PresenceEvent.Join j = next(PresenceEvent.Join.class);
        assertEquals(sentinelUser, j.userId(), "an unexpected event came before the sentinel");
    }

    @Test
    void twoTabsAreOneMemberWithOneJoin() throws Exception {
        await(store.connect(N1, "c1", "ann", T0));
        assertEquals(UserStatus.ONLINE, next(PresenceEvent.Status.class).status());
        await(store.join(N1, "c1", "ann", "r1", Map.of("name", "Ann"), T0));
        PresenceEvent.Join j = next(PresenceEvent.Join.class);
        assertEquals("ann", j.userId());
        assertEquals("r1", j.room());
        assertEquals(Map.of("name", "Ann"), j.meta());
        await(store.connect(N1, "c2", "ann", T0));
        await(store.join(N1, "c2", "ann", "r1", Map.of("name", "Ann"), T0));
        await(store.join(N1, "c2", "ann", "r1", Map.of("name", "Ann"), T0)); // repeated: idempotent
        assertQuietThenSentinel("zed");

        PresenceEvent.Snapshot s = await(store.snapshot(Channel.room("r1"), List.of()));
        Member ann = s.members().stream().filter(m -> m.userId().equals("ann")).findFirst().orElseThrow();
        assertEquals(2, ann.connections());
        assertEquals(UserStatus.ONLINE, ann.status());
        assertEquals(Map.of("name", "Ann"), ann.meta());
        assertEquals(j.id().epoch(), s.id().epoch());
        assertEquals(j.id().offset() + 1, s.id().offset(), "snapshot reflects the log up to the sentinel's join");
    }

    @Test
    void leaveWaitsForGraceAndRejoinCancelsIt() throws Exception {
        await(store.join(N1, "c1", "ann", "r1", Map.of(), T0));
        next(PresenceEvent.Join.class);
        await(store.leave(N1, "c1", "r1", T0 + 10_000));
        await(store.leave(N1, "c1", "r1", T0 + 10_000)); // repeated: idempotent
        assertEquals(0, await(store.expireDue(T0 + 9_999)));
        assertQuietThenSentinel("s1");
        assertEquals(1, await(store.snapshot(Channel.room("r1"), List.of())).members().stream()
                .filter(m -> m.userId().equals("ann") && m.connections() == 0).count(), "still a member during grace");

        await(store.join(N1, "c2", "ann", "r1", Map.of(), T0 + 5_000)); // came back within grace
        assertEquals(0, await(store.expireDue(T0 + 20_000)));
        assertQuietThenSentinel("s2");

        await(store.leave(N1, "c2", "r1", T0 + 30_000));
        assertEquals(1, await(store.expireDue(T0 + 30_000)));
        PresenceEvent.Leave l = next(PresenceEvent.Leave.class);
        assertEquals("ann", l.userId());
        assertFalse(await(store.snapshot(Channel.room("r1"), List.of())).members().stream()
                .anyMatch(m -> m.userId().equals("ann")));
    }

    @Test
    void lastConnectionGoneMeansOfflineAfterGrace() throws Exception {
        await(store.connect(N1, "c1", "bob", T0));
        assertEquals(UserStatus.ONLINE, next(PresenceEvent.Status.class).status());
        await(store.connect(N1, "c2", "bob", T0));
        await(store.disconnect(N1, "c1", T0 + 10_000));
        await(store.disconnect(N1, "c2", T0 + 10_000));
        await(store.connect(N1, "c3", "bob", T0 + 1_000)); // reconnect within grace
        await(store.disconnect(N1, "c3", T0 + 12_000));
        assertEquals(0, await(store.expireDue(T0 + 11_000)));
        assertQuietThenSentinel("s1");
        await(store.expireDue(T0 + 12_000));
        PresenceEvent.Status off = next(PresenceEvent.Status.class);
        assertEquals("bob", off.userId());
        assertEquals(UserStatus.OFFLINE, off.status());
        assertEquals(T0 + 12_000, off.lastSeen());
        UserPresence p = await(store.snapshot(Channel.USERS, List.of("bob", "nobody"))).users().get(0);
        assertEquals(UserStatus.OFFLINE, p.status());
        assertEquals(T0 + 12_000, p.lastSeen());
        UserPresence nobody = await(store.snapshot(Channel.USERS, List.of("bob", "nobody"))).users().get(1);
        assertEquals(new UserPresence("nobody", UserStatus.OFFLINE, 0, 0), nobody);
    }

    @Test
    void statusGoesToTheUsersLogAndToEachRoomOfTheUser() throws Exception {
        await(store.connect(N1, "c1", "cat", T0));
        next(PresenceEvent.Status.class);
        await(store.join(N1, "c1", "cat", "r1", Map.of(), T0));
        next(PresenceEvent.Join.class);
        await(store.setStatus("cat", UserStatus.AWAY, T0 + 1));
        PresenceEvent.Status a = next(PresenceEvent.Status.class);
        PresenceEvent.Status b = next(PresenceEvent.Status.class);
        assertEquals(UserStatus.AWAY, a.status());
        assertEquals(UserStatus.AWAY, b.status());
        assertEquals(java.util.Set.of(Channel.USERS, Channel.room("r1")), java.util.Set.of(a.channel(), b.channel()));
        await(store.setStatus("cat", UserStatus.AWAY, T0 + 2)); // unchanged: no event
        await(store.setStatus("nobody", UserStatus.AWAY, T0 + 2)); // not connected: ignored
        assertQuietThenSentinel("s1");
        assertThrows(IllegalArgumentException.class, () -> await(store.setStatus("cat", UserStatus.OFFLINE, T0)));
        assertEquals(UserStatus.AWAY, await(store.snapshot(Channel.room("r1"), List.of())).members().stream()
                .filter(m -> m.userId().equals("cat")).findFirst().orElseThrow().status());
    }

    @Test
    void historyReplaysWithinTheBoundAndNotAcrossEpochs() throws Exception {
        PresenceEvent.Snapshot start = await(store.snapshot(Channel.room("r1"), List.of()));
        for (int i = 0; i < 3; i++) {
            await(store.join(N1, "c" + i, "u" + i, "r1", Map.of(), T0));
        }
        History h = await(store.history(Channel.room("r1"), start.id()));
        assertTrue(h.recoverable());
        assertEquals(List.of("u0", "u1", "u2"), h.events().stream().map(e -> ((PresenceEvent.Join) e).userId()).toList());
        assertEquals(start.id().offset() + 1, h.events().get(0).id().offset());
        EventId last = h.events().get(2).id();
        History none = await(store.history(Channel.room("r1"), last));
        assertTrue(none.recoverable());
        assertTrue(none.events().isEmpty());
        assertFalse(await(store.history(Channel.room("r1"), new EventId("otherepoch", 1))).recoverable());
        assertFalse(await(store.history(Channel.room("r1"), new EventId(last.epoch(), last.offset() + 5))).recoverable());
        for (int i = 3; i < 3 + LOG_BOUND; i++) {
            await(store.join(N1, "c" + i, "u" + i, "r1", Map.of(), T0));
        }
        assertFalse(await(store.history(Channel.room("r1"), start.id())).recoverable(), "trimmed out of the bounded log");
        History tail = await(store.history(Channel.room("r1"), new EventId(last.epoch(), last.offset() + 3)));
        assertTrue(tail.recoverable());
        assertEquals(LOG_BOUND - 3, tail.events().size());
    }

    @Test
    void usersLogHasHistoryToo() throws Exception {
        PresenceEvent.Snapshot s = await(store.snapshot(Channel.USERS, List.of("dan")));
        assertEquals(UserStatus.OFFLINE, s.users().get(0).status());
        await(store.connect(N1, "c1", "dan", T0));
        History h = await(store.history(Channel.USERS, s.id()));
        assertTrue(h.recoverable());
        PresenceEvent.Status st = assertInstanceOf(PresenceEvent.Status.class, h.events().get(0));
        assertEquals("dan", st.userId());
        assertEquals(UserStatus.ONLINE, st.status());
        assertEquals(T0, st.lastSeen());
    }

    @Test
    void nodeLeasesAreClaimedOnceAndListTheNodesConnections() throws Exception {
        assertTrue(await(store.heartbeat("a", T0 + 1_000)));
        assertFalse(await(store.heartbeat("a", T0 + 2_000)));
        assertTrue(await(store.heartbeat("b", T0 + 3_000)));
        await(store.connect("a", "ca1", "ann", T0));
        await(store.join("a", "ca1", "ann", "r1", Map.of(), T0));
        await(store.join("a", "ca1", "ann", "r2", Map.of(), T0));
        await(store.connect("a", "ca2", "bob", T0));
        await(store.connect("b", "cb1", "cat", T0));

        assertEquals(List.of(), await(store.claimExpiredNodes(T0 + 1_500, T0 + 5_000)));
        assertEquals(List.of("a"), await(store.claimExpiredNodes(T0 + 2_500, T0 + 5_000)));
        assertEquals(List.of(), await(store.claimExpiredNodes(T0 + 2_600, T0 + 5_000)), "a is held by its claimer");
        assertEquals(List.of("b"), await(store.claimExpiredNodes(T0 + 3_500, T0 + 5_000)));
        assertEquals(List.of("a", "b"), await(store.claimExpiredNodes(T0 + 6_000, T0 + 9_000)).stream().sorted().toList(),
                "a claimer that died is replaced after claimUntil");

        List<NodeConnection> conns = await(store.nodeConnections("a")).stream()
                .sorted(java.util.Comparator.comparing(NodeConnection::connectionId)).toList();
        assertEquals(List.of(new NodeConnection("ca1", "ann", java.util.Set.of("r1", "r2")),
                new NodeConnection("ca2", "bob", java.util.Set.of())), conns);
        await(store.leave("a", "ca1", "r2", T0));
        await(store.disconnect("a", "ca2", T0));
        assertEquals(List.of(new NodeConnection("ca1", "ann", java.util.Set.of("r1"))), await(store.nodeConnections("a")));

        await(store.removeNode("a"));
        assertEquals(List.of(), await(store.nodeConnections("a")));
        assertTrue(await(store.heartbeat("a", T0 + 20_000)), "a removed node re-registers");
    }

    @Test
    void userComesBackOnlineWithChosenStatusResetAfterOffline() throws Exception {
        await(store.connect(N1, "c1", "eve", T0));
        next(PresenceEvent.Status.class);
        await(store.setStatus("eve", UserStatus.AWAY, T0));
        next(PresenceEvent.Status.class);
        await(store.disconnect(N1, "c1", T0 + 10));
        await(store.expireDue(T0 + 10));
        assertEquals(UserStatus.OFFLINE, next(PresenceEvent.Status.class).status());
        await(store.connect(N1, "c2", "eve", T0 + 20));
        PresenceEvent.Status on = next(PresenceEvent.Status.class);
        assertEquals(UserStatus.ONLINE, on.status());
        assertEquals(T0 + 20, on.lastSeen());
    }
}
