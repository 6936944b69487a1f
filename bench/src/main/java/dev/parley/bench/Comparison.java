package dev.parley.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per metric, the samples of Parley and of the anchor, one sample per round.
 *
 * <pre>{@code
 * Comparison c = new Comparison("Parley", "coturn 4.6");
 * c.add(CPU_PER_PACKET, Side.OURS, 12.5);
 * c.add(CPU_PER_PACKET, Side.ANCHOR, 17.0);
 * }</pre>
 */
public final class Comparison {

    public enum Side { OURS, ANCHOR }

    private final String ours;
    private final String anchor;
    private final Map<Metric, Map<Side, List<Double>>> samples = new LinkedHashMap<>();

    public Comparison(String ours, String anchor) {
        this.ours = ours;
        this.anchor = anchor;
    }

    public void add(Metric metric, Side side, double value) {
        samples.computeIfAbsent(metric, m -> new LinkedHashMap<>())
                .computeIfAbsent(side, s -> new ArrayList<>()).add(value);
    }

    public String ours() {
        return ours;
    }

    public String anchor() {
        return anchor;
    }

    public List<Metric> metrics() {
        return List.copyOf(samples.keySet());
    }

    public Stats stats(Metric metric, Side side) {
        return Stats.of(samples.getOrDefault(metric, Map.of()).getOrDefault(side, List.of()));
    }

    public List<Double> samples(Metric metric, Side side) {
        return List.copyOf(samples.getOrDefault(metric, Map.of()).getOrDefault(side, List.of()));
    }

    /** Median of ours divided by median of the anchor. */
    public double ratio(Metric metric) {
        return stats(metric, Side.OURS).median() / stats(metric, Side.ANCHOR).median();
    }
}
