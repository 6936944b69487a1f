package dev.parley.signaling.compat.ywebsocket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.signaling.compat.ywebsocket.YWebsocketConfig;
import dev.parley.signaling.compat.ywebsocket.room.DocRoom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The unmodified npm y-websocket client (3.x, `ws` as its WebSocket, BroadcastChannel disabled)
 * against the relay on a real Jetty: convergence, late joiner, awareness removal when a peer dies,
 * a document surviving a node restart through a real redis-server, read-only tokens, size limit.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class YWebsocketNodeIT {

    @BeforeAll
    static void nodeInstalled() throws Exception {
        NodeClient.ensureInstalled();
    }

    private static void ok(NodeClient.Result r, String scenario) {
        assertEquals(0, r.exit(), scenario + " failed:\n" + r.output());
        assertTrue(r.output().contains("OK " + scenario), r.output());
    }

    @Test
    void twoClientsConverge() throws Exception {
        try (YWebsocketTestServer s = YWebsocketTestServer.devMode(YWebsocketConfig.defaults())) {
            ok(NodeClient.scenario("converge", s.baseUrl()), "converge");
            assertTrue(s.counter("parley.signaling.ywebsocket.document.updates") >= 40);
        }
    }

    @Test
    void lateJoinerGetsTheWholeDocument() throws Exception {
        try (YWebsocketTestServer s = YWebsocketTestServer.devMode(YWebsocketConfig.defaults())) {
            ok(NodeClient.scenario("latejoin", s.baseUrl()), "latejoin");
        }
    }

    @Test
    void awarenessIsRemovedWhenAPeerDies() throws Exception {
        try (YWebsocketTestServer s = YWebsocketTestServer.devMode(YWebsocketConfig.defaults())) {
            ok(NodeClient.scenario("awareness", s.baseUrl()), "awareness");
        }
    }

    @Test
    void documentSurvivesANodeRestartWithRedis() throws Exception {
        try (RedisFixture redis = new RedisFixture()) {
            YWebsocketConfig config = YWebsocketConfig.defaults().withRedis(redis.uri()).withIdleRetention(Duration.ZERO);
            String room = "restart-" + ProcessHandle.current().pid();
            String text = "survives a restart ✓";
            try (YWebsocketTestServer s = YWebsocketTestServer.devMode(config)) {
                ok(NodeClient.scenario("write", s.baseUrl(), room, text), "write");
            }
            try (YWebsocketTestServer s = YWebsocketTestServer.devMode(config)) {
                ok(NodeClient.scenario("read", s.baseUrl(), room, text), "read");
            }
        }
    }

    @Test
    void manyEditsAreCompactedAndALateJoinerStillGetsTheIdenticalDocument() throws Exception {
        try (YWebsocketTestServer s = YWebsocketTestServer.devMode(YWebsocketConfig.defaults().withCompactAfterUpdates(50))) {
            String room = "compact-" + ProcessHandle.current().pid();
            ok(NodeClient.scenario("compact", s.baseUrl(), room, "300"), "compact");
            double stored = s.counter("parley.signaling.ywebsocket.document.updates");
            double done = s.counter("parley.signaling.ywebsocket.compactions", "result", "done");
            DocRoom held = s.relay.rooms().get(room); // kept a while after the clients left (idle retention)
            int left = held.updateCount();
            System.out.printf("compaction: %.0f updates (%.0f bytes) stored, %.0f compactions, %d updates (%d bytes) held at "
                            + "the end, bytes before/after summed %.0f/%.0f, answers not used: %s%n", stored,
                    s.counter("parley.signaling.ywebsocket.document.bytes"), done, left, held.documentBytes(),
                    s.counter("parley.signaling.ywebsocket.compaction.bytes.before"),
                    s.counter("parley.signaling.ywebsocket.compaction.bytes.after"), notUsed(s));
            assertTrue(stored >= 720, "720 edits stored: " + stored);
            assertTrue(done >= 2, "compactions: " + done);
            assertTrue(left < 50, "the room still holds " + left + " updates (threshold 50)");
        }
    }

    @Test
    void aCompactedRoomSurvivesARestartWithRedis() throws Exception {
        try (RedisFixture redis = new RedisFixture()) {
            YWebsocketConfig config = YWebsocketConfig.defaults().withRedis(redis.uri())
                    .withIdleRetention(Duration.ZERO).withCompactAfterUpdates(50);
            String room = "compact-restart-" + ProcessHandle.current().pid();
            try (YWebsocketTestServer s = YWebsocketTestServer.devMode(config)) {
                ok(NodeClient.scenario("compact", s.baseUrl(), room, "300"), "compact");
                System.out.printf("compaction with Redis: %.0f in memory, %.0f in Redis, %.0f skipped there, "
                                + "answers not used: %s%n", s.counter("parley.signaling.ywebsocket.compactions", "result", "done"),
                        s.counter("parley.signaling.ywebsocket.store.compactions", "result", "done"),
                        s.counter("parley.signaling.ywebsocket.store.compactions", "result", "skipped"), notUsed(s));
                assertTrue(s.counter("parley.signaling.ywebsocket.store.compactions", "result", "done") >= 1,
                        "the Redis list was compacted");
            }
            long stored = redis.llen("parley:ydoc:" + room);
            System.out.println("compaction with Redis: the room's list holds " + stored + " entries for 725 updates");
            assertTrue(stored < 50, "Redis still holds " + stored + " of 725 updates (threshold 50)");
            try (YWebsocketTestServer s = YWebsocketTestServer.devMode(config)) {
                ok(NodeClient.scenario("compactread", s.baseUrl(), room, "300"), "compactread");
            }
        }
    }

    private static String notUsed(YWebsocketTestServer s) {
        StringBuilder b = new StringBuilder();
        for (String r : List.of("timeout", "disconnected", "malformed", "stale", "unknown-ids", "incomplete", "not-smaller")) {
            double n = s.counter("parley.signaling.ywebsocket.compactions", "result", r);
            if (n > 0) {
                b.append(r).append('=').append((long) n).append(' ');
            }
        }
        return b.length() == 0 ? "none" : b.toString().trim();
    }

    @Test
    void twoNodesSharingRedisAreOneRoom() throws Exception {
        try (RedisFixture redis = new RedisFixture()) {
            YWebsocketConfig config = YWebsocketConfig.defaults().withRedis(redis.uri());
            try (YWebsocketTestServer n1 = YWebsocketTestServer.devMode(config);
                 YWebsocketTestServer n2 = YWebsocketTestServer.devMode(config)) {
                ok(NodeClient.scenario("twonodes", n1.baseUrl(), n2.baseUrl()), "twonodes");
            }
        }
    }

    @Test
    void withoutRedisARestartLosesTheDocument() throws Exception {
        String room = "memory-" + ProcessHandle.current().pid();
        try (YWebsocketTestServer s = YWebsocketTestServer.devMode(YWebsocketConfig.defaults())) {
            ok(NodeClient.scenario("write", s.baseUrl(), room, "gone"), "write");
        }
        try (YWebsocketTestServer s = YWebsocketTestServer.devMode(YWebsocketConfig.defaults())) {
            NodeClient.Result r = NodeClient.scenario("read", s.baseUrl(), room, "gone");
            assertEquals(1, r.exit(), "the control run must not find the text:\n" + r.output());
        }
    }

    @Test
    void readOnlyTokensSyncButCannotWrite() throws Exception {
        try (YWebsocketTestServer s = YWebsocketTestServer.withAuth(YWebsocketConfig.defaults())) {
            String room = "ro";
            String writer = s.tokens.mint("writer", List.of(room), false, false, Duration.ofMinutes(5));
            String reader = s.tokens.mint("reader", List.of(room), true, false, Duration.ofMinutes(5));
            ok(NodeClient.scenario("readonly", s.baseUrl(), room, writer, reader), "readonly");
            assertTrue(s.counter("parley.signaling.ywebsocket.updates.refused", "reason", "read-only") >= 1);
        }
    }

    @Test
    void oversizeDocumentClosesWith4413() throws Exception {
        try (YWebsocketTestServer s = YWebsocketTestServer.devMode(YWebsocketConfig.defaults().withMaxDocumentBytes(4096))) {
            NodeClient.Result r = NodeClient.scenario("toolarge", s.baseUrl(), "big", "4096");
            ok(r, "toolarge");
            assertTrue(r.output().contains("4413"), r.output());
        }
    }
}
