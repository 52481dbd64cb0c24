-- Apps members approve (OAuth 2.0 authorization code with PKCE). A grant is a sign-in of
-- the member made by an app: sign_ins.app_id names the app, sign_ins.scopes what it may read.
-- +goose Up
CREATE TABLE oauth_apps (
    id             text PRIMARY KEY,
    name           text NOT NULL,
    owner_user_id  text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uris  text NOT NULL,
    confidential   boolean NOT NULL,
    secret_hash    bytea,
    suspended_at   timestamptz,
    created_at     timestamptz NOT NULL
);
CREATE INDEX oauth_apps_owner_idx ON oauth_apps (owner_user_id);

CREATE TABLE oauth_codes (
    code_hash     bytea PRIMARY KEY,
    app_id        text NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
    user_id       text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uri  text NOT NULL,
    challenge     text NOT NULL,
    scopes        text NOT NULL,
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz,
    -- the grant the code started: a code presented again ends it (RFC 6749 §4.1.2)
    sign_in_id    text
);
CREATE INDEX oauth_codes_app_idx ON oauth_codes (app_id);

ALTER TABLE sign_ins ADD COLUMN app_id text REFERENCES oauth_apps (id) ON DELETE CASCADE;
ALTER TABLE sign_ins ADD COLUMN scopes text;
CREATE INDEX sign_ins_app_idx ON sign_ins (app_id) WHERE app_id IS NOT NULL;

-- +goose Down
DROP INDEX sign_ins_app_idx;
ALTER TABLE sign_ins DROP COLUMN scopes;
ALTER TABLE sign_ins DROP COLUMN app_id;
DROP TABLE oauth_codes;
DROP TABLE oauth_apps;
