/** Long-term credentials (RFC 8489 §9.2), nonces, the TURN REST API scheme and the pluggable {@link dev.parley.turn.auth.Authenticator}. */
package dev.parley.turn.auth;
