/**
 * Presence: who is online per room and per user, pushed over SSE; cluster-wide through Redis.
 * Entry point: {@link dev.parley.presence.PresenceService}; the cross-node bus factory:
 * {@link dev.parley.presence.ClusterBuses}.
 */
package dev.parley.presence;
