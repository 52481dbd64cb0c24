-- A signing key has a purpose: access tokens (api), check-in codes (checkin) or credentials
-- (badges), each with its own algorithm and rotation. The keys published so far signed
-- access tokens. public_key holds the raw 32 bytes of an Ed25519 key, or the PKIX DER of an
-- RSA key.
-- +goose Up
ALTER TABLE signing_keys ADD COLUMN purpose text NOT NULL DEFAULT 'api'
    CHECK (purpose IN ('api', 'checkin', 'badges'));
ALTER TABLE signing_keys ADD COLUMN algorithm text NOT NULL DEFAULT 'EdDSA'
    CHECK (algorithm IN ('EdDSA', 'RS256'));
CREATE INDEX signing_keys_purpose_idx ON signing_keys (purpose, created_at);

-- +goose Down
DROP INDEX signing_keys_purpose_idx;
DELETE FROM signing_keys WHERE purpose <> 'api';
ALTER TABLE signing_keys DROP COLUMN algorithm;
ALTER TABLE signing_keys DROP COLUMN purpose;
