// Package auth holds Recert's credentials logic: the key store with a signing key per
// purpose (KeyStore: Ed25519 access-token keys and their rotation, the Ed25519 check-in key,
// the RSA credential key with its JWK), JWT access tokens (issue and verify) with a JSON Web
// Key Set, argon2id password hashes and the password policy, opaque high-entropy secrets
// (refresh tokens, client secrets, claim tokens). Which scopes exist, and who holds them, is the vocabulary's (recert).
//
// The package is pure: it touches no database and no HTTP, and it never logs. Storage and
// the HTTP middleware call it and decide what to persist, show or log. Errors it returns
// never contain a token, a password or a secret.
package auth
