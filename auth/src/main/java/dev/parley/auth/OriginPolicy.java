package dev.parley.auth;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which browser origins may open WebSockets and read HTTP responses (CORS).
 *
 * <p>Default (no {@code --allowed-origin}): the same origin as the request's Host, and any
 * {@code localhost} / {@code 127.0.0.1} / {@code [::1]} origin. A request without an Origin header
 * comes from a non-browser client and is allowed: origin checks protect browsers' users from
 * other sites, not the server from scripts. {@code *} allows every origin. An entry may be a full
 * origin ({@code https://app.example.com}) or a wildcard subdomain ({@code https://*.example.com}).
 */
public final class OriginPolicy {

    private final List<String> allowed;
    private final boolean any;

    private OriginPolicy(List<String> allowed) {
        this.allowed = allowed.stream().map(OriginPolicy::normalize).toList();
        this.any = allowed.contains("*");
    }

    /** @param allowed configured origins; empty = the default policy described above */
    public static OriginPolicy of(List<String> allowed) {
        for (String a : allowed) {
            if (!a.equals("*") && !a.matches("(?i)https?://[^/\\s]+")) {
                throw new IllegalArgumentException("'" + a + "' is not an origin like https://app.example.com");
            }
        }
        return new OriginPolicy(List.copyOf(allowed));
    }

    public boolean isDefault() {
        return allowed.isEmpty();
    }

    /**
     * @param origin the request's Origin header, or null
     * @param host   the request's Host header (for the same-origin rule), or null
     */
    public boolean allows(String origin, String host) {
        if (origin == null || origin.isEmpty()) {
            return true;
        }
        if (any) {
            return true;
        }
        String o = normalize(origin);
        if (allowed.isEmpty()) {
            return isLocal(o) || sameOrigin(o, host);
        }
        for (String a : allowed) {
            if (a.equals(o) || matchesWildcard(a, o)) {
                return true;
            }
        }
        return sameOrigin(o, host);
    }

    private static boolean matchesWildcard(String pattern, String origin) {
        int star = pattern.indexOf("://*.");
        if (star < 0) {
            return false;
        }
        String scheme = pattern.substring(0, star + 3);
        String suffix = pattern.substring(star + 4);
        return origin.startsWith(scheme) && origin.endsWith(suffix)
                && origin.length() > scheme.length() + suffix.length();
    }

    private static boolean isLocal(String origin) {
        try {
            String h = URI.create(origin).getHost();
            return h != null && (h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]") || h.equals("::1"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean sameOrigin(String origin, String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return origin.equals("http://" + h) || origin.equals("https://" + h)
                || origin.equals("http://" + stripPort(h, "80")) || origin.equals("https://" + stripPort(h, "443"));
    }

    private static String stripPort(String host, String port) {
        return host.endsWith(":" + port) ? host.substring(0, host.length() - port.length() - 1) : host;
    }

    private static String normalize(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
