/** Signaling's HTTP endpoints: {@code /v1/ice-servers} and {@code /admin/...}, with CORS for allowed origins. */
package dev.parley.signaling.http;
