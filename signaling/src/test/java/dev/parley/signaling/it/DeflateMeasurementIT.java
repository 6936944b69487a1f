package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.signaling.SignalingConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What permessage-deflate saves and costs on real SDP: relays a captured Chromium 156 offer
 * (audio + video + data, 5.9 KB) as signal messages with and without the extension and reads the
 * bytes Jetty's connector sent and received. Prints a line for README.md.
 */
class DeflateMeasurementIT {

    private static final int N = 200;

    private record Run(long bytesOnWire, long millis) { }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void deflateShrinksSdpSignals() throws Exception {
        String sdp;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/chromium-offer.sdp")) {
            sdp = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        run(sdp, false); // warm-up
        run(sdp, true);
        Run plain = run(sdp, false);
        Run deflate = run(sdp, true);
        double ratio = (double) deflate.bytesOnWire() / plain.bytesOnWire();
        java.util.zip.Deflater d = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        byte[] one = fresh(sdp, new java.util.Random(1)).getBytes(StandardCharsets.UTF_8);
        d.setInput(one);
        d.finish();
        byte[] buf = new byte[one.length];
        int alone = d.deflate(buf);
        d.end();
        System.out.printf("permessage-deflate: a single offer alone (no context): %d B -> %d B (%.0f %%)%n",
                one.length, alone, 100.0 * alone / one.length);
        System.out.printf("permessage-deflate: %d offers of %d B: %d B on the wire plain, %d B deflated (%.0f %%), "
                        + "%d ms vs %d ms for the whole exchange%n", N, sdp.length(), plain.bytesOnWire(),
                deflate.bytesOnWire(), ratio * 100, plain.millis(), deflate.millis());
        assertTrue(ratio < 0.6, "deflate should at least halve SDP traffic, got " + ratio);
    }

    private Run run(String sdp, boolean deflate) throws Exception {
        TestServer server = TestServer.devMode(SignalingConfig.defaults());
        long ms;
        try (server) {
            WebSocketClient client = new WebSocketClient();
            client.start();
            try {
                RecordingClient a = connect(client, server, deflate);
                RecordingClient b = connect(client, server, deflate);
                a.hello();
                String pb = b.hello().path("peerId").asText();
                a.send("{\"t\":\"join\",\"room\":\"m\"}");
                a.expect("joined");
                b.send("{\"t\":\"join\",\"room\":\"m\"}");
                b.expect("joined");
                a.expect("peer-joined");
                java.util.Random random = new java.util.Random(42);
                String[] texts = new String[N];
                for (int i = 0; i < N; i++) {
                    ObjectNode msg = RecordingClient.JSON.createObjectNode().put("t", "signal").put("to", pb).put("kind", "offer");
                    msg.putObject("data").put("type", "offer").put("sdp", fresh(sdp, random));
                    texts[i] = msg.toString();
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < N; i++) {
                    a.send(texts[i]);
                    if (i % 50 == 49) {
                        for (int k = 0; k < 50; k++) {
                            assertEquals(sdp.length(), b.expect("signal").path("data").path("sdp").asText().length());
                        }
                    }
                }
                ms = (System.nanoTime() - t0) / 1_000_000;
                a.close();
                b.close();
                a.awaitClose();
                b.awaitClose();
            } finally {
                client.stop();
            }
        }
        // the connector's statistics count a connection's bytes when it closes: read them after the stop
        return new Run(server.statistics.getReceivedBytes() + server.statistics.getSentBytes(), ms);
    }

    /** Every real offer differs in session id, ICE credentials, DTLS fingerprint and SSRCs: vary them. */
    static String fresh(String sdp, java.util.Random random) {
        StringBuilder out = new StringBuilder(sdp.length());
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(o=- )(\\d+)|(ice-ufrag:)(\\S+)|(ice-pwd:)(\\S+)|(sha-256 )(\\S+)|(ssrc:)(\\d+)|(msid:\\S* |msid-semantic: WMS )(\\S+)")
                .matcher(sdp);
        while (m.find()) {
            int g = 1;
            while (m.group(g) == null) {
                g += 2;
            }
            String old = m.group(g + 1);
            StringBuilder r = new StringBuilder();
            for (int i = 0; i < old.length(); i++) {
                char c = old.charAt(i);
                r.append(Character.isDigit(c) ? (char) ('0' + random.nextInt(10))
                        : c == ':' ? ':' : Character.isLetterOrDigit(c) ? (char) ('A' + random.nextInt(26)) : c);
            }
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(m.group(g) + r));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static RecordingClient connect(WebSocketClient client, TestServer server, boolean deflate) throws Exception {
        RecordingClient rc = new RecordingClient();
        ClientUpgradeRequest req = new ClientUpgradeRequest(server.ws("/v1/signal"));
        if (deflate) {
            req.addExtensions("permessage-deflate");
        }
        client.connect(rc, req).get(10, TimeUnit.SECONDS);
        return rc;
    }
}
