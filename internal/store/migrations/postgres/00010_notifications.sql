-- Notifications: password reset tokens (by hash, like claim tokens); webhook subscriptions
-- (the secret is kept as is: it signs every delivery), their delivery log and the last
-- progress status each was told of; people's
-- notification preferences; the deadline reminders sent, so each goes once; and the secret
-- (by hash) of each member's calendar feed.

-- +goose Up
CREATE TABLE password_resets (
    token_hash bytea PRIMARY KEY,
    user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);

CREATE TABLE webhook_subscriptions (
    id              text PRIMARY KEY,
    organization_id text REFERENCES organizations (id) ON DELETE CASCADE,
    client_id       text REFERENCES api_clients (id) ON DELETE CASCADE,
    url             text NOT NULL,
    event_types     text NOT NULL,
    description     text NOT NULL DEFAULT '',
    secret          text NOT NULL,
    status          text NOT NULL CHECK (status IN ('active', 'disabled')),
    disabled_reason text NOT NULL DEFAULT '',
    failing_since   timestamptz,
    created_at      timestamptz NOT NULL,
    created_by      text NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX webhook_subscriptions_organization_idx ON webhook_subscriptions (organization_id);
CREATE INDEX webhook_subscriptions_client_idx ON webhook_subscriptions (client_id);

CREATE TABLE webhook_deliveries (
    id               text PRIMARY KEY,
    subscription_id  text NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_type       text NOT NULL,
    payload          text NOT NULL,
    status           text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    last_status_code integer,
    last_error       text NOT NULL DEFAULT '',
    last_attempt_at  timestamptz,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL
);
CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, created_at);

CREATE TABLE webhook_progress (
    subscription_id text NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    member_id       text NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    program_id      text NOT NULL,
    period_start    date NOT NULL,
    status          text NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (subscription_id, member_id, program_id, period_start)
);

CREATE TABLE notification_preferences (
    user_id            text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    deadline_reminders boolean NOT NULL,
    updated_at         timestamptz NOT NULL
);

CREATE TABLE reminders_sent (
    member_id  text NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    program_id text NOT NULL,
    period_end date NOT NULL,
    threshold  text NOT NULL,
    sent_at    timestamptz NOT NULL,
    PRIMARY KEY (member_id, program_id, period_end, threshold)
);

CREATE TABLE calendar_feeds (
    member_id  text PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL,
    created_at timestamptz NOT NULL
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
