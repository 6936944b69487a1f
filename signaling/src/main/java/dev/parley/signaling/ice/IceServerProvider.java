package dev.parley.signaling.ice;

/**
 * Gives a user the ICE servers (STUN + TURN with fresh credentials) to put in their
 * {@code RTCPeerConnection}. Called for every welcome, every refresh and every
 * {@code GET /v1/ice-servers}; must be cheap and must not block.
 */
@FunctionalInterface
public interface IceServerProvider {

    IceServers forUser(String userId);
}
