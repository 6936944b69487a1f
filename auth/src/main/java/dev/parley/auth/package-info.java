/** Tokens (HS256 JWT), origin allow-list and CORS, shared by every HTTP-facing module. */
package dev.parley.auth;
