/** The PeerJS server protocol (peers/peerjs-server): ids, OPEN/OFFER/ANSWER/CANDIDATE/LEAVE/EXPIRE/HEARTBEAT, queued messages. No Jetty. */
package dev.parley.signaling.compat.peerjs;
