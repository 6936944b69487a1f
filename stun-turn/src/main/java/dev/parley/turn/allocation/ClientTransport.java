package dev.parley.turn.allocation;

/** How the client reaches the server (RFC 8656 §2.1); the relay to peers is always UDP. */
public enum ClientTransport {
    UDP, TCP, TLS;

    /** Stream transports carry ChannelData padded to 4 bytes (RFC 8656 §12.5). */
    public boolean isStream() {
        return this != UDP;
    }
}
