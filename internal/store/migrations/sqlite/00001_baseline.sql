-- The starting point of the schema; each capability adds its own migration after this one.
-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
