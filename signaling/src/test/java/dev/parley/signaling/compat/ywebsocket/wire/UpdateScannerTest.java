package dev.parley.signaling.compat.ywebsocket.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Scans updates made by the real yjs package (src/test/node-ywebsocket/make-fixtures.mjs) and
 * compares with the ranges yjs's own decodeUpdate reports: text with formats, embeds and emoji,
 * maps of every lib0 value type, arrays, XML elements/text/hooks, sub-documents, deletions,
 * merged updates with skips, and the empty update.
 */
class UpdateScannerTest {

    record Fixture(String name, byte[] update, List<ClockRange> structs, List<ClockRange> deletes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Fixture> fixtures() throws IOException {
        try (InputStream in = UpdateScannerTest.class.getResourceAsStream("/ywebsocket/updates.txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<Fixture> out = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(" \\| ", -1);
                out.add(new Fixture(f[0].trim(), HexFormat.of().parseHex(f[1].trim()), ranges(f[3]), ranges(f[4])));
            }
            return out.stream();
        }
    }

    private static List<ClockRange> ranges(String s) {
        List<ClockRange> out = new ArrayList<>();
        for (String r : s.trim().split(",")) {
            if (r.isBlank()) {
                continue;
            }
            String[] p = r.split(":");
            out.add(new ClockRange(Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2])));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void scansLikeYjs(Fixture f) throws Exception {
        UpdateSummary s = UpdateScanner.scan(f.update());
        assertEquals(coalesce(f.structs()), coalesce(s.structs()), "structs");
        assertEquals(f.deletes(), s.deletes(), "deletes");
    }

    /** Adjacent ranges of one client joined, so per-struct and per-run listings compare equal. */
    private static List<ClockRange> coalesce(List<ClockRange> in) {
        List<ClockRange> out = new ArrayList<>();
        for (ClockRange r : in) {
            ClockRange last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.client() == r.client() && last.end() == r.clock()) {
                out.set(out.size() - 1, new ClockRange(r.client(), last.clock(), last.length() + r.length()));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    @Test
    void emptyUpdateIsEmpty() throws Exception {
        assertTrue(UpdateScanner.scan(new byte[] {0, 0}).isEmpty());
    }

    @Test
    void truncatedUpdatesAreMalformed() throws Exception {
        for (Fixture f : fixtures().toList()) {
            for (int cut = 0; cut < f.update().length; cut++) {
                byte[] part = java.util.Arrays.copyOf(f.update(), cut);
                assertThrows(MalformedMessageException.class, () -> UpdateScanner.scan(part), f.name() + " cut at " + cut);
            }
        }
    }

    @Test
    void unknownContentTypeIsMalformed() {
        // one client, one struct, info = content ref 17 with a parent key
        byte[] bad = {1, 1, 11, 0, 17, 1, 1, 'x', 0};
        assertThrows(MalformedMessageException.class, () -> UpdateScanner.scan(bad));
    }

    @Test
    void hugeLengthIsRefusedBeforeAllocation() {
        byte[] bad = {1, 1, 11, 0, 4, 1, 1, 'x', (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
        assertThrows(MalformedMessageException.class, () -> UpdateScanner.scan(bad));
    }
}
