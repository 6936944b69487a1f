package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.signaling.SignalingConfig;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Indicative numbers for README.md: latency of one relay fanned out to 4 members, one message at a
 * time (no queueing), client and server in one JVM on loopback. Bounded: 2,000 messages.
 */
class RelayLatencyIT {

    private static final int WARMUP = 500;
    private static final int N = 2000;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void relayFanOutLatency() throws Exception {
        try (TestServer server = TestServer.devMode(SignalingConfig.defaults().withLimits(100_000, 100_000, 16, 256, 1000))) {
            WebSocketClient client = new WebSocketClient();
            client.start();
            try {
                RecordingClient sender = RecordingClient.connect(client, server.ws("/v1/signal"));
                RecordingClient[] receivers = new RecordingClient[4];
                sender.hello();
                sender.send("{\"t\":\"join\",\"room\":\"lat\"}");
                sender.expect("joined");
                for (int i = 0; i < receivers.length; i++) {
                    receivers[i] = RecordingClient.connect(client, server.ws("/v1/signal"));
                    receivers[i].hello();
                    receivers[i].send("{\"t\":\"join\",\"room\":\"lat\"}");
                    receivers[i].expect("joined");
                }
                for (RecordingClient r : receivers) {
                    r.messages.clear();
                }
                sender.messages.clear();
                long[] nanos = new long[N];
                for (int i = -WARMUP; i < N; i++) {
                    long t0 = System.nanoTime();
                    sender.send("{\"t\":\"relay\",\"room\":\"lat\",\"ch\":\"c\",\"d\":" + i + "}");
                    for (RecordingClient r : receivers) {
                        JsonNode m = r.await("relay");
                        assertEquals(i, m.path("d").asInt());
                    }
                    if (i >= 0) {
                        nanos[i] = System.nanoTime() - t0;
                    }
                }
                Arrays.sort(nanos);
                System.out.printf("relay to 4 members, one at a time, in-JVM client: p50 %d µs, p99 %d µs, max %d µs (n=%d)%n",
                        nanos[N / 2] / 1000, nanos[N * 99 / 100] / 1000, nanos[N - 1] / 1000, N);
                assertTrue(nanos[N / 2] > 0);
                sender.close();
                for (RecordingClient r : receivers) {
                    r.close();
                }
            } finally {
                client.stop();
            }
        }
    }
}
