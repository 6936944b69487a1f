package dev.parley.signaling.compat.ywebsocket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.signaling.compat.ywebsocket.YWebsocketConfig;
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
