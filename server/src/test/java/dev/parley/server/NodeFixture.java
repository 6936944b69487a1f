package dev.parley.server;

import dev.parley.server.config.ParleyConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts an in-process node on 127.0.0.1 with every port ephemeral; closes it after the test. */
final class NodeFixture implements AutoCloseable {

    final ParleyNode node;
    final URI base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    NodeFixture(String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--bind", "127.0.0.1", "--http-port", "0",
                "--turn-port", "0", "--turns-port", "0", "--relay-ip", "127.0.0.1", "--drain-timeout", "2s"));
        args.addAll(List.of(extraArgs));
        node = new ParleyNode(ParleyConfig.parse(args, Map.of()));
        node.start();
        base = URI.create("http://127.0.0.1:" + node.httpAddress().getPort());
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        node.close();
    }
}
