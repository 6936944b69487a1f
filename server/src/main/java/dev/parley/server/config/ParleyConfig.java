package dev.parley.server.config;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import dev.parley.signaling.SignalingConfig;

/**
 * The whole validated configuration of one Parley process. Built by {@link #from(Mode, Settings)}
 * from the flag table ({@link Flags}); every problem is a {@link ConfigException} naming the flag.
 *
 * @param relayIp    null = pick the first non-loopback address at start
 * @param turnsPort  -1 = TLS listener off
 * @param turnSecrets empty = a random secret is generated at start
 * @param redis      null = in-memory presence and routing (single node)
 * @param nodeId     null = hostname + random suffix, chosen at start
 * @param authSecret null = dev mode (anonymous access)
 */
public record ParleyConfig(
        Mode mode,
        int httpPort,
        InetAddress bind,
        int turnPort,
        int turnsPort,
        InetAddress relayIp,
        InetAddress externalIp,
        int relayPortMin,
        int relayPortMax,
        String realm,
        List<String> turnSecrets,
        Map<String, String> turnUsers,
        List<String> allowPeers,
        boolean allowLoopbackPeers,
        int userQuota,
        int totalQuota,
        long maxBytesPerSecond,
        Duration turnDefaultLifetime,
        Duration turnMaxLifetime,
        Duration turnNonceLifetime,
        int turnSourceRps,
        String publicHost,
        Duration iceTtl,
        List<String> iceUrls,
        SignalingConfig signaling,
        int ywebsocketCompactAfter,
        URI redis,
        String nodeId,
        Duration presenceGrace,
        Duration nodeLeaseTtl,
        Duration sseKeepAlive,
        int presenceHistory,
        int sseBuffer,
        String authSecret,
        List<String> allowedOrigins,
        Path tlsCert,
        Path tlsKey,
        Duration drainTimeout,
        String logLevel) {

    private static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");

    public ParleyConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(bind, "bind");
        turnSecrets = List.copyOf(turnSecrets);
        turnUsers = Map.copyOf(turnUsers);
        allowPeers = List.copyOf(allowPeers);
        allowedOrigins = List.copyOf(allowedOrigins);
        iceUrls = List.copyOf(iceUrls);
        Objects.requireNonNull(signaling, "signaling");
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new ConfigException(tlsCert == null ? "tls-cert" : "tls-key",
                    "--tls-cert and --tls-key go together");
        }
        if (authSecret != null && authSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
            throw new ConfigException("auth-secret", "must be at least 32 bytes for HS256");
        }
        if (realm.isBlank() || realm.length() > 127) {
            throw new ConfigException("realm", "must be 1-127 characters");
        }
        if (!LEVELS.contains(logLevel)) {
            throw new ConfigException("log-level", "'" + logLevel + "' is not one of " + String.join(", ", LEVELS));
        }
        if (nodeLeaseTtl.toMillis() < 300) {
            throw new ConfigException("node-lease-ttl", "must be at least 300ms");
        }
        if (presenceHistory < 10) {
            throw new ConfigException("presence-history", "must be at least 10");
        }
        if (sseBuffer < 4) {
            throw new ConfigException("sse-buffer", "must be at least 4");
        }
        if (iceTtl.toSeconds() < 60) {
            throw new ConfigException("ice-ttl", "must be at least 60s");
        }
        if (turnDefaultLifetime.toSeconds() < 60 || turnMaxLifetime.compareTo(turnDefaultLifetime) < 0
                || turnMaxLifetime.toSeconds() > 86_400) {
            throw new ConfigException("turn-max-lifetime",
                    "need 60s <= --turn-default-lifetime <= --turn-max-lifetime <= 24h");
        }
        if (relayPortMin < 1024) {
            throw new ConfigException("relay-ports", "must start at 1024 or above");
        }
        if (nodeId != null && !nodeId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException("node-id", "'" + nodeId + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (turnsPort >= 0 && turnsPort == turnPort && turnPort != 0) {
            throw new ConfigException("turns-port", "is the same as --turn-port");
        }
        if (mode == Mode.SERVE && httpPort != 0 && (httpPort == turnPort || httpPort == turnsPort)) {
            throw new ConfigException("http-port", "is the same as a TURN port");
        }
    }

    /** Types and validates raw settings. */
    public static ParleyConfig from(Mode mode, Settings s) {
        int[] range = Values.portRange("relay-ports", s.get("relay-ports"));
        Map<String, String> users = new LinkedHashMap<>();
        for (String up : s.all("turn-user")) {
            String[] p = Values.userPass("turn-user", up);
            users.put(p[0], p[1]);
        }
        String turns = s.get("turns-port");
        return new ParleyConfig(
                mode,
                Values.port("http-port", s.get("http-port"), 0),
                Values.ipLiteral("bind", s.get("bind")),
                Values.port("turn-port", s.get("turn-port"), 0),
                turns.trim().equals("-1") ? -1 : Values.port("turns-port", turns, 0),
                s.get("relay-ip") == null ? null : Values.ipLiteral("relay-ip", s.get("relay-ip")),
                s.get("external-ip") == null ? null : Values.ipLiteral("external-ip", s.get("external-ip")),
                range[0], range[1],
                s.get("realm"),
                s.all("turn-secret"),
                users,
                s.all("allow-peer").stream().map(c -> Values.cidr("allow-peer", c)).toList(),
                Values.bool("allow-loopback-peers", s.get("allow-loopback-peers")),
                Values.positive("turn-user-quota", s.get("turn-user-quota")),
                Values.positive("turn-total-quota", s.get("turn-total-quota")),
                Values.nonNegativeLong("turn-max-bps", s.get("turn-max-bps")),
                Values.positiveDuration("turn-default-lifetime", s.get("turn-default-lifetime")),
                Values.positiveDuration("turn-max-lifetime", s.get("turn-max-lifetime")),
                Values.positiveDuration("turn-nonce-lifetime", s.get("turn-nonce-lifetime")),
                Values.positive("turn-source-rps", s.get("turn-source-rps")),
                s.get("public-host") == null ? null : Values.host("public-host", s.get("public-host")),
                Values.positiveDuration("ice-ttl", s.get("ice-ttl")),
                s.all("ice-url").stream().map(u -> Values.iceUrl("ice-url", u)).toList(),
                signaling(s),
                compactAfter(s.get("ywebsocket-compact-after")),
                s.get("redis") == null ? null : Values.redisUri("redis", s.get("redis")),
                s.get("node-id"),
                Values.positiveDuration("presence-grace", s.get("presence-grace")),
                Values.positiveDuration("node-lease-ttl", s.get("node-lease-ttl")),
                Values.positiveDuration("sse-keepalive", s.get("sse-keepalive")),
                Values.positive("presence-history", s.get("presence-history")),
                Values.positive("sse-buffer", s.get("sse-buffer")),
                s.get("auth-secret"),
                s.all("allowed-origin"),
                s.get("tls-cert") == null ? null : Values.readableFile("tls-cert", s.get("tls-cert")),
                s.get("tls-key") == null ? null : Values.readableFile("tls-key", s.get("tls-key")),
                Values.duration("drain-timeout", s.get("drain-timeout")),
                s.get("log-level").trim().toLowerCase(Locale.ROOT));
    }

    /** 0 (never) or at least 2 stored updates. */
    private static int compactAfter(String v) {
        int n = Values.integer("ywebsocket-compact-after", v);
        if (n != 0 && n < 2) {
            throw new ConfigException("ywebsocket-compact-after", "'" + v + "' must be 0 (never) or at least 2");
        }
        return n;
    }

    private static SignalingConfig signaling(Settings s) {
        try {
            return new SignalingConfig(
                    Values.positiveDuration("signal-heartbeat", s.get("signal-heartbeat")),
                    Values.duration("signal-resume-grace", s.get("signal-resume-grace")),
                    Values.positiveDuration("signal-hello-timeout", s.get("signal-hello-timeout")),
                    Values.positive("signal-max-frame", s.get("signal-max-frame")),
                    Values.positive("signal-rate", s.get("signal-rate")),
                    Values.positive("signal-burst", s.get("signal-burst")),
                    Values.positive("signal-max-rooms", s.get("signal-max-rooms")),
                    Values.positive("signal-max-peers", s.get("signal-max-peers")),
                    Values.positive("max-connections", s.get("max-connections")),
                    Values.positive("signal-queue-messages", s.get("signal-queue-messages")),
                    Values.nonNegativeLong("signal-queue-bytes", s.get("signal-queue-bytes")),
                    Values.positive("signal-resume-messages", s.get("signal-resume-messages")),
                    Values.nonNegativeLong("signal-resume-bytes", s.get("signal-resume-bytes")),
                    s.get("peerjs-key"),
                    Values.bool("peerjs-discovery", s.get("peerjs-discovery")),
                    Values.positiveDuration("peerjs-expire", s.get("peerjs-expire")),
                    Values.positiveDuration("peerjs-alive", s.get("peerjs-alive")),
                    Values.positiveDuration("ywebrtc-ping", s.get("ywebrtc-ping")));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(null, "signaling limits: " + e.getMessage());
        }
    }

    /** Parses a whole command line: {@code serve|turn [flags]}. */
    public static ParleyConfig parse(List<String> args, Map<String, String> env) {
        if (args.isEmpty()) {
            throw new ConfigException(null, "missing command: serve or turn (see --help)");
        }
        Mode mode = Mode.parse(args.get(0));
        return from(mode, Settings.load(args.subList(1, args.size()), env));
    }

    /** Parses a duration as the flags do ({@code 500ms}, {@code 10s}, {@code 5m}, {@code 12h}). */
    public static Duration parseDuration(String flag, String value) {
        return Values.duration(flag, value);
    }

    public boolean devMode() {
        return authSecret == null;
    }
}
