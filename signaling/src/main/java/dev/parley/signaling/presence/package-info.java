/** The signaling → presence port: sessions' connects, room joins/leaves, ends and chosen status. */
package dev.parley.signaling.presence;
