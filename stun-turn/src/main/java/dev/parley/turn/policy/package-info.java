/** Which peers may be relayed to (RFC 8656 §21 security considerations), quotas and per-source rate limits. */
package dev.parley.turn.policy;
