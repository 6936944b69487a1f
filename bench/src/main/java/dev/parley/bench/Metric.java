package dev.parley.bench;

/**
 * Something a benchmark measures.
 *
 * @param name          e.g. "server CPU per request"
 * @param unit          e.g. "µs"
 * @param lowerIsBetter true for costs and latencies, false for throughput
 */
public record Metric(String name, String unit, boolean lowerIsBetter) {
}
