/** The HTTP server (Jetty): listeners, CORS, health, metrics and the demo's static files. */
package dev.parley.server.http;
