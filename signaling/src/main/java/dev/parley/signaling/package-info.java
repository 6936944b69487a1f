/** WebRTC signaling. */
package dev.parley.signaling;
