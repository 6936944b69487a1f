package dev.parley.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Document-update fan-out in one room of 50 y-websocket clients: Parley's {@code /compat/y-websocket}
 * relay against y-websocket's reference server ({@code @y/websocket-server} 0.1.1 from npm, the
 * server that matches the pinned y-websocket 3.x client), same load, alternated rounds.
 *
 * <p>Load generator: 50 JDK WebSocket clients in the benchmark JVM. {@value #WRITERS} of them send
 * real Yjs v1 updates (each appends a 24-character string to a Y.Text from the writer's own client
 * id, at a fixed rate); the string carries the send time ({@code #T} + 19 digits of
 * {@link System#nanoTime()}), which every other client finds in the frame it receives, whatever
 * the server re-encodes. Latency is per delivery (send → receipt at one of the 49 other clients).
 */
final class YWebsocketFanoutBench implements Benchmark {

    static final Metric P50 = new Metric("delivery latency p50", "ms", true);
    static final Metric P99 = new Metric("delivery latency p99", "ms", true);
    static final Metric RATE = new Metric("deliveries per second", "msg/s", false);
    static final Metric CPU = new Metric("server CPU per delivery", "µs", true);
    static final Metric LOST = new Metric("deliveries missing after 5 s", "%", true);

    static final int CLIENTS = 50;
    static final int WRITERS = 5;
    private static final int CONTENT = 24;
    private static final byte[] MARK = "#T".getBytes(StandardCharsets.US_ASCII);

    @Override
    public String name() {
        return "ywebsocket-fanout";
    }

    @Override
    public String title() {
        return "y-websocket update fan-out, 50 clients in one room: Parley vs @y/websocket-server";
    }

    @Override
    public Result run(BenchOptions o) throws Exception {
        int ratePerWriter = o.quick() ? 20 : 40;
        Duration measure = Duration.ofSeconds(o.quick() ? 2 : 10);
        Path anchorDir = Path.of("bench", "node-ywebsocket");
        ensureAnchorInstalled(anchorDir, o.workDir());
        Comparison c = new Comparison("Parley", "@y/websocket-server 0.1.1");
        String loadBefore = loadAverage();
        for (int round = 0; round < o.rounds(); round++) {
            for (Comparison.Side side : round % 2 == 0
                    ? List.of(Comparison.Side.OURS, Comparison.Side.ANCHOR)
                    : List.of(Comparison.Side.ANCHOR, Comparison.Side.OURS)) {
                int port = Proc.freePort();
                String base;
                Proc p;
                if (side == Comparison.Side.OURS) {
                    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                            "-Xmx512m"));
                    // extra JVM flags for profiling runs, e.g. PARLEY_BENCH_JVM_OPTS=-XX:+PrintCompilation
                    String extra = System.getenv().getOrDefault("PARLEY_BENCH_JVM_OPTS", "").trim();
                    if (!extra.isEmpty()) {
                        cmd.addAll(List.of(extra.split("\\s+")));
                    }
                    cmd.addAll(List.of("-cp", Path.of("server", "target", "parley.jar").toString(),
                            "dev.parley.signaling.compat.ywebsocket.YWebsocketStandalone", "127.0.0.1", String.valueOf(port)));
                    p = Proc.start("parley-ywebsocket", o.workDir(), cmd);
                    base = "ws://127.0.0.1:" + port + "/compat/y-websocket/";
                } else {
                    p = Proc.start("ywebsocket-server", o.workDir(), List.of("env", "HOST=127.0.0.1", "PORT=" + port,
                            "node", anchorDir.resolve("node_modules/@y/websocket-server/src/server.js").toString()));
                    base = "ws://127.0.0.1:" + port + "/";
                }
                try (p) {
                    p.awaitTcp(port, Duration.ofSeconds(30));
                    // warm-up, not measured: as long as the measurement at 3x the rate. Profiled with a 3 s
                    // warm-up at 1x, the JVM's C1/C2 compiler threads took ~40 % of the relay's CPU in the
                    // measured window; this lets both servers reach their steady state first.
                    runLoad(base + "warm-" + round + "-" + side, 3 * ratePerWriter, measure, null, 0);
                    double cpu0 = p.cpuMicros();
                    long[] stats = runLoad(base + "room-" + round + "-" + side, ratePerWriter, measure, c, side.ordinal());
                    double cpu = p.cpuMicros() - cpu0;
                    long delivered = stats[0];
                    long expected = stats[1];
                    c.add(CPU, side, delivered == 0 ? Double.NaN : cpu / delivered);
                    c.add(LOST, side, expected == 0 ? 0 : 100.0 * (expected - delivered) / expected);
                }
            }
        }
        return new Result(c, CLIENTS + " y-websocket clients in one room on loopback; " + WRITERS + " of them write "
                + ratePerWriter + " Yjs updates/s each (" + (WRITERS * ratePerWriter) + " updates/s, "
                + (WRITERS * ratePerWriter * (CLIENTS - 1)) + " deliveries/s offered) for " + measure.toSeconds()
                + " s per round after a warm-up of as long at 3x the rate; each update appends 24 characters to a Y.Text. Parley: the relay "
                + "alone (YWebsocketStandalone from parley.jar, -Xmx512m, in-memory store). Anchor: "
                + "@y/websocket-server 0.1.1 (`src/server.js`, Node " + nodeVersion() + ", no persistence).",
                "Machine load average (1 min) " + loadBefore + " before the run and " + loadAverage() + " after: other "
                        + "work shares these 2 cores, so read the spread. "
                        + "Latency is from the writer's send to the receipt at each of the 49 other clients, all in the "
                        + "benchmark JVM (one clock). CPU is the server process's user+system time from /proc over the "
                        + "measured window divided by deliveries. The load generator shares the 2 cores with the "
                        + "server, so latencies include scheduling noise; compare within one run.");
    }

    /** Returns {delivered, expected}; adds latency samples to {@code c} when it is not null. */
    private static long[] runLoad(String url, int ratePerWriter, Duration duration, Comparison c, int sideOrdinal)
            throws Exception {
        Comparison.Side side = Comparison.Side.values()[sideOrdinal];
        HttpClient http = HttpClient.newHttpClient();
        int maxUpdates = (int) (ratePerWriter * WRITERS * (duration.toMillis() / 1000.0 + 1));
        long[] latencies = new long[maxUpdates * (CLIENTS - 1) + 1024];
        AtomicLong received = new AtomicLong();
        List<WebSocket> sockets = new ArrayList<>();
        List<Receiver> receivers = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                Receiver r = new Receiver(latencies, received);
                receivers.add(r);
                sockets.add(http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                        .buildAsync(URI.create(url), r).get(10, TimeUnit.SECONDS));
            }
            for (Receiver r : receivers) {
                r.opened.await(10, TimeUnit.SECONDS); // the server's first message (sync step 1) arrived
            }
            long[] sent = new long[1];
            List<Thread> writers = new ArrayList<>();
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            for (int w = 0; w < WRITERS; w++) {
                WebSocket ws = sockets.get(w * (CLIENTS / WRITERS));
                long clientId = 1_000_000L + w;
                int writer = w;
                receivers.get(w * (CLIENTS / WRITERS)).writer = writer;
                Thread t = new Thread(() -> write(ws, writer, clientId, ratePerWriter, start, end, sent), "writer-" + w);
                writers.add(t);
                t.start();
            }
            for (Thread t : writers) {
                t.join();
            }
            long expected;
            synchronized (sent) {
                expected = sent[0] * (CLIENTS - 1);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (received.get() < expected && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            double secs = (System.nanoTime() - start) / 1e9;
            long got = Math.min(received.get(), latencies.length);
            if (c != null) {
                long[] lat = java.util.Arrays.copyOf(latencies, (int) got);
                c.add(P50, side, Stats.percentile(lat, 50) / 1e6);
                c.add(P99, side, Stats.percentile(lat, 99) / 1e6);
                c.add(RATE, side, got / Math.max(secs, duration.toMillis() / 1000.0));
            }
            return new long[] {got, expected};
        } finally {
            for (WebSocket ws : sockets) {
                ws.abort();
            }
        }
    }

    private static void write(WebSocket ws, int writer, long clientId, int rate, long start, long end, long[] sent) {
        long interval = 1_000_000_000L / rate;
        long clock = 0;
        long next = start;
        while (next < end) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            byte[] frame = updateFrame(writer, clientId, clock, System.nanoTime());
            ws.sendBinary(ByteBuffer.wrap(frame), true).join();
            clock += CONTENT;
            next += interval;
            synchronized (sent) {
                sent[0]++;
            }
        }
    }

    /**
     * A y-websocket sync "update" message holding a Yjs v1 update that appends 24 ASCII characters
     * ({@code #T<19-digit nanos>w<writer>.}) to the root Y.Text "t" as client {@code clientId}.
     */
    static byte[] updateFrame(int writer, long clientId, long clock, long nanos) {
        String content = "#T" + String.format("%019d", nanos) + "w" + (char) ('0' + writer) + ".";
        ByteArrayOutputStream u = new ByteArrayOutputStream(64);
        varUint(u, 1);              // one client
        varUint(u, 1);              // one struct
        varUint(u, clientId);
        varUint(u, clock);
        if (clock == 0) {
            u.write(0x04);          // ContentString, no origins: parent follows
            varUint(u, 1);          // parent is a root type, by name
            varString(u, "t");
        } else {
            u.write(0x84);          // ContentString with origin = the previous character
            varUint(u, clientId);
            varUint(u, clock - 1);
        }
        varString(u, content);
        varUint(u, 0);              // empty delete set
        byte[] update = u.toByteArray();
        ByteArrayOutputStream f = new ByteArrayOutputStream(update.length + 4);
        varUint(f, 0);              // messageSync
        varUint(f, 2);              // update
        varUint(f, update.length);
        f.writeBytes(update);
        return f.toByteArray();
    }

    private static void varUint(ByteArrayOutputStream out, long n) {
        while (n > 0x7f) {
            out.write((int) (0x80 | (n & 0x7f)));
            n >>>= 7;
        }
        out.write((int) n);
    }

    private static void varString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varUint(out, b.length);
        out.writeBytes(b);
    }

    /**
     * Finds {@code #T} + 19 digits in a frame and returns them; -1 if none (sync and awareness
     * messages) or if the update is {@code ownWriter}'s own (the anchor echoes updates to their sender).
     */
    static long sendTime(byte[] frame, int len, int ownWriter) {
        outer:
        for (int i = 0; i + 21 <= len; i++) {
            if (frame[i] != MARK[0] || frame[i + 1] != MARK[1]) {
                continue;
            }
            long v = 0;
            for (int k = 0; k < 19; k++) {
                byte d = frame[i + 2 + k];
                if (d < '0' || d > '9') {
                    continue outer;
                }
                v = v * 10 + (d - '0');
            }
            if (i + 22 < len && frame[i + 21] == 'w' && frame[i + 22] == '0' + ownWriter) {
                return -1;
            }
            return v;
        }
        return -1;
    }

    /** Records the latency of every update frame it receives. */
    private static final class Receiver implements WebSocket.Listener {
        final CountDownLatch opened = new CountDownLatch(1);
        volatile int writer = -1;
        private final long[] latencies;
        private final AtomicLong received;
        private byte[] buf = new byte[4096];
        private int len;

        Receiver(long[] latencies, AtomicLong received) {
            this.latencies = latencies;
            this.received = received;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            int n = data.remaining();
            if (len + n > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
            data.get(buf, len, n);
            len += n;
            if (last) {
                long now = System.nanoTime();
                // only sync "update" messages (0, 2) carry other clients' writes
                if (len > 2 && buf[0] == 0 && buf[1] == 2) {
                    long t = sendTime(buf, len, writer);
                    if (t > 0) {
                        long i = received.getAndIncrement();
                        if (i < latencies.length) {
                            latencies[(int) i] = now - t;
                        }
                    }
                }
                len = 0;
                opened.countDown();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            opened.countDown();
            return CompletableFuture.completedFuture(null);
        }
    }

    private static void ensureAnchorInstalled(Path dir, Path workDir) throws Exception {
        if (Files.isRegularFile(dir.resolve("node_modules/@y/websocket-server/src/server.js"))) {
            return;
        }
        try (Proc npm = Proc.start("npm-ci-ywebsocket", workDir, List.of("npm", "ci", "--prefix", dir.toString(),
                "--no-audit", "--no-fund"))) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (npm.isAlive() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }
        if (!Files.isRegularFile(dir.resolve("node_modules/@y/websocket-server/src/server.js"))) {
            throw new IllegalStateException("npm ci in " + dir + " failed; see " + workDir.resolve("npm-ci-ywebsocket.log"));
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return v;
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }
}
