package dev.parley.server.cluster;

import dev.parley.server.ParleyNode;
import dev.parley.server.config.ParleyConfig;
import dev.parley.server.support.JsonSocket;
import dev.parley.server.support.SseReader;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An in-process node on 127.0.0.1 with ephemeral ports; {@code extraArgs} add flags (e.g. --redis). */
final class InProcessNode implements AutoCloseable {

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

    final ParleyNode node;
    final int port;

    InProcessNode(String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--bind", "127.0.0.1", "--http-port", "0",
                "--turn-port", "0", "--turns-port", "0", "--relay-ip", "127.0.0.1", "--drain-timeout", "2s"));
        args.addAll(List.of(extraArgs));
        node = new ParleyNode(ParleyConfig.parse(args, Map.of()));
        node.start();
        port = node.httpAddress().getPort();
    }

    URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/v1/signal");
    }

    URI http(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    SseReader roomStream(String room) throws Exception {
        return SseReader.open(http("/v1/presence/stream?room=" + URLEncoder.encode(room, StandardCharsets.UTF_8)));
    }

    /** True when {@code /readyz} answers 200 (not draining, Redis store and cluster bus connected). */
    boolean ready() throws Exception {
        return HTTP.send(java.net.http.HttpRequest.newBuilder(http("/readyz")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    /** Opens a socket, says hello and waits for the welcome. */
    Peer connect() throws Exception {
        JsonSocket s = JsonSocket.open(ws());
        s.send("{\"t\":\"hello\"}");
        return new Peer(s, s.await("welcome"));
    }

    @Override
    public void close() {
        node.close();
    }
}
