package dev.parley.bench;

import java.nio.file.Path;

/**
 * @param rounds  rounds per side (at least 3), alternated ours/anchor
 * @param quick   a short smoke run (used by the bench module's own test): small loads, 1 round
 * @param workDir logs and temporary files of the systems under test
 */
public record BenchOptions(int rounds, boolean quick, Path workDir, Path resultsDir) {

    public BenchOptions {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1");
        }
    }
}
