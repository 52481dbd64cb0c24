-- A session may have no ABCP category ('none'), as an activity may (00009): such a credit
-- counts only where a program accepts one of its approvers (an event as a whole is Category I
-- or II: ABCP counts a meeting it did not approve as Category II).
-- +goose Up
ALTER TABLE sessions DROP CONSTRAINT sessions_category_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_category_check CHECK (category IN ('I', 'II', 'III', 'none'));

-- +goose Down
-- Sessions without an ABCP category cannot go back: the constraint fails, nothing is dropped.
ALTER TABLE sessions DROP CONSTRAINT sessions_category_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_category_check CHECK (category IN ('I', 'II', 'III'));
