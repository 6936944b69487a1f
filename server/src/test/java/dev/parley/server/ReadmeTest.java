package dev.parley.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.server.config.Flag;
import dev.parley.server.config.Flags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table is the operators' contract: it must list every flag. */
class ReadmeTest {

    @Test
    void configurationTableListsEveryFlag() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (Flag f : Flags.ALL) {
            assertTrue(readme.contains("| `--" + f.name() + "`"), "README is missing --" + f.name());
            assertTrue(readme.contains("`" + f.envVar() + "`"), "README is missing " + f.envVar());
        }
    }
}
