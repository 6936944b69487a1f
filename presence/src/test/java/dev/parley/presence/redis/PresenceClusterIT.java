package dev.parley.presence.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.presence.Health;
import dev.parley.presence.PresenceConfig;
import dev.parley.presence.model.UserStatus;
import dev.parley.presence.testing.PresenceNode;
import dev.parley.presence.testing.RedisServer;
import dev.parley.presence.testing.SseClient;
import dev.parley.presence.testing.SseEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two Parley presence nodes (real Jetty each) sharing one real redis-server; crashes and outages. */
@Timeout(90)
class PresenceClusterIT {

    private static final Duration GRACE = Duration.ofMillis(500);
    private static final Duration LEASE = Duration.ofMillis(900);

    private RedisServer redis;
    private final List<PresenceNode> nodes = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.started();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (PresenceNode n : nodes) {
            try {
                n.close();
            } catch (Exception e) {
                // already stopped by the test
            }
        }
        redis.close();
    }

    private PresenceNode node(String id, Duration grace) throws Exception {
        PresenceNode n = new PresenceNode(PresenceConfig.defaults(id).withRedis(redis.uri())
                .withTimes(grace, LEASE, Duration.ofSeconds(15)));
        nodes.add(n);
        return n;
    }

    private static void await(CompletionStage<?> s) throws Exception {
        s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void presenceIsClusterWide() throws Exception {
        PresenceNode a = node("a", GRACE);
        PresenceNode b = node("b", GRACE);
        try (SseClient onA = SseClient.open(a.url("/v1/presence/stream?room=r"));
             SseClient watchOnB = SseClient.open(b.url("/v1/presence/stream?user=bob"))) {
            onA.next("snapshot");
            watchOnB.next("snapshot");
            await(b.service.joinRoom("r", "bob", "b-1", Map.of("name", "Bob")));
            SseEvent join = onA.next("join");
            assertEquals("bob", join.user());
            assertEquals("Bob", join.json().get("meta").get("name").asText());
            await(a.service.joinRoom("r", "bob", "a-1", Map.of()));   // a second tab on another node: no event
            await(b.service.setStatus("bob", UserStatus.AWAY));
            assertEquals("away", onA.next("status").json().get("status").asText());
            assertEquals("online", watchOnB.next("status").json().get("status").asText());
            assertEquals("away", watchOnB.next("status").json().get("status").asText());
            await(b.service.disconnect("b-1"));
            await(a.service.leaveRoom("r", "a-1"));
            assertEquals("bob", onA.next("leave").user());
            assertTrue(a.service.room("r").toCompletableFuture().get(5, TimeUnit.SECONDS).members().isEmpty());
        }
    }

    @Test
    void crashedNodesUsersLeaveWithinLeaseTtlPlusGrace() throws Exception {
        PresenceNode a = node("a", GRACE);
        PresenceNode b = node("b", GRACE);
        try (SseClient onA = SseClient.open(a.url("/v1/presence/stream?room=r"));
             SseClient users = SseClient.open(a.url("/v1/presence/stream?user=b1,b2"))) {
            onA.next("snapshot");
            users.next("snapshot");
            await(b.service.joinRoom("r", "b1", "c1", Map.of()));
            await(b.service.joinRoom("r", "b2", "c2", Map.of()));
            await(a.service.joinRoom("r", "a1", "c3", Map.of()));
            RoomView view = new RoomView();
            view.awaitMembers(onA, Set.of("b1", "b2", "a1"), 15);

            long crashedAt = System.nanoTime();
            b.crash();
            view.awaitMembers(onA, Set.of("a1"), 20);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashedAt);
            // bound: lease TTL + grace + one tick to notice + slack for a loaded 2-core machine
            long bound = LEASE.toMillis() + GRACE.toMillis() + LEASE.toMillis() / 3 + 3000;
            assertTrue(ms <= bound, "leave after " + ms + " ms, bound " + bound);
            System.out.println("crashed node's users left after " + ms + " ms (lease " + LEASE.toMillis() + " + grace " + GRACE.toMillis() + ")");
            assertEquals(Set.of("b1", "b2"), Set.of(offline(users), offline(users)));
        }
    }

    private static String offline(SseClient users) throws InterruptedException {
        SseEvent e = users.until(x -> x.json().path("status").asText().equals("offline"), 20);
        return e.user();
    }

    @Test
    void gracefulStopDoesNotFlapUsersWhoReconnectElsewhere() throws Exception {
        Duration grace = Duration.ofSeconds(3);
        PresenceNode a = node("a", grace);
        PresenceNode b = node("b", grace);
        try (SseClient onA = SseClient.open(a.url("/v1/presence/stream?room=r"));
             SseClient onB = SseClient.open(b.url("/v1/presence/stream?room=r"))) {
            onA.next("snapshot");
            onB.next("snapshot");
            for (String u : List.of("m1", "m2", "gone")) {
                await(b.service.joinRoom("r", u, "b-" + u, Map.of()));
            }
            RoomView view = new RoomView();
            view.awaitMembers(onA, Set.of("m1", "m2", "gone"), 15);

            b.close();
            assertTrue(onB.ended.await(10, TimeUnit.SECONDS), "B's SSE clients are told to reconnect (stream ends)");
            // m1 and m2 reconnect to A within the grace period; "gone" does not
            await(a.service.joinRoom("r", "m1", "a-m1", Map.of()));
            await(a.service.joinRoom("r", "m2", "a-m2", Map.of()));

            view.awaitMembers(onA, Set.of("m1", "m2"), 20);
            await(a.service.joinRoom("r", "marker", "a-marker", Map.of()));
            view.awaitMembers(onA, Set.of("m1", "m2", "marker"), 10);
            List<String> leaves = view.seen.stream().filter(e -> e.event().equals("leave")).map(SseEvent::user).toList();
            assertEquals(List.of("gone"), leaves, "no flap for users who came back within the grace period");
        }
    }

    @Test
    void redisKilledDuringTrafficAndRestartedConvergesToTheLiveState() throws Exception {
        PresenceNode a = node("a", GRACE);
        PresenceNode b = node("b", GRACE);
        LinkedBlockingQueue<Health> healthA = new LinkedBlockingQueue<>();
        a.service.addHealthListener(healthA::add);
        try (SseClient onA = SseClient.open(a.url("/v1/presence/stream?room=r"))) {
            onA.next("snapshot");
            await(a.service.joinRoom("r", "a1", "ca1", Map.of()));
            await(a.service.joinRoom("r", "a2", "ca2", Map.of()));
            await(b.service.joinRoom("r", "b1", "cb1", Map.of()));
            await(b.service.joinRoom("r", "b2", "cb2", Map.of()));
            RoomView view = new RoomView();
            view.awaitMembers(onA, Set.of("a1", "a2", "b1", "b2"), 15);

            redis.kill();
            Health down = healthA.poll(20, TimeUnit.SECONDS);
            assertTrue(down != null && down.degraded() && !down.ready(), "degraded while Redis is down: " + down);
            assertFalse(a.service.isReady());
            // traffic during the outage: the calls fail fast, the nodes keep their local truth
            a.service.disconnect("ca2");
            a.service.joinRoom("r", "a3", "ca3", Map.of());
            b.service.joinRoom("r", "b3", "cb3", Map.of());
            b.service.setStatus("b1", UserStatus.AWAY);

            redis.start();   // same port, empty: all history and state lost
            Health up = healthA.poll(30, TimeUnit.SECONDS);
            assertTrue(up != null && up.ready(), "ready again after Redis returned: " + up);
            view.awaitMembers(onA, Set.of("a1", "a3", "b1", "b2", "b3"), 30);
            assertTrue(view.freshSnapshots >= 1, "the stream's history was lost: a fresh snapshot was sent");
            assertTrue(a.service.isReady());
            // a new client sees the same, from either node
            try (SseClient late = SseClient.open(b.url("/v1/presence/stream?room=r"))) {
                SseEvent snap = late.next("snapshot");
                RoomView v2 = new RoomView();
                v2.apply(snap);
                v2.awaitMembers(late, Set.of("a1", "a3", "b1", "b2", "b3"), 15);
            }
            var status = b.service.users(List.of("b1", "a2")).toCompletableFuture().get(5, TimeUnit.SECONDS).users();
            assertEquals(UserStatus.AWAY, status.get(0).status(), "the chosen status was re-registered");
        }
    }
}
