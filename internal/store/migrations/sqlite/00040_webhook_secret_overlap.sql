-- A rotated-out signing secret keeps signing deliveries beside the new one for a day.
-- +goose Up
ALTER TABLE webhook_subscriptions ADD COLUMN previous_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_subscriptions ADD COLUMN previous_secret_expires_at TIMESTAMP;

-- +goose Down
ALTER TABLE webhook_subscriptions DROP COLUMN previous_secret_expires_at;
ALTER TABLE webhook_subscriptions DROP COLUMN previous_secret;
