package app

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

var cheap = auth.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestBootstrapAdmin(t *testing.T) {
	ctx := context.Background()
	t.Run("from the environment", func(t *testing.T) {
		st := dbtest.New(t, store.SQLite)
		cfg := testConfig(t)
		cfg.AdminEmail, cfg.AdminPassword = "registrar@example.org", "a long enough passphrase"
		var logs bytes.Buffer
		if err := bootstrapAdmin(ctx, cfg, st, cheap, slog.New(slog.NewJSONHandler(&logs, nil))); err != nil {
			t.Fatal(err)
		}
		u, hash, err := st.UserByEmail(ctx, "registrar@example.org")
		if err != nil || u.Role != "admin" {
			t.Fatalf("admin: %+v %v", u, err)
		}
		if ok, _ := auth.VerifyPassword(cfg.AdminPassword, hash); !ok {
			t.Error("the configured password does not sign in")
		}
		if strings.Contains(logs.String(), cfg.AdminPassword) {
			t.Error("the configured password was logged")
		}
		// A second start changes nothing.
		if err := bootstrapAdmin(ctx, cfg, st, cheap, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("the password alone names the default administrator", func(t *testing.T) {
		dbtest.Each(t, func(t *testing.T, st *store.Store) {
			cfg := testConfig(t)
			cfg.AdminPassword = "first light over the bypass"
			if err := bootstrapAdmin(ctx, cfg, st, cheap, slog.New(slog.DiscardHandler)); err != nil {
				t.Fatal(err)
			}
			_, hash, err := st.UserByEmail(ctx, "admin@recert.local")
			if err != nil {
				t.Fatal(err)
			}
			if ok, _ := auth.VerifyPassword(cfg.AdminPassword, hash); !ok {
				t.Error("the configured password does not sign in as admin@recert.local")
			}
		})
	})
	t.Run("variables ignored because an administrator exists are logged once", func(t *testing.T) {
		dbtest.Each(t, func(t *testing.T, st *store.Store) {
			first := testConfig(t)
			first.AdminPassword = "the first of passphrases"
			if err := bootstrapAdmin(ctx, first, st, cheap, slog.New(slog.DiscardHandler)); err != nil {
				t.Fatal(err)
			}
			for _, tt := range []struct {
				email, password string
				want            string // the ignored variables named; empty: no line
			}{
				{"", "another passphrase entirely", "RECERT_ADMIN_PASSWORD ignored"},
				{"someone@example.org", "another passphrase entirely", "RECERT_ADMIN_EMAIL and RECERT_ADMIN_PASSWORD ignored"},
				{"", "", ""},
			} {
				cfg := testConfig(t)
				cfg.AdminEmail, cfg.AdminPassword = tt.email, tt.password
				var logs bytes.Buffer
				if err := bootstrapAdmin(ctx, cfg, st, cheap, slog.New(slog.NewJSONHandler(&logs, nil))); err != nil {
					t.Fatal(err)
				}
				lines := strings.Count(logs.String(), "\n")
				if tt.want == "" && lines != 0 || tt.want != "" && (lines != 1 || !strings.Contains(logs.String(), tt.want)) {
					t.Errorf("email %q, password set %v: logged %q, want one line with %q", tt.email, tt.password != "", logs.String(), tt.want)
				}
				if strings.Contains(logs.String(), "another passphrase") {
					t.Error("the ignored password was logged")
				}
			}
			_, hash, err := st.UserByEmail(ctx, "admin@recert.local")
			if err != nil {
				t.Fatal(err)
			}
			if ok, _ := auth.VerifyPassword(first.AdminPassword, hash); !ok {
				t.Error("a later start changed the first administrator's password")
			}
		})
	})
	t.Run("a weak configured password is refused", func(t *testing.T) {
		cfg := testConfig(t)
		cfg.AdminEmail, cfg.AdminPassword = "registrar@example.org", "password"
		if err := bootstrapAdmin(ctx, cfg, dbtest.New(t, store.SQLite), cheap, slog.New(slog.DiscardHandler)); err == nil {
			t.Error("want an error")
		}
	})
	t.Run("generated and shown once", func(t *testing.T) {
		st := dbtest.New(t, store.SQLite)
		var logs bytes.Buffer
		if err := bootstrapAdmin(ctx, testConfig(t), st, cheap, slog.New(slog.NewJSONHandler(&logs, nil))); err != nil {
			t.Fatal(err)
		}
		var line struct{ Msg, Email, Password string }
		if err := json.Unmarshal(logs.Bytes(), &line); err != nil || !strings.HasPrefix(line.Msg, "FIRST ADMINISTRATOR CREATED") {
			t.Fatalf("log: %s", logs.String())
		}
		_, hash, err := st.UserByEmail(ctx, line.Email)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := auth.VerifyPassword(line.Password, hash); !ok || len(line.Password) < 20 {
			t.Errorf("the logged password does not sign in")
		}
	})
}

func TestSigningKeysSurviveRotation(t *testing.T) {
	ctx := context.Background()
	st := dbtest.New(t, store.SQLite)
	cfg := testConfig(t)
	cfg.SigningKeyFile = t.TempDir() + "/old.pem"
	old, err := signingKeys(ctx, cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	cfg.SigningKeyFile = t.TempDir() + "/new.pem"
	rotated, err := signingKeys(ctx, cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	if rotated.Current().ID() == old.Current().ID() {
		t.Fatal("the new key file did not rotate the key")
	}
	jwks := rotated.JWKS(time.Now())
	if len(jwks.Keys) != 2 || jwks.Keys[0].Kid != rotated.Current().ID() || jwks.Keys[1].Kid != old.Current().ID() {
		t.Errorf("after a rotation the JWKS = %+v, want the new key then the old one", jwks.Keys)
	}
}
