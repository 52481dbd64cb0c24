-- Members, events, attendance and roster postings are never deleted, nor are their ids
-- changed: the ledger keeps every record and its history. On PostgreSQL the foreign keys that
-- point at them became statement-level checks that rely on this (see its 00015); SQLite keeps
-- its foreign keys and refuses the same deletions and renames, so both engines behave alike.
-- +goose Up
CREATE TRIGGER members_kept BEFORE DELETE ON members BEGIN SELECT RAISE(ABORT, 'members rows are never deleted: the ledger keeps them'); END;
CREATE TRIGGER events_kept BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events rows are never deleted: the ledger keeps them'); END;
CREATE TRIGGER attendance_kept BEFORE DELETE ON attendance BEGIN SELECT RAISE(ABORT, 'attendance rows are never deleted: the ledger keeps them'); END;
CREATE TRIGGER roster_postings_kept BEFORE DELETE ON roster_postings BEGIN SELECT RAISE(ABORT, 'roster_postings rows are never deleted: the ledger keeps them'); END;
CREATE TRIGGER members_id_kept BEFORE UPDATE OF id ON members WHEN OLD.id IS NOT NEW.id BEGIN SELECT RAISE(ABORT, 'the id of a row of members never changes'); END;
CREATE TRIGGER events_id_kept BEFORE UPDATE OF id ON events WHEN OLD.id IS NOT NEW.id BEGIN SELECT RAISE(ABORT, 'the id of a row of events never changes'); END;
CREATE TRIGGER attendance_id_kept BEFORE UPDATE OF id ON attendance WHEN OLD.id IS NOT NEW.id BEGIN SELECT RAISE(ABORT, 'the id of a row of attendance never changes'); END;
CREATE TRIGGER roster_postings_id_kept BEFORE UPDATE OF id ON roster_postings WHEN OLD.id IS NOT NEW.id BEGIN SELECT RAISE(ABORT, 'the id of a row of roster_postings never changes'); END;

-- +goose Down
DROP TRIGGER roster_postings_id_kept;
DROP TRIGGER attendance_id_kept;
DROP TRIGGER events_id_kept;
DROP TRIGGER members_id_kept;
DROP TRIGGER roster_postings_kept;
DROP TRIGGER attendance_kept;
DROP TRIGGER events_kept;
DROP TRIGGER members_kept;
