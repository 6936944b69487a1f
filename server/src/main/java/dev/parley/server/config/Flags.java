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
            new Flag("turn-default-lifetime", "DURATION", "10m", false, "TURN allocation lifetime when the client asks for less"),
            new Flag("turn-max-lifetime", "DURATION", "1h", false, "upper bound of a TURN allocation's LIFETIME"),
            new Flag("turn-nonce-lifetime", "DURATION", "10m", false, "how long a TURN nonce stays valid before 438 Stale Nonce"),
            new Flag("turn-source-rps", "N", "500", false, "STUN/TURN requests per second accepted from one source IP (burst twice that)"),
            new Flag("public-host", "HOST", null, false, "host name or address put in the ICE server URLs handed to browsers (default: external-ip)"),
            new Flag("ice-ttl", "DURATION", "12h", false, "lifetime of the TURN credentials handed to signaling peers"),
            new Flag("ice-url", "URL", null, true, "advertise this stun:/turn:/turns: URL instead of this node's own relay, e.g. separate TURN hosts (repeatable)"),
            // signaling
            new Flag("signal-heartbeat", "DURATION", "20s", false, "WebSocket ping interval; a connection silent for two is dead"),
            new Flag("signal-resume-grace", "DURATION", "60s", false, "how long a dropped signaling session can be resumed"),
            new Flag("signal-hello-timeout", "DURATION", "10s", false, "time a new connection has to send hello"),
            new Flag("signal-max-frame", "BYTES", "65536", false, "largest WebSocket message (closed with 1009 above it)"),
            new Flag("signal-rate", "N", "200", false, "messages per second per connection (token bucket refill)"),
            new Flag("signal-burst", "N", "400", false, "token bucket size per connection"),
            new Flag("signal-max-rooms", "N", "16", false, "rooms one session may be in"),
            new Flag("signal-max-peers", "N", "256", false, "peers per room"),
            new Flag("max-connections", "N", "50000", false, "WebSocket connections per node, all endpoints together"),
            new Flag("signal-queue-messages", "N", "1024", false, "outbound messages queued per connection before it is closed as slow"),
            new Flag("signal-queue-bytes", "BYTES", "4194304", false, "outbound bytes queued per connection before it is closed as slow"),
            new Flag("signal-resume-messages", "N", "512", false, "messages kept per session for replay on resume"),
            new Flag("signal-resume-bytes", "BYTES", "1048576", false, "bytes kept per session for replay on resume"),
            new Flag("peerjs-key", "KEY", "peerjs", false, "PeerJS API key on /compat/peerjs/ (with --auth-secret the key must be a token)"),
            new Flag("peerjs-discovery", null, "false", false, "allow GET /compat/peerjs/{key}/peers"),
            new Flag("peerjs-expire", "DURATION", "5s", false, "a PeerJS message for an absent id is answered with EXPIRE after this"),
            new Flag("peerjs-alive", "DURATION", "90s", false, "a PeerJS socket without HEARTBEAT is closed after this"),
            new Flag("ywebrtc-ping", "DURATION", "30s", false, "y-webrtc compatibility ping interval"),
            new Flag("ywebsocket-compact-after", "N", "1000", false, "stored updates per /compat/y-websocket room after which a client's whole document replaces them (0 = never)"),
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
