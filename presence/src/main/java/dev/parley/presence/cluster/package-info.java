/** The cluster bus: how a message for a peer on another node makes its second hop (Redis pub/sub). */
package dev.parley.presence.cluster;
