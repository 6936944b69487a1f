package dev.parley.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Presence over SSE: N subscribers on one room; each presence change (a join) must reach all of
 * them. Parley (its PresenceService on Jetty, changes made through the same API signaling uses,
 * optionally on a second node with Redis in between) against a few-line Node SSE broadcaster that
 * writes each published event to every open response. Also counts Redis commands per presence
 * change for rooms of different sizes (INFO commandstats).
 */
final class PresenceSseBench implements Benchmark {

    static final Metric P50 = new Metric("change → SSE delivery p50", "ms", true);
    static final Metric P99 = new Metric("change → SSE delivery p99", "ms", true);
    static final Metric RATE = new Metric("fan-out throughput", "events/s", false);
    static final Metric CPU = new Metric("server CPU per delivered event", "µs", true);

    private static final String NODE_SSE = """
            const port = +process.argv[1]; const subs = new Set(); let id = 0;
            require('http').createServer((req, res) => {
              if (req.method === 'GET' && req.url.startsWith('/stream')) {
                res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-store'});
                res.write('retry: 2000\\n\\nevent: snapshot\\ndata: {"members":[]}\\n\\n');
                subs.add(res); req.on('close', () => subs.delete(res)); return;
              }
              if (req.method === 'POST' && req.url.startsWith('/publish')) {
                const u = new URL(req.url, 'http://x').searchParams.get('user');
                const f = `id: ${++id}\\nevent: join\\ndata: {"room":"r","user":"${u}","meta":{}}\\n\\n`;
                for (const s of subs) s.write(f);
                res.writeHead(204); res.end(); return;
              }
              res.writeHead(404); res.end();
            }).listen(port, '127.0.0.1', () => console.log('listening ' + port));
            """;

    private final boolean redis;
    private final int subscribers;

    /** @param redis two Parley nodes sharing a redis-server: changes on node B, subscribers on node A */
    PresenceSseBench(boolean redis, int subscribers) {
        this.redis = redis;
        this.subscribers = subscribers;
    }

    @Override
    public String name() {
        return redis ? "presence-sse-redis" : "presence-sse";
    }

    @Override
    public String title() {
        return redis ? "Presence over SSE across two nodes through Redis vs a minimal Node SSE broadcaster"
                : "Presence over SSE on one node vs a minimal Node SSE broadcaster";
    }

    @Override
    public Result run(BenchOptions o) throws Exception {
        int n = o.quick() ? 200 : subscribers;
        int latencyChanges = o.quick() ? 5 : 20;
        int burst = o.quick() ? 10 : 50;
        Comparison c = new Comparison("Parley", "Node SSE");
        StringBuilder commands = new StringBuilder();
        for (int round = 0; round < o.rounds(); round++) {
            for (Comparison.Side side : round % 2 == 0
                    ? List.of(Comparison.Side.OURS, Comparison.Side.ANCHOR)
                    : List.of(Comparison.Side.ANCHOR, Comparison.Side.OURS)) {
                runSide(o, c, side, n, latencyChanges, burst, round == 0 ? commands : null);
            }
        }
        String setup = n + " SSE subscribers (HTTP/1.1, one NIO client thread) on one room; " + latencyChanges
                + " changes sent one at a time (each waits until every subscriber has it) for latency, then a burst of "
                + burst + " back-to-back changes for throughput. Parley: PresenceService on Jetty "
                + (redis ? "with Redis — changes made on node B, subscribers on node A, so every event goes "
                + "node B → Redis (Lua: state + XADD + PUBLISH) → node A → SSE" : "in memory, one node")
                + "; a change is joinRoom() through a tiny control endpoint. Node: `http` module, a Set of responses, "
                + "one write per subscriber per event.";
        String notes = "Latency is measured in the client process from sending the change request to reading the event "
                + "on each stream, so p99 includes writing the event to all " + n + " streams. CPU is the server "
                + "process's user+system time over the burst divided by events delivered (for Parley with Redis: node A "
                + "only). The load client shares the 2 cores with the servers."
                + (commands.length() > 0 ? "\n\n" + commands : "");
        return new Result(c, setup, notes);
    }

    private void runSide(BenchOptions o, Comparison c, Comparison.Side side, int n, int latencyChanges, int burst,
                         StringBuilder commands) throws Exception {
        List<AutoCloseable> open = new ArrayList<>();
        try {
            int port = Proc.freePort();
            int changePort = port;
            String streamPath;
            String changePath;
            Proc server;
            Integer redisPort = null;
            if (side == Comparison.Side.OURS) {
                List<String> extra = new ArrayList<>();
                if (redis) {
                    redisPort = Proc.freePort();
                    Proc r = Proc.start("redis", o.workDir(), List.of("redis-server", "--port", String.valueOf(redisPort),
                            "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
                    open.add(r);
                    r.awaitTcp(redisPort, Duration.ofSeconds(20));
                    extra = List.of("--redis", "redis://127.0.0.1:" + redisPort);
                }
                server = benchNode("parley-presence-a", o, port, extra, "a");
                open.add(0, server);
                server.awaitLog("listening", Duration.ofSeconds(60));
                if (redis) {
                    changePort = Proc.freePort();
                    Proc b = benchNode("parley-presence-b", o, changePort, extra, "b");
                    open.add(0, b);
                    b.awaitLog("listening", Duration.ofSeconds(60));
                }
                streamPath = "/v1/presence/stream?room=r";
                changePath = "/bench/join?room=r&user=b%d&conn=c%d";
            } else {
                server = Proc.start("node-sse", o.workDir(), List.of("node", "-e", NODE_SSE, String.valueOf(port)));
                open.add(0, server);
                server.awaitLog("listening", Duration.ofSeconds(30));
                streamPath = "/stream";
                changePath = "/publish?user=b%d&conn=c%d";
            }
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            int total = 10 + latencyChanges + burst;
            try (SseLoad load = new SseLoad(total, n * (latencyChanges + burst))) {
                load.open(port, streamPath, n, 500);
                int seq = 0;
                // warm-up: a few changes, not measured
                for (int i = 0; i < 10; i++, seq++) {
                    change(http, changePort, changePath, seq, load);
                    load.awaitDelivered((long) n * (seq + 1), 120);
                }
                load.recordLatencyFrom(seq);
                for (int i = 0; i < latencyChanges; i++, seq++) {
                    change(http, changePort, changePath, seq, load);
                    load.awaitDelivered((long) n * (seq + 1), 120);
                }
                long[] lat = load.latencies();
                c.add(P50, side, Stats.percentile(lat, 50) / 1e6);
                c.add(P99, side, Stats.percentile(lat, 99) / 1e6);
                double cpu0 = server.cpuMicros();
                long t0 = System.nanoTime();
                for (int i = 0; i < burst; i++, seq++) {
                    change(http, changePort, changePath, seq, load);
                }
                load.awaitDelivered((long) n * seq, 300);
                double secs = (System.nanoTime() - t0) / 1e9;
                c.add(RATE, side, (double) n * burst / secs);
                c.add(CPU, side, (server.cpuMicros() - cpu0) / ((double) n * burst));
            }
            if (commands != null && redisPort != null) {
                commands.append(commandsPerChange(http, changePort, redisPort));
            }
        } finally {
            for (AutoCloseable a : open) {
                a.close();
            }
        }
    }

    private static Proc benchNode(String name, BenchOptions o, int port, List<String> extra, String nodeId) throws IOException {
        Path jar = Path.of("server", "target", "parley.jar");
        Path testClasses = Path.of("presence", "target", "test-classes");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(testClasses)) {
            throw new IllegalStateException("build first: mvn -B -DskipTests package (needs " + jar + " and " + testClasses + ")");
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dorg.eclipse.jetty.LEVEL=WARN", "-cp", jar + ":" + testClasses,
                "dev.parley.presence.testing.PresenceBenchNode", "--port", String.valueOf(port), "--node-id", nodeId));
        cmd.addAll(extra);
        return Proc.start(name, o.workDir(), cmd);
    }

    private static void change(HttpClient http, int port, String pathFormat, int seq, SseLoad load) throws Exception {
        load.markSent(seq);
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + String.format(Locale.ROOT, pathFormat, seq, seq)))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 204) {
            throw new IllegalStateException("change " + seq + ": status " + r.statusCode());
        }
    }

    /** Redis commands (INFO commandstats, inner script calls included) per join, in an empty and in a 1000-member room. */
    private static String commandsPerChange(HttpClient http, int port, int redisPort) throws Exception {
        int k = 50;
        double small = perJoin(http, port, redisPort, "cmd-small", 0, k);
        for (int i = 0; i < 1000; i++) {
            post(http, port, "/bench/join?room=cmd-big&user=m" + i + "&conn=m" + i);
        }
        double big = perJoin(http, port, redisPort, "cmd-big", 1000, k);
        return String.format(Locale.ROOT, "Redis commands per presence change (a join; INFO commandstats calls, Lua-internal "
                + "calls included, node heartbeats excluded by subtracting an idle window): %.1f in an empty room, %.1f in a "
                + "room of 1000 members.", small, big);
    }

    private static double perJoin(HttpClient http, int port, int redisPort, String room, int offset, int k) throws Exception {
        long idle0 = totalCalls(redisPort);
        long t0 = System.nanoTime();
        for (int i = 0; i < k; i++) {
            post(http, port, "/bench/join?room=" + room + "&user=j" + (offset + i) + "&conn=" + room + "-j" + i);
        }
        long busy = totalCalls(redisPort) - idle0 - 1;   // minus the INFO itself
        long elapsed = System.nanoTime() - t0;
        // background: heartbeats, sweeps of both nodes during the same time
        long b0 = totalCalls(redisPort);
        TimeUnit.NANOSECONDS.sleep(elapsed);
        long background = totalCalls(redisPort) - b0 - 1;
        return (busy - background) / (double) k;
    }

    private static void post(HttpClient http, int port, String path) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding());
    }

    static long totalCalls(int redisPort) throws IOException {
        Map<String, Long> stats = commandStats(redisPort);
        return stats.values().stream().mapToLong(Long::longValue).sum();
    }

    static Map<String, Long> commandStats(int redisPort) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", redisPort), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("INFO commandstats\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String header = readLine(in);
            int len = Integer.parseInt(header.substring(1));
            String body = new String(in.readNBytes(len), StandardCharsets.UTF_8);
            Map<String, Long> m = new TreeMap<>();
            for (String line : body.split("\r\n")) {
                if (line.startsWith("cmdstat_")) {
                    String calls = line.substring(line.indexOf("calls=") + 6, line.indexOf(','));
                    m.put(line.substring(8, line.indexOf(':')), Long.parseLong(calls));
                }
            }
            return m;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int ch; (ch = in.read()) >= 0 && ch != '\n'; ) {
            if (ch != '\r') {
                b.append((char) ch);
            }
        }
        return b.toString();
    }
}
