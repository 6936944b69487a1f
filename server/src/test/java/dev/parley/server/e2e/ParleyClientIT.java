package dev.parley.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.auth.TokenVerifier;
import dev.parley.server.ParleyNode;
import dev.parley.server.config.ParleyConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * web-demo's parley-client.js, exactly as a node serves it, against a real node on 127.0.0.1: run
 * in Node 20 with the {@code ws} package (src/test/browser/client-protocol.mjs). Checks welcome and
 * TURN credentials, roster and polite flags, signal routing, errors as events, ping and ICE refresh,
 * resume after an abrupt drop (missed signals replayed once, in order; a signal queued while
 * disconnected delivered), a refused resume (fresh session, room joined again), close with bye,
 * capped backoff with jitter, and bye{reconnect} when the node drains; and against a node with an
 * auth secret, a token from a provider function, and no reconnect loop after the 1008 refusal.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ParleyClientIT {

    private static final Path LOG = Path.of("target", "e2e", "client-protocol.log").toAbsolutePath();
    private static final Path AUTH_LOG = Path.of("target", "e2e", "client-auth.log").toAbsolutePath();
    private static final String SECRET = "parley-client-it-secret-0123456789abcdef";

    @Test
    void clientUsesATokenAndStopsForGoodWhenRefused() throws Exception {
        Tools.requireNpmPackage("ws");
        ParleyNode node = new ParleyNode(ParleyConfig.parse(List.of("serve", "--bind", "127.0.0.1", "--http-port", "0",
                "--turn-port", "0", "--turns-port", "0", "--relay-ip", "127.0.0.1", "--drain-timeout", "1s",
                "--auth-secret", SECRET), Map.of()));
        try (node) {
            node.start();
            String token = TokenVerifier.of(SECRET, Clock.systemUTC()).mint("alice", null, false, false, Duration.ofMinutes(5));
            String base = "http://127.0.0.1:" + node.httpAddress().getPort();
            try (LoggedProcess script = LoggedProcess.start("client-auth",
                    List.of(Tools.which("node"), "client-protocol.mjs", base, "--token", token), Tools.BROWSER_DIR, AUTH_LOG)) {
                int exit = script.awaitExit(Duration.ofSeconds(40));
                String out = script.output();
                assertEquals(0, exit, "client-protocol.mjs --token failed:\n" + out);
                assertTrue(out.lines().anyMatch("PASS"::equals), out);
            }
        }
    }

    @Test
    void clientSpeaksTheNativeProtocolAndSurvivesDrops() throws Exception {
        Tools.requireNpmPackage("ws");
        ParleyNode node = new ParleyNode(ParleyConfig.parse(List.of("serve", "--bind", "127.0.0.1", "--http-port", "0",
                "--turn-port", "0", "--turns-port", "0", "--relay-ip", "127.0.0.1", "--drain-timeout", "2s"), Map.of()));
        try (node) {
            node.start();
            String base = "http://127.0.0.1:" + node.httpAddress().getPort();
            try (LoggedProcess script = LoggedProcess.start("client-protocol",
                    List.of(Tools.which("node"), "client-protocol.mjs", base), Tools.BROWSER_DIR, LOG)) {
                script.awaitLine(l -> l.equals("DRAIN-ME"), Duration.ofSeconds(60));
                node.shutdown(Duration.ofSeconds(2)); // graceful: every client gets bye{reconnect}
                int exit = script.awaitExit(Duration.ofSeconds(30));
                String out = script.output();
                assertEquals(0, exit, "client-protocol.mjs failed:\n" + out);
                assertTrue(out.lines().anyMatch("PASS"::equals), out);
                System.out.println(out);
            }
        }
    }
}
