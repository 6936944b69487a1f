package dev.parley.turn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/** Loads hex fixtures (one message per line, '#' comments) from test resources. */
public final class Fixtures {
    private Fixtures() {
    }

    public static List<byte[]> hexLines(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .map(l -> HexFormat.of().parseHex(l)).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
