-- Apps members approve (OAuth 2.0 authorization code with PKCE). A grant is a sign-in of
-- the member made by an app: sign_ins.app_id names the app, sign_ins.scopes what it may read.
-- +goose Up
CREATE TABLE oauth_apps (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    owner_user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uris  TEXT NOT NULL,
    confidential   BOOLEAN NOT NULL,
    secret_hash    BLOB,
    suspended_at   TIMESTAMP,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX oauth_apps_owner_idx ON oauth_apps (owner_user_id);

CREATE TABLE oauth_codes (
    code_hash     BLOB PRIMARY KEY,
    app_id        TEXT NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uri  TEXT NOT NULL,
    challenge     TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    used_at       TIMESTAMP,
    -- the grant the code started: a code presented again ends it (RFC 6749 §4.1.2)
    sign_in_id    TEXT
);
CREATE INDEX oauth_codes_app_idx ON oauth_codes (app_id);

ALTER TABLE sign_ins ADD COLUMN app_id TEXT REFERENCES oauth_apps (id) ON DELETE CASCADE;
ALTER TABLE sign_ins ADD COLUMN scopes TEXT;
CREATE INDEX sign_ins_app_idx ON sign_ins (app_id) WHERE app_id IS NOT NULL;

-- +goose Down
DROP INDEX sign_ins_app_idx;
ALTER TABLE sign_ins DROP COLUMN scopes;
ALTER TABLE sign_ins DROP COLUMN app_id;
DROP TABLE oauth_codes;
DROP TABLE oauth_apps;
