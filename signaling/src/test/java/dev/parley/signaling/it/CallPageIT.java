package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.signaling.SignalingConfig;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The web-demo call page (call.html + parley-client.js) in two headless Chromium pages with fake
 * media against a real signaling server: perfect negotiation, a data-channel message each way,
 * 30+ decoded video frames. On loopback, without TURN (the relay e2e in network namespaces needs
 * the stun-turn module and lives with the server module).
 */
class CallPageIT {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void twoBrowsersCallEachOther() throws Exception {
        assertTrue(Files.isDirectory(TestServer.DEMO), "web-demo sources not found at " + TestServer.DEMO);
        try (TestServer server = TestServer.devMode(SignalingConfig.defaults())) {
            NodeProject.Result r = NodeProject.node(150, "call-chromium.mjs", "http://127.0.0.1:" + server.port());
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("PASS"), r.output());
            System.out.println(r.output().trim());
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void parleyClientResumesAfterAnAbruptDrop() throws Exception {
        try (TestServer server = TestServer.devMode(SignalingConfig.defaults())) {
            NodeProject.Result r = NodeProject.node(60, "parley-client-resume.mjs", server.ws("/v1/signal").toString(),
                    TestServer.DEMO.resolve("parley-client.js").toString());
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("PASS"), r.output());
            System.out.println(r.output().trim());
        }
    }
}
