/** The only package that touches Jetty and jakarta WebSocket: endpoints, handshake checks, outlets. */
package dev.parley.signaling.ws;
