package dev.parley.server.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed parsing of setting values; every failure is a {@link ConfigException} naming the flag. */
final class Values {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private Values() {
    }

    static int port(String flag, String v, int min) {
        int p = integer(flag, v);
        if (p < min || p > 65535) {
            throw new ConfigException(flag, "'" + v + "' is not a port (" + min + "-65535)");
        }
        return p;
    }

    static int integer(String flag, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(flag, "'" + v + "' is not a whole number");
        }
    }

    static long nonNegativeLong(String flag, String v) {
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) {
                throw new ConfigException(flag, "'" + v + "' must not be negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(flag, "'" + v + "' is not a whole number");
        }
    }

    static int positive(String flag, String v) {
        int n = integer(flag, v);
        if (n < 1) {
            throw new ConfigException(flag, "'" + v + "' must be at least 1");
        }
        return n;
    }

    /** {@code 10s}, {@code 500ms}, {@code 5m}, {@code 12h}; a bare number is seconds. */
    static Duration duration(String flag, String v) {
        Matcher m = DURATION.matcher(v.trim());
        if (!m.matches()) {
            throw new ConfigException(flag, "'" + v + "' is not a duration like 500ms, 10s, 5m or 12h");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw new ConfigException(flag, "unknown unit in '" + v + "'");
        };
    }

    static Duration positiveDuration(String flag, String v) {
        Duration d = duration(flag, v);
        if (d.isZero()) {
            throw new ConfigException(flag, "must be more than zero");
        }
        return d;
    }

    /** A DNS name or an IP literal, as it will appear in URLs (not resolved). */
    static String host(String flag, String v) {
        String s = v.trim();
        if (!s.matches("[A-Za-z0-9.-]{1,253}") && !s.matches("\\[[0-9a-fA-F:.]+\\]")) {
            throw new ConfigException(flag, "'" + v + "' is not a host name or address");
        }
        return s;
    }

    /** An IP literal (never a host name: configuration must not depend on DNS at start). */
    static InetAddress ipLiteral(String flag, String v) {
        String s = v.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (!IPV4.matcher(s).matches() && !IPV6.matcher(s).matches()) {
            throw new ConfigException(flag, "'" + v + "' is not an IPv4 or IPv6 address");
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new ConfigException(flag, "'" + v + "' is not an IPv4 or IPv6 address");
        }
    }

    /** {@code 203.0.113.0/24}, {@code 2001:db8::/32} or a single address. */
    static String cidr(String flag, String v) {
        String s = v.trim();
        int slash = s.indexOf('/');
        InetAddress addr = ipLiteral(flag, slash < 0 ? s : s.substring(0, slash));
        int max = addr.getAddress().length * 8;
        if (slash >= 0) {
            int prefix;
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new ConfigException(flag, "'" + v + "' is not a CIDR like 10.0.0.0/8");
            }
            if (prefix < 0 || prefix > max) {
                throw new ConfigException(flag, "'" + v + "' has a prefix length outside 0-" + max);
            }
            return addr.getHostAddress() + "/" + prefix;
        }
        return addr.getHostAddress() + "/" + max;
    }

    static int[] portRange(String flag, String v) {
        String[] parts = v.trim().split("-");
        if (parts.length != 2) {
            throw new ConfigException(flag, "'" + v + "' is not a range like 49152-65535");
        }
        int lo = port(flag, parts[0], 1);
        int hi = port(flag, parts[1], 1);
        if (lo > hi) {
            throw new ConfigException(flag, "'" + v + "': the first port is above the second");
        }
        return new int[] {lo, hi};
    }

    static String[] userPass(String flag, String v) {
        int c = v.indexOf(':');
        if (c <= 0 || c == v.length() - 1) {
            throw new ConfigException(flag, "'" + redact(v) + "' is not user:password");
        }
        return new String[] {v.substring(0, c), v.substring(c + 1)};
    }

    static Path readableFile(String flag, String v) {
        Path p = Path.of(v);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new ConfigException(flag, "cannot read " + v);
        }
        return p;
    }

    static URI redisUri(String flag, String v) {
        try {
            URI u = new URI(v.trim());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("redis") && !scheme.equals("rediss") && !scheme.equals("redis-sentinel")) {
                throw new ConfigException(flag, "'" + v + "' is not a redis://, rediss:// or redis-sentinel:// URI");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new ConfigException(flag, "'" + v + "' is not a URI");
        }
    }

    static boolean bool(String flag, String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new ConfigException(flag, "'" + v + "' is not true or false");
        };
    }

    private static String redact(String v) {
        int c = v.indexOf(':');
        return c < 0 ? v : v.substring(0, c) + ":***";
    }
}
