package dev.parley.presence.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.presence.PresenceConfig;
import dev.parley.presence.testing.PresenceNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The same stream over cleartext HTTP/2 (java.net.http upgrades h2c): async I/O works per HTTP/2 stream. */
@Timeout(60)
class PresenceStreamHttp2IT {

    @Test
    void streamsOverHttp2() throws Exception {
        try (PresenceNode node = new PresenceNode(PresenceConfig.defaults("h2"), 0, true)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            // a first plain request performs the h2c upgrade; the stream then runs on the HTTP/2 connection
            http.send(HttpRequest.newBuilder(URI.create(node.url("/v1/presence/users?ids=x"))).build(),
                    HttpResponse.BodyHandlers.discarding());
            HttpResponse<InputStream> resp = http.send(HttpRequest.newBuilder(URI.create(node.url("/v1/presence/stream?room=h2"))).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(HttpClient.Version.HTTP_2, resp.version());
            try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
                assertEquals("event: snapshot", untilPrefix(r, "event:"));
                node.service.joinRoom("h2", "ann", "c1", Map.of()).toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertEquals("event: join", untilPrefix(r, "event:"));
                String data = untilPrefix(r, "data:");
                assertEquals("data: {\"room\":\"h2\",\"user\":\"ann\",\"meta\":{}}", data);
            }
        }
    }

    private static String untilPrefix(BufferedReader r, String prefix) throws java.io.IOException {
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("stream ended before " + prefix);
    }
}
