package dev.parley.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics of a small sample (rounds) or a large one (latencies). */
public record Stats(double median, double min, double max, int n) {

    public static Stats of(List<Double> samples) {
        if (samples.isEmpty()) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double[] a = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Stats(percentile(a, 50), a[0], a[a.length - 1], a.length);
    }

    /** Nearest-rank percentile of an ascending array. */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        if (p == 50 && sorted.length % 2 == 0) {
            return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Percentile of unsorted values (copies and sorts). */
    public static double percentile(long[] values, double p) {
        double[] d = Arrays.stream(values).asDoubleStream().sorted().toArray();
        return percentile(d, p);
    }

    /** (max - min) / median, as a percentage: how much the rounds disagreed. */
    public double spreadPercent() {
        return median == 0 ? 0 : (max - min) / Math.abs(median) * 100;
    }
}
