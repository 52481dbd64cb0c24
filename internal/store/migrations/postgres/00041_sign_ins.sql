-- A sign-in: every access token, refresh token and page session it issues carries its id
-- (sid), and ends with it. An API sign-in's id is its refresh tokens' family.
-- +goose Up
CREATE TABLE sign_ins (
    id          text PRIMARY KEY,
    user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    ended_at    timestamptz
);
CREATE INDEX sign_ins_user_idx ON sign_ins (user_id) WHERE ended_at IS NULL;

-- +goose Down
DROP TABLE sign_ins;
