package dev.parley.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * y-webrtc signaling fan-out: Parley's {@code /compat/y-webrtc} against y-webrtc's own Node server
 * ({@code bin/server.js} of y-webrtc 10.3.0 from npm), same load, alternated rounds.
 *
 * <p>Load generator: {@link WsNio}, one thread, non-blocking, in the benchmark JVM. {@value #CLIENTS}
 * connections subscribe to {@value #TOPICS} topics (round-robin); {@value #PUBLISHERS} of them
 * publish to their own topic at a fixed rate, each message carrying its send time
 * ({@code #T} + 19 digits of {@link System#nanoTime()}). Both servers deliver a publish to every
 * subscriber of the topic, the sender included; latency is per delivery.
 */
final class YWebrtcFanoutBench implements Benchmark {

    static final Metric P50 = new Metric("fan-out latency p50", "ms", true);
    static final Metric P99 = new Metric("fan-out latency p99", "ms", true);
    static final Metric RATE = new Metric("deliveries per second", "msg/s", false);
    static final Metric CPU = new Metric("server CPU per delivery", "µs", true);
    static final Metric CPU_USER = new Metric("… of which user space", "µs", true);
    static final Metric CPU_SYSTEM = new Metric("… of which kernel (system time)", "µs", true);
    static final Metric WRITES = new Metric("server write system calls per delivery", "calls", true);
    static final Metric LOST = new Metric("deliveries missing after 3 s", "%", true);
    static final Metric SUSTAINED = new Metric("highest sustained rate (sweep: none missing, p99 ≤ "
            + SweepStep.P99_BOUND_MS + " ms)", "deliveries/s", false);
    static final Metric SUSTAINED_CPU = new Metric("server CPU per delivery at that rate", "µs", true);
    static final Metric SUSTAINED_P99 = new Metric("fan-out latency p99 at that rate", "ms", true);

    /**
     * Per-publisher rates of the sweep (about ×1.5 steps): 18,000 to 312,000 deliveries/s offered
     * (the fixed-rate run already covers 8,000). The top steps lie past twice the anchor's highest
     * sustained rate, so the table can show whether Parley holds it.
     */
    static final int[] SWEEP = {45, 70, 100, 150, 230, 345, 520, 780};

    static final int CLIENTS = 200;
    static final int TOPICS = 4;
    static final int PUBLISHERS = 8;
    static final Path ANCHOR_DIR = Path.of("bench", "node-ywebrtc");
    static final String ANCHOR_SERVER = "node_modules/y-webrtc/bin/server.js";

    @Override
    public String name() {
        return "ywebrtc-fanout";
    }

    @Override
    public String title() {
        return "y-webrtc signaling fan-out, " + CLIENTS + " subscribers on " + TOPICS
                + " topics: Parley vs y-webrtc's bin/server.js";
    }

    @Override
    public Result run(BenchOptions o) throws Exception {
        int ratePerPublisher = o.quick() ? 5 : 20;
        // past the first 30 s ping round: its control frames make the JIT recompile the send path, and
        // until then the JVM's C2 compiler thread is still a fifth of the server's CPU
        Duration warm = Duration.ofSeconds(o.quick() ? 1 : 35);
        Duration measure = Duration.ofSeconds(o.quick() ? 2 : 10);
        ensureAnchorInstalled(o.workDir());
        Comparison c = new Comparison("Parley", "y-webrtc 10.3.0 bin/server.js");
        String loadBefore = loadAverage();
        StringBuilder sweepLog = new StringBuilder();
        for (int round = 0; round < o.rounds(); round++) {
            for (Comparison.Side side : round % 2 == 0
                    ? List.of(Comparison.Side.OURS, Comparison.Side.ANCHOR)
                    : List.of(Comparison.Side.ANCHOR, Comparison.Side.OURS)) {
                int port = Proc.freePort();
                String path;
                Proc p;
                if (side == Comparison.Side.OURS) {
                    p = Proc.parley("parley-ywebrtc", o.workDir(), List.of("-Xmx512m"), fanoutArgs(port));
                    path = "/compat/y-webrtc";
                } else {
                    p = anchor("ywebrtc-server", o.workDir(), port);
                    path = "/";
                }
                try (p) {
                    p.awaitTcp(port, Duration.ofSeconds(60));
                    Load load = new Load(port, path, ratePerPublisher, warm, measure);
                    load.setUp();
                    load.phase(warm, false);
                    Proc.Cpu cpu0 = p.cpu();
                    long writes0 = p.writeSyscalls();
                    load.phase(measure, true);
                    Proc.Cpu split = p.cpu().minus(cpu0);
                    long writes = p.writeSyscalls() - writes0;
                    double cpu = split.total();
                    load.close();
                    if (load.closedEarly > 0) {
                        throw new IllegalStateException(load.closedEarly + " connections closed during the load: " + load.lastClose);
                    }
                    long got = load.delivered;
                    c.add(P50, side, Stats.percentile(Arrays.copyOf(load.latencies, (int) Math.min(got, load.latencies.length)), 50) / 1e6);
                    c.add(P99, side, Stats.percentile(Arrays.copyOf(load.latencies, (int) Math.min(got, load.latencies.length)), 99) / 1e6);
                    c.add(RATE, side, got / (measure.toMillis() / 1000.0));
                    c.add(CPU, side, got == 0 ? Double.NaN : cpu / got);
                    c.add(CPU_USER, side, got == 0 ? Double.NaN : split.user() / got);
                    c.add(CPU_SYSTEM, side, got == 0 ? Double.NaN : split.system() / got);
                    c.add(WRITES, side, got == 0 ? Double.NaN : writes / (double) got);
                    c.add(LOST, side, load.expected == 0 ? 0 : 100.0 * (load.expected - got) / load.expected);
                    if (!o.quick()) {
                        SweepStep best = sweep(p, port, path, sweepLog, side);
                        c.add(SUSTAINED, side, best == null ? 0 : best.rate());
                        c.add(SUSTAINED_CPU, side, best == null ? Double.NaN : best.cpuMicros());
                        c.add(SUSTAINED_P99, side, best == null ? Double.NaN : best.p99Ms());
                    }
                    if (!p.isAlive()) {
                        throw new IllegalStateException(side + " died: " + p.tail());
                    }
                }
            }
        }
        int perTopic = CLIENTS / TOPICS;
        return new Result(c, CLIENTS + " WebSocket connections on loopback, each subscribed to one of " + TOPICS
                + " topics (" + perTopic + " per topic); " + PUBLISHERS + " of them publish " + ratePerPublisher
                + " messages/s each to their topic (" + (PUBLISHERS * ratePerPublisher) + " publishes/s, "
                + (PUBLISHERS * ratePerPublisher * perTopic) + " deliveries/s offered, sender included as both servers do) for "
                + measure.toSeconds() + " s per round after a " + warm.toSeconds() + " s warm-up at the same rate. "
                + "A publish is `{\"type\":\"publish\",\"topic\":…,\"data\":\"#T<nanos>\"}` (~70 bytes). "
                + "Parley: parley.jar serve, -Xmx512m, /compat/y-webrtc, log level warn, --signal-rate " + SIGNAL_RATE
                + " (the sweep's top publishers exceed the default 200 messages/s per connection; y-webrtc's "
                + "server has no rate limit). Anchor: y-webrtc 10.3.0 "
                + "`bin/server.js` (Node " + nodeVersion() + ", ws). Load generator: one thread, non-blocking NIO "
                + "WebSocket client (WsNio) in the benchmark JVM.",
                "Machine load average (1 min) " + loadBefore + " before the run and " + loadAverage() + " after: other "
                        + "work shares these 2 cores, so read the spread. Latency is from the publisher's send to the "
                        + "receipt at each subscriber, one clock (the benchmark JVM). CPU is the server process's "
                        + "user+system time from /proc over the measured window divided by deliveries received in it, and "
                        + "split into user and kernel time; write system calls are /proc/<pid>/io syscw over the same "
                        + "window. Each delivery is its own WebSocket message on its own TCP connection, so a server "
                        + "that writes as soon as it can pays about one write system call per delivery, and its kernel "
                        + "time per delivery is a floor neither server's user-space code can go below. "
                        + "Rate sweep (after each round's fixed-rate run, same server process): fresh connections, "
                        + "per-publisher rates " + java.util.Arrays.toString(SWEEP) + "/s (×" + (PUBLISHERS * perTopic)
                        + " deliveries each), " + SweepStep.WARM_S + " s warm-up + " + SweepStep.MEASURE_S + " s measured per step, stopping at "
                        + "the first step with a missing delivery or p99 above " + SweepStep.P99_BOUND_MS + " ms; the "
                        + "highest passing step is the sustained rate. The load generator shares the 2 cores, so the top "
                        + "of the sweep is also bounded by it (the same for both servers). Steps: " + sweepLog);
    }

    /** One passing step of the rate sweep. */
    record SweepStep(double rate, double p99Ms, double cpuMicros) {
        static final int P99_BOUND_MS = 50;
        static final int WARM_S = 1;
        static final int MEASURE_S = 3;
    }

    /** Raises the offered rate step by step until deliveries go missing or p99 passes the bound. */
    private static SweepStep sweep(Proc p, int port, String path, StringBuilder log, Comparison.Side side) throws Exception {
        SweepStep best = null;
        log.append(side == Comparison.Side.OURS ? "Parley" : "anchor").append(':');
        Duration warm = Duration.ofSeconds(SweepStep.WARM_S);
        Duration measure = Duration.ofSeconds(SweepStep.MEASURE_S);
        for (int rate : SWEEP) {
            Load load = new Load(port, path, rate, warm, measure);
            try {
                load.setUp();
                load.phase(warm, false);
                double cpu0 = p.cpuMicros();
                load.phase(measure, true);
                double cpu = p.cpuMicros() - cpu0;
                long got = load.delivered;
                double p99 = got == 0 ? Double.NaN
                        : Stats.percentile(Arrays.copyOf(load.latencies, (int) Math.min(got, load.latencies.length)), 99) / 1e6;
                double missing = load.expected == 0 ? 100 : 100.0 * (load.expected - got) / load.expected;
                log.append(String.format(java.util.Locale.ROOT, " %d/s→%.0f/s p99 %.1f ms, %.2f %% missing, %.1f µs;",
                        rate * PUBLISHERS * (CLIENTS / TOPICS), got / (double) SweepStep.MEASURE_S, p99, missing,
                        got == 0 ? Double.NaN : cpu / got));
                if (load.closedEarly > 0 || got < load.expected || !(p99 <= SweepStep.P99_BOUND_MS)) {
                    break;
                }
                best = new SweepStep(got / (double) SweepStep.MEASURE_S, p99, cpu / got);
            } finally {
                load.close();
            }
        }
        log.append(' ');
        return best;
    }

    /**
     * The sweep's top steps have a publisher send 230 to 780 messages/s, above Parley's default
     * per-connection rate limit (200/s; the anchor has none): raised so the sweep measures throughput.
     */
    static final int SIGNAL_RATE = 1000;

    static List<String> fanoutArgs(int port) {
        List<String> args = new java.util.ArrayList<>(parleyArgs(port));
        args.addAll(List.of("--signal-rate", String.valueOf(SIGNAL_RATE)));
        return args;
    }

    static List<String> parleyArgs(int port) {
        return List.of("serve", "--bind", "127.0.0.1", "--http-port", String.valueOf(port), "--turn-port", "0",
                "--turns-port", "-1", "--relay-ip", "127.0.0.1", "--log-level", "warn", "--max-connections", "50000");
    }

    static Proc anchor(String name, Path workDir, int port) throws IOException {
        return Proc.start(name, workDir, List.of("env", "PORT=" + port, "node",
                ANCHOR_DIR.resolve(ANCHOR_SERVER).toString()));
    }

    /** The load of one round: connections, subscriptions, timed publishes. Single-threaded. */
    static final class Load implements WsNio.Handler {
        private final WsNio ws;
        private final int port;
        private final String path;
        private final int rate;
        final long[] latencies;
        long delivered;
        long expected;
        private int pongs;
        int closedEarly;
        String lastClose = "";
        private boolean measuring;
        private long windowStart;
        private long windowEnd;

        Load(int port, String path, int rate, Duration warm, Duration measure) throws IOException {
            this.ws = new WsNio(this);
            this.port = port;
            this.path = path;
            this.rate = rate;
            int perTopic = CLIENTS / TOPICS;
            this.latencies = new long[(int) (rate * PUBLISHERS * (measure.toSeconds() + 1) * perTopic) + 1024];
        }

        void setUp() throws IOException {
            for (int i = 0; i < CLIENTS; i++) {
                ws.connect(null, "127.0.0.1", port, path).tag = i % TOPICS;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pongs < CLIENTS && System.nanoTime() < deadline) {
                ws.poll(10);
            }
            if (pongs < CLIENTS) {
                throw new IllegalStateException("only " + pongs + " of " + CLIENTS + " subscribed (opened "
                        + ws.opened + ", failed " + ws.failed + ")");
            }
        }

        @Override
        public void onOpen(WsNio.Conn c) {
            ws.sendText(c, "{\"type\":\"subscribe\",\"topics\":[\"bench-" + c.tag + "\"]}");
            // the pong proves the subscribe before it was processed (one connection's messages are ordered)
            ws.sendText(c, "{\"type\":\"ping\"}");
        }

        @Override
        public void onMessage(WsNio.Conn c, byte[] buf, int len) {
            long t = sendTime(buf, len);
            if (t < 0) {
                if (indexOf(buf, len, "pong") >= 0) {
                    pongs++;
                }
                return;
            }
            if (measuring && t >= windowStart && t < windowEnd) {
                long now = System.nanoTime();
                if (delivered < latencies.length) {
                    latencies[(int) delivered] = now - t;
                }
                delivered++;
            }
        }

        @Override
        public void onClosed(WsNio.Conn c, String why) {
            closedEarly++;
            lastClose = why;
        }

        /** Publishes for {@code d}; when measuring, counts what was sent in the window and drains 3 s. */
        void phase(Duration d, boolean measure) throws IOException {
            List<WsNio.Conn> pubs = new ArrayList<>();
            for (int i = 0; i < PUBLISHERS; i++) {
                pubs.add(ws.connections().get(i)); // i % TOPICS: two publishers per topic
            }
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime();
            long end = start + d.toNanos();
            measuring = measure;
            windowStart = start;
            windowEnd = end;
            long[] next = new long[PUBLISHERS];
            for (int i = 0; i < PUBLISHERS; i++) {
                next[i] = start + interval * i / PUBLISHERS; // spread the publishers over one interval
            }
            long sent = 0;
            while (true) {
                long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                long soonest = end;
                for (int i = 0; i < PUBLISHERS; i++) {
                    if (next[i] <= now) {
                        // the stamp decides whether a receiver counts the publish: one stamp for both, so
                        // a publish stamped after the window is not counted as sent (it was "missing")
                        long stamp = System.nanoTime();
                        if (stamp >= end) {
                            break;
                        }
                        WsNio.Conn p = pubs.get(i);
                        ws.sendText(p, "{\"type\":\"publish\",\"topic\":\"bench-" + p.tag + "\",\"data\":\"#T"
                                + String.format("%019d", stamp) + "\"}");
                        sent++;
                        next[i] += interval;
                    }
                    soonest = Math.min(soonest, next[i]);
                }
                long waitMs = (soonest - System.nanoTime()) / 1_000_000;
                ws.poll(Math.max(0, waitMs));
            }
            if (measure) {
                expected = sent * (CLIENTS / TOPICS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (delivered < expected && System.nanoTime() < deadline) {
                    ws.poll(5);
                }
            }
        }

        void close() throws IOException {
            ws.close();
        }
    }

    /** The 19 digits after {@code #T} in a message, or -1. */
    static long sendTime(byte[] b, int len) {
        int i = indexOf(b, len, "#T");
        if (i < 0 || i + 21 > len) {
            return -1;
        }
        long v = 0;
        for (int k = 0; k < 19; k++) {
            byte d = b[i + 2 + k];
            if (d < '0' || d > '9') {
                return -1;
            }
            v = v * 10 + (d - '0');
        }
        return v;
    }

    static int indexOf(byte[] b, int len, String s) {
        byte[] n = s.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length <= len; i++) {
            for (int k = 0; k < n.length; k++) {
                if (b[i + k] != n[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static void ensureAnchorInstalled(Path workDir) throws Exception {
        if (Files.isRegularFile(ANCHOR_DIR.resolve(ANCHOR_SERVER))) {
            return;
        }
        try (Proc npm = Proc.start("npm-ci-ywebrtc", workDir, List.of("npm", "ci", "--prefix", ANCHOR_DIR.toString(),
                "--no-audit", "--no-fund"))) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (npm.isAlive() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }
        if (!Files.isRegularFile(ANCHOR_DIR.resolve(ANCHOR_SERVER))) {
            throw new IllegalStateException("npm ci in " + ANCHOR_DIR + " failed; see " + workDir.resolve("npm-ci-ywebrtc.log"));
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    static String nodeVersion() {
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
