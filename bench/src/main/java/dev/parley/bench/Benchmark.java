package dev.parley.bench;

/** One side-by-side benchmark; {@link BenchMain} runs it by name and writes its report. */
public interface Benchmark {

    /** Short name: the command-line argument and the results' file name. */
    String name();

    String title();

    /** Runs every round against both systems and returns what was measured. */
    Result run(BenchOptions options) throws Exception;

    /**
     * @param setup one paragraph: the load, the settings of both systems
     * @param notes how to read the numbers, caveats
     */
    record Result(Comparison comparison, String setup, String notes) {
    }
}
