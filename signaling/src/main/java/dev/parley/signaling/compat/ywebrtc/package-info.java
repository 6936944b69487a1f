/** y-webrtc's signaling protocol ({@code bin/server.js}): subscribe / unsubscribe / publish / ping on topics. No Jetty. */
package dev.parley.signaling.compat.ywebrtc;
