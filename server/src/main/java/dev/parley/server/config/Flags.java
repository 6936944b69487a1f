package dev.parley.server.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The flag table: the contract operators and tools rely on (see the README's configuration table). */
public final class Flags {

    public static final List<Flag> ALL = List.of(
            // where and how to listen
            new Flag("http-port", "PORT", "8080", false, "HTTP, WebSocket and SSE port (0 = any free port)"),
            new Flag("bind", "ADDR", "0.0.0.0", false, "listen address for every listener"),
            new Flag("turn-port", "PORT", "3478", false, "STUN/TURN over UDP and TCP (0 = any free port)"),
            new Flag("turns-port", "PORT", "5349", false, "TURN over TLS (0 = any free port, -1 = off)"),
            new Flag("relay-ip", "ADDR", null, false, "address of the relay sockets (default: first non-loopback address)"),
            new Flag("external-ip", "ADDR", null, false, "address advertised in XOR-RELAYED-ADDRESS, for 1:1 NAT (default: relay-ip)"),
            new Flag("relay-ports", "A-B", "49152-65535", false, "relay port range"),
            // TURN authentication and policy
            new Flag("realm", "REALM", "parley", false, "TURN realm"),
            new Flag("turn-secret", "SECRET", null, true, "TURN REST API shared secret; repeat to accept several during rotation (default: random per start)"),
            new Flag("turn-user", "USER:PASS", null, true, "static long-term TURN credential (repeatable)"),
            new Flag("allow-peer", "CIDR", null, true, "also relay to peers in this range (repeatable)"),
            new Flag("allow-loopback-peers", null, "false", false, "also relay to loopback peers (tests, local development)"),
            new Flag("turn-user-quota", "N", "100", false, "TURN allocations per user (486 past it)"),
            new Flag("turn-total-quota", "N", "20000", false, "TURN allocations in total (486 past it)"),
            new Flag("turn-max-bps", "BYTES", "0", false, "relayed bytes/s per allocation (0 = unlimited)"),
            new Flag("public-host", "HOST", null, false, "host name or address put in the ICE server URLs handed to browsers (default: external-ip)"),
            new Flag("ice-ttl", "DURATION", "12h", false, "lifetime of the TURN credentials handed to signaling peers"),
            // cluster
            new Flag("redis", "URI", null, false, "Redis for presence and cross-node routing, e.g. redis://host:6379 (default: in-memory)"),
            new Flag("node-id", "NAME", null, false, "this node's name in a cluster (default: hostname + random)"),
            // presence
            new Flag("presence-grace", "DURATION", "10s", false, "time before a leave / offline becomes visible (no flapping on reconnects and restarts)"),
            new Flag("node-lease-ttl", "DURATION", "15s", false, "a node that has not renewed its lease for this long is reaped by the others"),
            new Flag("sse-keepalive", "DURATION", "15s", false, "interval of SSE keep-alive comments"),
            new Flag("presence-history", "N", "1000", false, "presence events kept per room for Last-Event-ID replay"),
            new Flag("sse-buffer", "N", "1024", false, "events queued per SSE subscriber before it is dropped as slow"),
            // security
            new Flag("auth-secret", "SECRET", null, false, "HS256 secret for signaling/presence tokens, >= 32 bytes (default: dev mode, no auth)"),
            new Flag("allowed-origin", "ORIGIN", null, true, "browser origin allowed to connect (repeatable; default: same origin and localhost; * = any)"),
            new Flag("tls-cert", "PEM", null, false, "certificate chain for TURNS (default: self-signed, generated at start)"),
            new Flag("tls-key", "PEM", null, false, "private key for --tls-cert"),
            // operations
            new Flag("drain-timeout", "DURATION", "10s", false, "on SIGTERM, how long to let clients move before stopping hard"),
            new Flag("log-level", "LEVEL", "info", false, "error, warn, info, debug or trace"),
            new Flag("config", "FILE", null, false, "properties file with any of these settings (key = flag name)"));

    private static final Map<String, Flag> BY_NAME = new LinkedHashMap<>();

    static {
        for (Flag f : ALL) {
            BY_NAME.put(f.name(), f);
        }
    }

    private Flags() {
    }

    public static Flag byName(String name) {
        return BY_NAME.get(name);
    }
}
