package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/ncruces/go-sqlite3"
	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

// TranslateError turns a driver or gorm error into a recert error, once, at the store's
// edge: constraint violations become conflicts or invalid input, a missing row becomes
// not found, an unreachable database becomes unavailable. The cause is kept for the log.
func TranslateError(err error, what string) error {
	if err == nil {
		return nil
	}
	var re *recert.Error
	if errors.As(err, &re) {
		return err
	}
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return recert.Wrap(err, recert.ENOTFOUND, what+" not found")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return recert.Wrap(err, recert.EUNAVAILABLE, "the database did not answer in time")
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return recert.Wrap(err, recert.ECONFLICT, what+" already exists")
		case "23503":
			return recert.Wrap(err, recert.ECONFLICT, what+" refers to, or is referred to by, another object")
		case "23514", "23502", "22P02":
			return recert.Wrap(err, recert.EINVALID, what+" breaks a rule of the data")
		case "40P01", "40001": // a deadlock or serialization failure: the transaction may be retried
			return recert.Wrap(err, recert.EUNAVAILABLE, "the database is busy; retry")
		case "55P03": // a lock timeout
			return recert.Wrap(err, recert.EUNAVAILABLE, "the database did not answer in time")
		case "57014": // cancelled: by the statement timeout of a request's transaction, or by hand (an internal error)
			if strings.Contains(pg.Message, "statement timeout") {
				return recert.Wrap(err, recert.EUNAVAILABLE, "the database did not answer in time")
			}
		case "22007", "22008": // a date the contract's format allows but PostgreSQL cannot hold (year 0)
			return recert.Wrap(err, recert.EBADREQUEST, "a date is out of range: use years 1 to 9999")
		}
	}
	var lite *sqlite3.Error
	if errors.As(err, &lite) {
		switch lite.ExtendedCode() {
		case sqlite3.CONSTRAINT_UNIQUE, sqlite3.CONSTRAINT_PRIMARYKEY:
			return recert.Wrap(err, recert.ECONFLICT, what+" already exists")
		case sqlite3.CONSTRAINT_FOREIGNKEY, sqlite3.CONSTRAINT_TRIGGER: // the triggers keep attended sessions' references
			return recert.Wrap(err, recert.ECONFLICT, what+" refers to, or is referred to by, another object")
		case sqlite3.CONSTRAINT_CHECK, sqlite3.CONSTRAINT_NOTNULL:
			return recert.Wrap(err, recert.EINVALID, what+" breaks a rule of the data")
		}
		if lite.Code() == sqlite3.BUSY {
			return recert.Wrap(err, recert.EUNAVAILABLE, "the database is busy; retry")
		}
	}
	if Unreachable(err) {
		return recert.Wrap(err, recert.EUNAVAILABLE, "the database cannot be reached; retry later")
	}
	return err
}

// Unreachable reports whether err says the database could not be reached or will not serve
// now: a refused, reset or timed-out connection, a closed pool, or PostgreSQL's connection
// exceptions (class 08), insufficient resources (53) and shutdowns (57P0x).
func Unreachable(err error) bool {
	if err == nil {
		return false
	}
	var lite *sqlite3.Error
	if errors.As(err, &lite) {
		return false // the embedded engine is never out of reach; TranslateError handles busy
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return strings.HasPrefix(pg.Code, "08") || strings.HasPrefix(pg.Code, "53") || strings.HasPrefix(pg.Code, "57P")
	}
	var netErr net.Error
	var connectErr *pgconn.ConnectError
	return errors.As(err, &netErr) || errors.As(err, &connectErr) ||
		pgconn.SafeToRetry(err) || pgconn.Timeout(err) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || strings.Contains(err.Error(), "conn closed")
}
