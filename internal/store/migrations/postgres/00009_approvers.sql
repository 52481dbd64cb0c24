-- Who approved a credit, apart from its ABCP category (approver codes, space-separated, like
-- topics); an activity may have no ABCP category at all ('none'); the date from which Recert
-- judges a member's periods.
-- +goose Up
ALTER TABLE members ADD COLUMN tracking_since date;
ALTER TABLE events ADD COLUMN approved_by text NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN approved_by text NOT NULL DEFAULT '';
ALTER TABLE activities ADD COLUMN approved_by text NOT NULL DEFAULT '';
ALTER TABLE activities DROP CONSTRAINT activities_category_check;
ALTER TABLE activities ADD CONSTRAINT activities_category_check CHECK (category IN ('I', 'II', 'III', 'none'));

-- +goose Down
-- Activities without an ABCP category cannot go back: the constraint fails, nothing is dropped.
ALTER TABLE activities DROP CONSTRAINT activities_category_check;
ALTER TABLE activities ADD CONSTRAINT activities_category_check CHECK (category IN ('I', 'II', 'III'));
ALTER TABLE activities DROP COLUMN approved_by;
ALTER TABLE sessions DROP COLUMN approved_by;
ALTER TABLE events DROP COLUMN approved_by;
ALTER TABLE members DROP COLUMN tracking_since;
