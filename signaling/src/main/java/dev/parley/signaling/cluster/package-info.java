/**
 * Several nodes as one: cluster-wide rooms (rosters, peer-joined/peer-left, room relays), node
 * leases and reaping, reconciliation after Redis outages, and moving a detached session to the node
 * a client resumes on. Domain code: the Redis adapter lives in {@code cluster.redis}.
 */
package dev.parley.signaling.cluster;
