package dev.parley.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code systemd-analyze verify} on deploy/systemd/parley-turn.service (a copy in a temp dir; nothing is installed). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SystemdUnitIT {

    @Test
    void unitVerifiesCleanly(@TempDir Path dir) throws Exception {
        Path analyze = DeployFiles.tool("systemd-analyze", "systemd");
        Path unit = dir.resolve("parley-turn.service");
        Files.copy(DeployFiles.SYSTEMD.resolve("parley-turn.service"), unit);
        verifyCleanly(analyze, unit);
    }

    @Test
    void unitWithTheLetsEncryptDropInVerifiesCleanly(@TempDir Path dir) throws Exception {
        // systemd-analyze reads drop-ins from <unit>.d/ next to the unit, as systemd does in /etc.
        Path analyze = DeployFiles.tool("systemd-analyze", "systemd");
        Path unit = dir.resolve("parley-turn.service");
        Files.copy(DeployFiles.SYSTEMD.resolve("parley-turn.service"), unit);
        Files.createDirectories(dir.resolve("parley-turn.service.d"));
        Path dropIn = dir.resolve("parley-turn.service.d/letsencrypt.conf");
        Files.copy(DeployFiles.SYSTEMD.resolve("parley-turn.service.d/letsencrypt.conf"), dropIn);
        verifyCleanly(analyze, unit);
        // and the drop-in is really read: a mistake in it is reported
        Files.writeString(dropIn, Files.readString(dropIn) + "LoadCredentail=x:/y\n");
        assertTrue(verify(analyze, unit).contains("LoadCredentail"), "drop-in not read by systemd-analyze");
    }

    private static void verifyCleanly(Path analyze, Path unit) throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/java")),
                "the unit's ExecStart is /usr/bin/java, which verify checks: install a JRE (Debian: openjdk-17-jre-headless)");
        String out = verify(analyze, unit);
        assertTrue(out.isBlank(), "systemd-analyze verify should print nothing (no warnings), printed:\n" + out);
    }

    @Test
    void verifyCatchesAMistake(@TempDir Path dir) throws Exception {
        // The check has teeth: a misspelt hardening directive is reported.
        Path analyze = DeployFiles.tool("systemd-analyze", "systemd");
        Path unit = dir.resolve("parley-turn.service");
        Files.writeString(unit, DeployFiles.read(DeployFiles.SYSTEMD.resolve("parley-turn.service"))
                .replace("ProtectSystem=strict", "ProtectSytem=strict"), StandardCharsets.UTF_8);
        String out = verify(analyze, unit);
        assertTrue(out.contains("ProtectSytem"), out);
    }

    private static String verify(Path analyze, Path unit) throws Exception {
        // --man=no: do not look up the Documentation= pages; SYSTEMD_LOG_COLOR off for plain output.
        ProcessBuilder pb = new ProcessBuilder(analyze.toString(), "verify", "--man=no", unit.toString())
                .redirectErrorStream(true);
        pb.environment().put("SYSTEMD_LOG_COLOR", "0");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "systemd-analyze did not finish");
        if (!out.contains("ProtectSytem") && !out.contains("LoadCredentail")) {
            assertEquals(0, p.exitValue(), "systemd-analyze verify failed:\n" + out);
        }
        return out;
    }
}
