package dev.parley.server;

import dev.parley.auth.TokenVerifier;
import dev.parley.server.config.ConfigException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code parley token --user alice [--room r1 ...] [--ttl 1h] [--admin] [--read-only]}: prints a
 * signed token for the configured {@code --auth-secret} (or {@code PARLEY_AUTH_SECRET}), for trying
 * an authenticated node by hand and for scripts. Applications mint their own tokens with any JWT
 * library: HS256, {@code sub}, {@code exp}, optional {@code rooms}, {@code ro}, {@code admin}.
 */
final class TokenCommand {

    private TokenCommand() {
    }

    static int run(List<String> args, Map<String, String> env, PrintStream out) {
        String secret = env.get("PARLEY_AUTH_SECRET");
        String user = null;
        List<String> rooms = new ArrayList<>();
        Duration ttl = Duration.ofHours(1);
        boolean admin = false;
        boolean readOnly = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--auth-secret" -> secret = value(args, ++i, a);
                case "--user" -> user = value(args, ++i, a);
                case "--room" -> rooms.add(value(args, ++i, a));
                case "--ttl" -> ttl = parseTtl(value(args, ++i, a));
                case "--admin" -> admin = true;
                case "--read-only" -> readOnly = true;
                default -> throw new ConfigException(a.replaceFirst("^--", ""), "unknown flag for 'parley token'"
                        + " (use --auth-secret, --user, --room, --ttl, --admin, --read-only)");
            }
        }
        if (secret == null) {
            throw new ConfigException("auth-secret", "needed to sign a token (or set PARLEY_AUTH_SECRET)");
        }
        if (user == null) {
            throw new ConfigException("user", "needed: the token's subject");
        }
        TokenVerifier tokens;
        try {
            tokens = TokenVerifier.of(secret, Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("auth-secret", e.getMessage());
        }
        out.println(tokens.mint(user, rooms.isEmpty() ? null : rooms, readOnly, admin, ttl));
        return 0;
    }

    private static String value(List<String> args, int i, String flag) {
        if (i >= args.size()) {
            throw new ConfigException(flag.substring(2), "needs a value");
        }
        return args.get(i);
    }

    private static Duration parseTtl(String v) {
        return dev.parley.server.config.ParleyConfig.parseDuration("ttl", v);
    }
}
