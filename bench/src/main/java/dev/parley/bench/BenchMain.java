package dev.parley.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code bench/run.sh NAME... [--rounds N] [--quick] [--results DIR] [-Dkey=value...]}: runs benchmarks by name and writes their
 * reports to {@code bench/results/}. Run from the repository root after building the jar.
 */
public final class BenchMain {

    private BenchMain() {
    }

    static Map<String, Benchmark> registry() {
        Map<String, Benchmark> all = new TreeMap<>();
        for (Benchmark b : List.<Benchmark>of(new HttpHealthBench(), new TurnBench(),
                new PresenceSseBench(false, Integer.getInteger("bench.sseSubscribers", 10_000)),
                new PresenceSseBench(true, Integer.getInteger("bench.sseSubscribers", 10_000)),
                new YWebsocketFanoutBench(), new YWebrtcFanoutBench(),
                new IdleConnectionsBench(Integer.getInteger("bench.idleConnections", 19_000)))) {
            all.put(b.name(), b);
        }
        return all;
    }

    public static void main(String[] args) throws Exception {
        int rounds = 3;
        boolean quick = false;
        Path results = Path.of("bench", "results");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--quick" -> quick = true;
                case "--results" -> results = Path.of(args[++i]);
                default -> {
                    if (args[i].startsWith("-D") && args[i].contains("=")) {
                        // a benchmark's own setting, e.g. -Dbench.turn.loads=udp-channeldata,sweep
                        String kv = args[i].substring(2);
                        System.setProperty(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                    } else {
                        names.add(args[i]);
                    }
                }
            }
        }
        Map<String, Benchmark> all = registry();
        if (names.isEmpty() || names.contains("--help")) {
            System.out.println("usage: bench/run.sh NAME... [--rounds N] [--quick] [--results DIR] [-Dkey=value...]\n"
                    + "  names: " + String.join(", ", all.keySet()) + ", all\n"
                    + "  --results DIR  write NAME.md/.png there instead of bench/results (for partial or A/B runs)\n"
                    + "  -Dkey=value    a benchmark setting:\n"
                    + "    bench.turn.loads=K,K...  turn: only these of " + TurnBench.KINDS + "\n"
                    + "    bench.turn.anchorJar=J   turn: A/B, the anchor is Parley from jar J instead of coturn\n"
                    + "    bench.sseSubscribers=N, bench.idleConnections=N");
            return;
        }
        if (names.contains("all")) {
            names = new ArrayList<>(all.keySet());
        }
        BenchOptions options = new BenchOptions(rounds, quick, Path.of("bench", "work"), results);
        for (String name : names) {
            Benchmark b = all.get(name);
            if (b == null) {
                throw new IllegalArgumentException("no benchmark '" + name + "'; have " + all.keySet());
            }
            System.out.println("== " + b.title());
            Benchmark.Result r = b.run(options);
            Report.write(options.resultsDir(), b.name(), b.title(), r.setup(), r.comparison(), r.notes());
            System.out.println(Report.markdown(b.name(), b.title(), r.setup(), r.comparison(), r.notes()));
        }
    }
}
