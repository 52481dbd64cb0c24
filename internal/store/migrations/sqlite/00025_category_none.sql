-- A session may have no ABCP category ('none'), as an activity may (00009): such a credit
-- counts only where a program accepts one of its approvers (an event as a whole is Category I
-- or II: ABCP counts a meeting it did not approve as Category II). SQLite cannot change a
-- CHECK in place: the column is replaced by a copy with the wider CHECK.
-- +goose Up
ALTER TABLE sessions ADD COLUMN category_next TEXT CHECK (category_next IN ('I', 'II', 'III', 'none'));
UPDATE sessions SET category_next = category;
ALTER TABLE sessions DROP COLUMN category;
ALTER TABLE sessions RENAME COLUMN category_next TO category;

-- +goose Down
-- Sessions without an ABCP category cannot go back: the copy fails, nothing is dropped.
ALTER TABLE sessions ADD COLUMN category_prev TEXT CHECK (category_prev IN ('I', 'II', 'III'));
UPDATE sessions SET category_prev = category;
ALTER TABLE sessions DROP COLUMN category;
ALTER TABLE sessions RENAME COLUMN category_prev TO category;
