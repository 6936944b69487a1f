package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.auth.OriginPolicy;
import dev.parley.auth.TokenVerifier;
import dev.parley.signaling.SignalingConfig;
import dev.parley.signaling.ice.TurnRestIceServers;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TURN REST credentials a welcome carries work with an independent TURN server: the call
 * page with {@code iceTransportPolicy: 'relay'} connects through coturn (started with the same
 * secret) in two headless Chromium pages; with a wrong secret TURN answers 401 and the call
 * never connects.
 */
class CoturnCallIT {

    private static final String SECRET = "shared-turn-secret-for-the-coturn-test";

    private static TestServer serverFor(Coturn coturn, String secret) throws Exception {
        var ice = new TurnRestIceServers(List.of(), List.of("turn:127.0.0.1:" + coturn.port + "?transport=udp",
                "turn:127.0.0.1:" + coturn.port + "?transport=tcp"), secret, Duration.ofMinutes(10), Clock.systemUTC());
        return new TestServer(SignalingConfig.defaults(), TokenVerifier.devMode(), OriginPolicy.of(List.of()), ice);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void relayOnlyCallConnectsThroughCoturnWithMintedCredentials() throws Exception {
        try (Coturn coturn = new Coturn(SECRET); TestServer server = serverFor(coturn, SECRET)) {
            NodeProject.Result r = NodeProject.node(150, "call-chromium.mjs", "http://127.0.0.1:" + server.port(),
                    "&relay=1", "relay");
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("PASS"), r.output());
            System.out.println(r.output().trim());
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void wrongSecretIsRefusedWith401() throws Exception {
        try (Coturn coturn = new Coturn(SECRET); TestServer server = serverFor(coturn, "not-the-relay-secret")) {
            NodeProject.Result r = NodeProject.node(150, "call-chromium.mjs", "http://127.0.0.1:" + server.port(),
                    "&relay=1", "refused");
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("PASS"), r.output());
            System.out.println(r.output().trim());
        }
    }
}
