package dev.parley.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParleyConfigTest {

    private static ParleyConfig parse(Map<String, String> env, String... args) {
        return ParleyConfig.parse(List.of(args), env);
    }

    private static String problem(Map<String, String> env, String... args) {
        return assertThrows(ConfigException.class, () -> parse(env, args)).getMessage();
    }

    @Test
    void defaultsMatchTheContract() {
        ParleyConfig c = parse(Map.of(), "serve");
        assertEquals(Mode.SERVE, c.mode());
        assertEquals(8080, c.httpPort());
        assertEquals("0.0.0.0", c.bind().getHostAddress());
        assertEquals(3478, c.turnPort());
        assertEquals(5349, c.turnsPort());
        assertEquals(49152, c.relayPortMin());
        assertEquals(65535, c.relayPortMax());
        assertEquals("parley", c.realm());
        assertTrue(c.turnSecrets().isEmpty());
        assertNull(c.redis());
        assertTrue(c.devMode());
        assertFalse(c.allowLoopbackPeers());
        assertEquals(Duration.ofSeconds(10), c.drainTimeout());
        assertEquals("info", c.logLevel());
    }

    @Test
    void flagBeatsEnvironmentBeatsFileBeatsDefault(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("parley.properties");
        Files.writeString(file, "http-port=7000\nturn-port=7001\nrealm=file\nlog-level=debug\n");
        Map<String, String> env = Map.of("PARLEY_CONFIG", file.toString(), "PARLEY_HTTP_PORT", "7100",
                "PARLEY_TURN_PORT", "7101");
        ParleyConfig c = parse(env, "serve", "--http-port", "7200");
        assertEquals(7200, c.httpPort());
        assertEquals(7101, c.turnPort());
        assertEquals("file", c.realm());
        assertEquals("debug", c.logLevel());
    }

    @Test
    void repeatableFlagsCollectAndEnvironmentSplitsOnCommas() {
        ParleyConfig c = parse(Map.of("PARLEY_TURN_SECRET", "a, b"), "serve",
                "--turn-user", "alice:pw1", "--turn-user=bob:pw:2", "--allow-peer", "10.1.0.0/16", "--allow-peer", "fd00::1");
        assertEquals(List.of("a", "b"), c.turnSecrets());
        assertEquals(Map.of("alice", "pw1", "bob", "pw:2"), c.turnUsers());
        assertEquals(List.of("10.1.0.0/16", "fd00:0:0:0:0:0:0:1/128"), c.allowPeers());
    }

    @Test
    void switchesAndDurations() {
        ParleyConfig c = parse(Map.of(), "turn", "--allow-loopback-peers", "--drain-timeout", "1500ms", "--ice-ttl", "2h",
                "--relay-ports", "40000-40100", "--turns-port", "-1");
        assertEquals(Mode.TURN, c.mode());
        assertTrue(c.allowLoopbackPeers());
        assertEquals(Duration.ofMillis(1500), c.drainTimeout());
        assertEquals(Duration.ofHours(2), c.iceTtl());
        assertEquals(40000, c.relayPortMin());
        assertEquals(-1, c.turnsPort());
    }

    @Test
    void yWebsocketCompactionThreshold() {
        assertEquals(1000, parse(Map.of(), "serve").ywebsocketCompactAfter());
        assertEquals(0, parse(Map.of(), "serve", "--ywebsocket-compact-after", "0").ywebsocketCompactAfter());
        assertEquals(50, parse(Map.of("PARLEY_YWEBSOCKET_COMPACT_AFTER", "50"), "serve").ywebsocketCompactAfter());
        assertEquals("--ywebsocket-compact-after: '1' must be 0 (never) or at least 2",
                problem(Map.of(), "serve", "--ywebsocket-compact-after", "1"));
    }

    @Test
    void eachBadValueNamesItsFlag() {
        Map<String, String> none = Map.of();
        assertEquals("--bogus: unknown flag (see --help)", problem(none, "serve", "--bogus"));
        assertEquals("--http-port: '70000' is not a port (0-65535)", problem(none, "serve", "--http-port", "70000"));
        assertEquals("--http-port: 'abc' is not a whole number", problem(none, "serve", "--http-port", "abc"));
        assertTrue(problem(none, "serve", "--allow-peer", "10.0.0.0/33").startsWith("--allow-peer:"));
        assertTrue(problem(none, "serve", "--allow-peer", "example.com").startsWith("--allow-peer:"));
        assertTrue(problem(none, "serve", "--relay-ports", "6000-5000").startsWith("--relay-ports:"));
        assertTrue(problem(none, "serve", "--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key")
                .startsWith("--tls-cert: cannot read"));
        assertTrue(problem(none, "serve", "--auth-secret", "short").startsWith("--auth-secret:"));
        assertTrue(problem(none, "serve", "--redis", "http://x").startsWith("--redis:"));
        assertTrue(problem(none, "serve", "--log-level", "loud").startsWith("--log-level:"));
        assertTrue(problem(none, "serve", "--turn-user", "nopassword").startsWith("--turn-user:"));
        assertTrue(problem(none, "serve", "--http-port").startsWith("--http-port: needs a value"));
        assertTrue(problem(none, "serve", "--http-port", "1", "--http-port", "2").startsWith("--http-port: given more"));
        assertTrue(problem(none, "serve", "--drain-timeout", "soon").startsWith("--drain-timeout:"));
        assertTrue(problem(Map.of("PARLEY_HTTP_PORT", "-5"), "serve").startsWith("--http-port:"));
        assertTrue(problem(none, "launch").contains("unknown command"));
        assertTrue(problem(none, "serve", "stray").contains("unexpected argument"));
    }

    @Test
    void configFileProblemsNameTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "no-such-setting=1\n");
        assertTrue(problem(Map.of(), "serve", "--config", file.toString()).contains("unknown setting 'no-such-setting'"));
        assertTrue(problem(Map.of(), "serve", "--config", dir.resolve("missing").toString()).startsWith("--config: cannot read"));
    }

    @Test
    void everyFlagHasAnEnvironmentVariable() {
        for (Flag f : Flags.ALL) {
            assertTrue(f.envVar().matches("PARLEY_[A-Z_]+"), f.name());
        }
    }

    @Test
    void signalingLimitsAndIceUrlsAreMapped() {
        ParleyConfig c = parse(Map.of("PARLEY_SIGNAL_MAX_PEERS", "8"), "serve", "--signal-heartbeat", "5s",
                "--signal-resume-grace", "30s", "--max-connections", "100", "--peerjs-discovery",
                "--ice-url", "turn:turn.example.com:3478?transport=udp", "--ice-url", "stun:turn.example.com");
        assertEquals(Duration.ofSeconds(5), c.signaling().heartbeat());
        assertEquals(Duration.ofSeconds(30), c.signaling().resumeGrace());
        assertEquals(8, c.signaling().maxPeersPerRoom());
        assertEquals(100, c.signaling().maxConnections());
        assertTrue(c.signaling().peerjsDiscovery());
        assertEquals(List.of("turn:turn.example.com:3478?transport=udp", "stun:turn.example.com"), c.iceUrls());
        assertTrue(problem(Map.of(), "serve", "--ice-url", "http://x").startsWith("--ice-url:"));
        assertTrue(problem(Map.of(), "serve", "--signal-max-frame", "10").startsWith("signaling limits:"));
        assertTrue(problem(Map.of(), "serve", "--signal-rate", "0").startsWith("--signal-rate:"));
    }
}
