package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestTransactionStatementTimeout: on PostgreSQL a transaction begun with a deadline gets a
// statement timeout a little under the time it has left, so the server itself gives up a
// statement before the caller's deadline; without a deadline, none.
func TestTransactionStatementTimeout(t *testing.T) {
	st := dbtest.New(t, store.Postgres)
	// show reads the transaction's statement timeout, then, with a deadline, sleeps past it
	// (without the deadline on the client side, so that only the server can end the sleep).
	show := func(ctx context.Context) (setting string, sleep error) {
		sleep = st.InTx(ctx, func(ctx context.Context) error {
			tx := st.SQLTx(ctx)
			if err := tx.QueryRowContext(ctx, "SHOW statement_timeout").Scan(&setting); err != nil {
				t.Fatal(err)
			}
			if _, ok := ctx.Deadline(); ok {
				_, err := tx.ExecContext(context.WithoutCancel(ctx), "SELECT pg_sleep(10)")
				return err
			}
			return nil
		})
		return setting, sleep
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	setting, sleep := show(ctx)
	took := time.Since(start)
	d, err := time.ParseDuration(setting)
	if err != nil || d < 1500*time.Millisecond || d > 1800*time.Millisecond {
		t.Errorf("statement_timeout with 2s left = %q, want about 1.8s", setting)
	}
	var pg *pgconn.PgError
	if !errors.As(sleep, &pg) || pg.Code != "57014" || took > 2*time.Second {
		t.Errorf("a 10 s statement with 2 s left: %v after %v; want the server's statement timeout (57014) before 2 s", sleep, took)
	}
	if code := recert.ErrorCode(store.TranslateError(sleep, "sleep")); code != recert.EUNAVAILABLE {
		t.Errorf("the statement timeout is %q, want %q (503)", code, recert.EUNAVAILABLE)
	}

	if setting, err := show(context.Background()); err != nil || setting != "0" {
		t.Errorf("statement_timeout without a deadline = %q (%v), want 0", setting, err)
	}
}

// TestPoolAcquireTimeout: with every connection of the PostgreSQL pool taken, a statement or
// a transaction waits for one at most PoolAcquireTimeout, and at most half the time its
// caller has left, then fails as unavailable (503); once connections are free it succeeds.
func TestPoolAcquireTimeout(t *testing.T) {
	st := dbtest.New(t, store.Postgres)
	db, err := st.DB().DB()
	if err != nil {
		t.Fatal(err)
	}
	var held []*sql.Conn
	for range db.Stats().MaxOpenConnections {
		c, err := db.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	tests := []struct {
		name     string
		deadline time.Duration
		call     func(ctx context.Context) error
		min, max time.Duration
	}{
		{"a read, long deadline", 30 * time.Second, func(ctx context.Context) error { _, err := st.HasAdmin(ctx); return err },
			store.PoolAcquireTimeout, store.PoolAcquireTimeout + time.Second},
		{"a transaction, short deadline", 1200 * time.Millisecond,
			func(ctx context.Context) error { return st.InTx(ctx, func(context.Context) error { return nil }) },
			500 * time.Millisecond, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), tt.deadline)
			defer cancel()
			start := time.Now()
			err := tt.call(ctx)
			took := time.Since(start)
			if recert.ErrorCode(err) != recert.EUNAVAILABLE || took < tt.min || took > tt.max {
				t.Errorf("with the pool taken: %v after %v; want unavailable after %v to %v", err, took, tt.min, tt.max)
			}
		})
	}
	for _, c := range held {
		c.Close()
	}
	if _, err := st.HasAdmin(context.Background()); err != nil {
		t.Errorf("with connections free again: %v", err)
	}
}
