/** ICE servers handed to clients: STUN plus TURN with short-lived REST credentials. */
package dev.parley.signaling.ice;
