/** The native protocol's wire format: client and server messages, JSON codec, error codes. See signaling/PROTOCOL.md. */
package dev.parley.signaling.protocol;
