-- Notifications: password reset tokens (by hash, like claim tokens); webhook subscriptions
-- (the secret is kept as is: it signs every delivery), their delivery log and the last
-- progress status each was told of; people's
-- notification preferences; the deadline reminders sent, so each goes once; and the secret
-- (by hash) of each member's calendar feed.

-- +goose Up
CREATE TABLE password_resets (
    token_hash BLOB PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);

CREATE TABLE webhook_subscriptions (
    id              TEXT PRIMARY KEY,
    organization_id TEXT REFERENCES organizations (id) ON DELETE CASCADE,
    client_id       TEXT REFERENCES api_clients (id) ON DELETE CASCADE,
    url             TEXT NOT NULL,
    event_types     TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    secret          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
    disabled_reason TEXT NOT NULL DEFAULT '',
    failing_since   TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX webhook_subscriptions_organization_idx ON webhook_subscriptions (organization_id);
CREATE INDEX webhook_subscriptions_client_idx ON webhook_subscriptions (client_id);

CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    subscription_id  TEXT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_type       TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER,
    last_error       TEXT NOT NULL DEFAULT '',
    last_attempt_at  TIMESTAMP,
    delivered_at     TIMESTAMP,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, created_at);

CREATE TABLE webhook_progress (
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    member_id       TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    program_id      TEXT NOT NULL,
    period_start    DATE NOT NULL,
    status          TEXT NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (subscription_id, member_id, program_id, period_start)
);

CREATE TABLE notification_preferences (
    user_id            TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    deadline_reminders BOOLEAN NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);

CREATE TABLE reminders_sent (
    member_id  TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    program_id TEXT NOT NULL,
    period_end DATE NOT NULL,
    threshold  TEXT NOT NULL,
    sent_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (member_id, program_id, period_end, threshold)
);

CREATE TABLE calendar_feeds (
    member_id  TEXT PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX calendar_feeds_token_key ON calendar_feeds (token_hash);

-- +goose Down
DROP TABLE calendar_feeds;
DROP TABLE reminders_sent;
DROP TABLE notification_preferences;
DROP TABLE webhook_progress;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
DROP TABLE password_resets;
