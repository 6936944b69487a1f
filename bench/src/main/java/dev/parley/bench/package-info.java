/**
 * Side-by-side benchmarks: each starts Parley (the built jar, as a separate process) and its anchor,
 * runs the same bounded load against each, alternating, for several rounds, and writes a Markdown
 * table and a PNG chart to {@code bench/results/}.
 */
package dev.parley.bench;
