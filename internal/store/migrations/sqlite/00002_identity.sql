-- Accounts and access: organizations, members (perfusionist records), users, API clients,
-- and the tokens that let them in. Every row records who wrote it and when.
-- +goose Up
CREATE TABLE organizations (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    code          TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 2 AND 32),
    contact_email TEXT,
    contact_phone TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    updated_by    TEXT NOT NULL
);

CREATE TABLE members (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email              TEXT,
    abcp_id            TEXT CHECK (length(abcp_id) = 6 AND abcp_id NOT GLOB '*[^0-9]*'),
    certification_date DATE,
    abcp_cycle         INTEGER CHECK (abcp_cycle IN (1, 2, 3)),
    birth_month        INTEGER CHECK (birth_month BETWEEN 1 AND 12),
    society_class      TEXT CHECK (society_class IN ('A', 'A/R', 'B', 'C')),
    status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'retired', 'deceased')),
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TIMESTAMP NOT NULL,
    created_by         TEXT NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    updated_by         TEXT NOT NULL
);
CREATE UNIQUE INDEX members_email_key ON members (email);
CREATE UNIQUE INDEX members_abcp_id_key ON members (abcp_id);

CREATE TABLE member_licenses (
    member_id  TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    state      TEXT NOT NULL CHECK (length(state) = 2 AND state NOT GLOB '*[^A-Z]*'),
    number     TEXT NOT NULL,
    issued_on  DATE,
    expires_on DATE,
    PRIMARY KEY (member_id, state)
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'organizer', 'member')),
    password_hash TEXT,
    member_id     TEXT UNIQUE REFERENCES members (id) ON DELETE RESTRICT,
    disabled_at   TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    updated_by    TEXT NOT NULL
);

CREATE TABLE organization_organizers (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      TIMESTAMP NOT NULL,
    created_by      TEXT NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX organization_organizers_user_idx ON organization_organizers (user_id);

CREATE TABLE api_clients (
    id              TEXT PRIMARY KEY,
    organization_id TEXT REFERENCES organizations (id) ON DELETE RESTRICT,
    name            TEXT NOT NULL,
    scopes          TEXT NOT NULL,
    secret_hash     BLOB NOT NULL,
    revoked_at      TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    updated_by      TEXT NOT NULL
);
CREATE INDEX api_clients_organization_idx ON api_clients (organization_id);

CREATE TABLE refresh_tokens (
    token_hash  BLOB PRIMARY KEY,
    family_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    issued_at   TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    revoked_at  TIMESTAMP
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);

CREATE TABLE claim_tokens (
    token_hash BLOB PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX claim_tokens_member_idx ON claim_tokens (member_id);

-- Which members an organization may see: those it created and those who attended its events.
CREATE TABLE organization_members (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    member_id       TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at      TIMESTAMP NOT NULL,
    created_by      TEXT NOT NULL,
    PRIMARY KEY (organization_id, member_id)
);
CREATE INDEX organization_members_member_idx ON organization_members (member_id);

-- Public halves of the token-signing keys, so every instance publishes the same key set and a
-- retired key stays published until the tokens it signed have expired.
CREATE TABLE signing_keys (
    kid        TEXT PRIMARY KEY,
    public_key BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP
);

-- +goose Down
DROP TABLE signing_keys;
DROP TABLE organization_members;
DROP TABLE claim_tokens;
DROP TABLE refresh_tokens;
DROP TABLE api_clients;
DROP TABLE organization_organizers;
DROP TABLE users;
DROP TABLE member_licenses;
DROP TABLE members;
DROP TABLE organizations;
