package store

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/recert-dev/recert/internal/recert"
)

func TestUnreachableIsUnavailable(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"shutting down", &pgconn.PgError{Code: "57P03"}, recert.EUNAVAILABLE},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, recert.EUNAVAILABLE},
		{"connection failure", &pgconn.PgError{Code: "08006"}, recert.EUNAVAILABLE},
		{"too many connections", &pgconn.PgError{Code: "53300"}, recert.EUNAVAILABLE},
		{"refused", fmt.Errorf("dial: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), recert.EUNAVAILABLE},
		{"conn closed", fmt.Errorf("query: %w", pgconn.ErrConnClosed), recert.EUNAVAILABLE},
		{"unique violation", &pgconn.PgError{Code: "23505"}, recert.ECONFLICT},
		{"query cancelled by user", &pgconn.PgError{Code: "57014", Message: "canceling statement due to user request"}, recert.EINTERNAL},
		{"statement timeout", &pgconn.PgError{Code: "57014", Message: "canceling statement due to statement timeout"}, recert.EUNAVAILABLE},
		{"lock timeout", &pgconn.PgError{Code: "55P03"}, recert.EUNAVAILABLE},
		{"other", errors.New("boom"), recert.EINTERNAL},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := recert.ErrorCode(TranslateError(c.err, "x")); got != c.want {
				t.Errorf("code %q, want %q", got, c.want)
			}
		})
	}
}

func TestPostgresURLGetsAConnectTimeout(t *testing.T) {
	cases := map[string]string{
		"postgres://u@db:5432/recert?sslmode=disable": "postgres://u@db:5432/recert?connect_timeout=5&sslmode=disable",
		"postgres://u@db/recert?connect_timeout=2":    "postgres://u@db/recert?connect_timeout=2",
		"postgresql://u:p%40ss@db/recert":             "postgresql://u:p%40ss@db/recert?connect_timeout=5",
	}
	for in, want := range cases {
		if got := withConnectTimeout(in); got != want {
			t.Errorf("withConnectTimeout(%q) = %q, want %q", in, got, want)
		}
	}
}
