package dev.parley.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The harness's smallest benchmark: keep-alive GETs of a tiny JSON health document from Parley's
 * {@code /healthz} and from a few-line Node {@code http} server answering the same body. It shows
 * the fixed cost of Parley's HTTP stack (Jetty, CORS filter, metrics) against a minimal server.
 */
final class HttpHealthBench implements Benchmark {

    static final Metric CPU = new Metric("server CPU per request", "µs", true);
    static final Metric RATE = new Metric("requests per second", "req/s", false);
    static final Metric P50 = new Metric("latency p50", "µs", true);
    static final Metric P99 = new Metric("latency p99", "µs", true);

    private static final String NODE_SERVER = """
            const port = +process.argv[1];
            require('http').createServer((req, res) => {
              res.writeHead(200, {'content-type': 'application/json', 'cache-control': 'no-store'});
              res.end('{"status":"alive"}\\n');
            }).listen(port, '127.0.0.1', () => console.log('listening ' + port));
            """;

    @Override
    public String name() {
        return "http-health";
    }

    @Override
    public String title() {
        return "HTTP health endpoint: Parley vs a minimal Node http server";
    }

    @Override
    public Result run(BenchOptions o) throws Exception {
        int requests = o.quick() ? 2_000 : 20_000;
        int clients = 4;
        Comparison c = new Comparison("Parley", "Node http");
        for (int round = 0; round < o.rounds(); round++) {
            for (Comparison.Side side : round % 2 == 0
                    ? List.of(Comparison.Side.OURS, Comparison.Side.ANCHOR)
                    : List.of(Comparison.Side.ANCHOR, Comparison.Side.OURS)) {
                int port = Proc.freePort();
                try (Proc p = side == Comparison.Side.OURS
                        ? Proc.parley("parley-http", o.workDir(), List.of("-Xmx256m"), List.of("serve", "--bind", "127.0.0.1",
                                "--http-port", String.valueOf(port), "--turn-port", "0", "--turns-port", "-1",
                                "--relay-ip", "127.0.0.1", "--log-level", "warn"))
                        : Proc.start("node-http", o.workDir(), List.of("node", "-e", NODE_SERVER, String.valueOf(port)))) {
                    p.awaitTcp(port, Duration.ofSeconds(30));
                    URI uri = URI.create("http://127.0.0.1:" + port + "/healthz");
                    load(uri, requests, clients); // warm-up (JIT), not measured
                    double cpu0 = p.cpuMicros();
                    long t0 = System.nanoTime();
                    long[] lat = load(uri, requests, clients);
                    double secs = (System.nanoTime() - t0) / 1e9;
                    double cpu = p.cpuMicros() - cpu0;
                    c.add(CPU, side, cpu / requests);
                    c.add(RATE, side, requests / secs);
                    c.add(P50, side, Stats.percentile(lat, 50) / 1000.0);
                    c.add(P99, side, Stats.percentile(lat, 99) / 1000.0);
                }
            }
        }
        return new Result(c, requests + " keep-alive GETs per round from " + clients
                + " client threads (java.net.http, HTTP/1.1) on loopback, after a warm-up of as many.",
                "CPU is the server process's user+system time from /proc/<pid>/stat over the measured requests. "
                        + "The client runs on the same 2 cores, so rates and latencies include its cost; CPU per "
                        + "request is the steadier figure.");
    }

    /** Sends {@code total} GETs from {@code clients} threads; returns each request's latency in ns. */
    private static long[] load(URI uri, int total, int clients) throws Exception {
        long[] lat = new long[total];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                fs.add(pool.submit(() -> {
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
                    for (int i; (i = next.getAndIncrement()) < total; ) {
                        long s = System.nanoTime();
                        HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException("status " + r.statusCode());
                        }
                        lat[i] = System.nanoTime() - s;
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return lat;
    }
}
