/** TURN allocation state (RFC 8656 §2.2): five-tuples, allocations, permissions, channel bindings and the table that holds them; no socket code. */
package dev.parley.turn.allocation;
