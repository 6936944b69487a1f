package dev.parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.server.config.Flag;
import dev.parley.server.config.Flags;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(List.of(args), Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void unknownFlagIsOneLineAndStatusTwo() {
        assertEquals(2, run("serve", "--bogus"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals("parley: --bogus: unknown flag (see --help)\n", e);
    }

    @Test
    void helpListsEveryFlagWithEnvVarAndDefault() {
        assertEquals(0, run("--help"));
        String h = out.toString(StandardCharsets.UTF_8);
        for (Flag f : Flags.ALL) {
            assertTrue(h.contains("--" + f.name()), f.name());
            assertTrue(h.contains(f.envVar()), f.envVar());
        }
        assertTrue(h.contains("default 8080"));
    }

    @Test
    void noArgumentsPrintsHelpAndFails() {
        assertEquals(2, run());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Usage: parley serve"));
    }

    @Test
    void tokenCommandMintsAVerifiableToken() throws Exception {
        String secret = "0123456789abcdef0123456789abcdef";
        assertEquals(0, run("token", "--auth-secret", secret, "--user", "alice", "--room", "r1", "--ttl", "10m"));
        String token = out.toString(StandardCharsets.UTF_8).strip();
        dev.parley.auth.Principal p = dev.parley.auth.TokenVerifier.of(secret, java.time.Clock.systemUTC()).verify(token);
        assertEquals("alice", p.userId());
        assertTrue(p.mayJoin("r1"));
        assertEquals(2, run("token", "--user", "alice"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("parley: --auth-secret:"));
    }
}
