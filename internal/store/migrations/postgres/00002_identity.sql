-- Accounts and access: organizations, members (perfusionist records), users, API clients,
-- and the tokens that let them in. Every row records who wrote it and when.
-- +goose Up
CREATE TABLE organizations (
    id            text PRIMARY KEY,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    code          text NOT NULL UNIQUE CHECK (length(code) BETWEEN 2 AND 32),
    contact_email text,
    contact_phone text,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL,
    created_by    text NOT NULL,
    updated_at    timestamptz NOT NULL,
    updated_by    text NOT NULL
);

CREATE TABLE members (
    id                 text PRIMARY KEY,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email              text,
    abcp_id            text CHECK (abcp_id ~ '^[0-9]{6}$'),
    certification_date date,
    abcp_cycle         integer CHECK (abcp_cycle IN (1, 2, 3)),
    birth_month        integer CHECK (birth_month BETWEEN 1 AND 12),
    society_class      text CHECK (society_class IN ('A', 'A/R', 'B', 'C')),
    status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'retired', 'deceased')),
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL,
    created_by         text NOT NULL,
    updated_at         timestamptz NOT NULL,
    updated_by         text NOT NULL
);
CREATE UNIQUE INDEX members_email_key ON members (email);
CREATE UNIQUE INDEX members_abcp_id_key ON members (abcp_id);

CREATE TABLE member_licenses (
    member_id  text NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    state      text NOT NULL CHECK (state ~ '^[A-Z]{2}$'),
    number     text NOT NULL,
    issued_on  date,
    expires_on date,
    PRIMARY KEY (member_id, state)
);

CREATE TABLE users (
    id            text PRIMARY KEY,
    email         text NOT NULL UNIQUE,
    name          text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'organizer', 'member')),
    password_hash text,
    member_id     text UNIQUE REFERENCES members (id) ON DELETE RESTRICT,
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL,
    created_by    text NOT NULL,
    updated_at    timestamptz NOT NULL,
    updated_by    text NOT NULL
);

CREATE TABLE organization_organizers (
    organization_id text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL,
    created_by      text NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX organization_organizers_user_idx ON organization_organizers (user_id);

CREATE TABLE api_clients (
    id              text PRIMARY KEY,
    organization_id text REFERENCES organizations (id) ON DELETE RESTRICT,
    name            text NOT NULL,
    scopes          text NOT NULL,
    secret_hash     bytea NOT NULL,
    revoked_at      timestamptz,
    created_at      timestamptz NOT NULL,
    created_by      text NOT NULL,
    updated_at      timestamptz NOT NULL,
    updated_by      text NOT NULL
);
CREATE INDEX api_clients_organization_idx ON api_clients (organization_id);

CREATE TABLE refresh_tokens (
    token_hash  bytea PRIMARY KEY,
    family_id   text NOT NULL,
    user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    issued_at   timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);

CREATE TABLE claim_tokens (
    token_hash bytea PRIMARY KEY,
    member_id  text NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL
);
CREATE INDEX claim_tokens_member_idx ON claim_tokens (member_id);

-- Which members an organization may see: those it created and those who attended its events.
CREATE TABLE organization_members (
    organization_id text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    member_id       text NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL,
    created_by      text NOT NULL,
    PRIMARY KEY (organization_id, member_id)
);
CREATE INDEX organization_members_member_idx ON organization_members (member_id);

-- Public halves of the token-signing keys, so every instance publishes the same key set and a
-- retired key stays published until the tokens it signed have expired.
CREATE TABLE signing_keys (
    kid        text PRIMARY KEY,
    public_key bytea NOT NULL,
    created_at timestamptz NOT NULL,
    retired_at timestamptz
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
