package dev.parley.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code bench/run.sh NAME... [--rounds N] [--quick]}: runs benchmarks by name and writes their
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
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--quick" -> quick = true;
                default -> names.add(args[i]);
            }
        }
        Map<String, Benchmark> all = registry();
        if (names.isEmpty() || names.contains("--help")) {
            System.out.println("usage: bench/run.sh NAME... [--rounds N] [--quick]   names: " + String.join(", ", all.keySet())
                    + ", all");
            return;
        }
        if (names.contains("all")) {
            names = new ArrayList<>(all.keySet());
        }
        BenchOptions options = new BenchOptions(rounds, quick, Path.of("bench", "work"), Path.of("bench", "results"));
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
