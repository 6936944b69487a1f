/** STUN/TURN wire format (RFC 8489, RFC 8656): structural validation, integrity, and the allocation-free ChannelData / Data-indication framing on top of ice4j's codec. */
package dev.parley.turn.proto;
