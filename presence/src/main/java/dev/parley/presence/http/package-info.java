/** The only package that touches Jetty and servlets: the SSE stream (Servlet async I/O) and the status/query endpoints. */
package dev.parley.presence.http;
