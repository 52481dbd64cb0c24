package config_test

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/recert-dev/recert/internal/config"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    config.Config
		wantErr []string
	}{
		{
			name: "defaults",
			want: config.Config{ListenAddr: ":8080", DataDir: "./data", LogLevel: slog.LevelInfo,
				LogFormat: "text", ShutdownGrace: 20 * time.Second, RequestTimeout: 30 * time.Second, MaxInFlight: 40, MaxQueued: 200, QueueWait: time.Second, MaxBodyBytes: 1 << 20, ProgressCacheBytes: 64 << 20,
				PublicURL: "http://localhost:8080", SigningKeyFile: "data/signing-key.pem",
				AccessTokenTTL: 15 * time.Minute, RefreshTokenTTL: 720 * time.Hour, AdminAddr: "127.0.0.1:9090",
				MailFrom: "Recert <recert@localhost>", JobPollInterval: time.Second, WebhookRetryBase: 5 * time.Second},
		},
		{
			name: "everything set",
			env: map[string]string{
				"RECERT_LISTEN_ADDR": "127.0.0.1:9000", "RECERT_DATABASE_URL": "postgres://u:p@db:5432/recert",
				"RECERT_DATA_DIR": "/var/lib/recert", "RECERT_LOG_LEVEL": "debug", "RECERT_LOG_FORMAT": "json",
				"RECERT_SHUTDOWN_GRACE": "3s", "RECERT_REQUEST_TIMEOUT": "5s", "RECERT_MAX_IN_FLIGHT": "8", "RECERT_MAX_QUEUED": "16", "RECERT_QUEUE_WAIT": "250ms", "RECERT_MAX_BODY_BYTES": "4096", "RECERT_PROGRESS_CACHE_MB": "8",
				"RECERT_PUBLIC_URL": "https://recert.example.org/", "RECERT_SIGNING_KEY_FILE": "/run/secrets/key.pem",
				"RECERT_ACCESS_TOKEN_TTL": "5m", "RECERT_REFRESH_TOKEN_TTL": "24h",
				"RECERT_ADMIN_EMAIL": "admin@example.org", "RECERT_ADMIN_PASSWORD": "a long passphrase",
				"RECERT_ADMIN_ADDR": "0.0.0.0:9100", "RECERT_CORS_ORIGINS": "https://app.example.org, http://localhost:3000/",
				"RECERT_SMTP_URL": "smtp://u:p@mail:1025", "RECERT_MAIL_FROM": "CE <ce@example.org>",
				"RECERT_JOB_POLL_INTERVAL": "250ms", "RECERT_WEBHOOK_ALLOW_PRIVATE": "true",
			},
			want: config.Config{ListenAddr: "127.0.0.1:9000", DatabaseURL: "postgres://u:p@db:5432/recert",
				DataDir: "/var/lib/recert", LogLevel: slog.LevelDebug, LogFormat: "json",
				ShutdownGrace: 3 * time.Second, RequestTimeout: 5 * time.Second, MaxInFlight: 8, MaxQueued: 16, QueueWait: 250 * time.Millisecond, MaxBodyBytes: 4096, ProgressCacheBytes: 8 << 20,
				PublicURL: "https://recert.example.org", SigningKeyFile: "/run/secrets/key.pem",
				AccessTokenTTL: 5 * time.Minute, RefreshTokenTTL: 24 * time.Hour,
				AdminEmail: "admin@example.org", AdminPassword: "a long passphrase",
				AdminAddr: "0.0.0.0:9100", CORSOrigins: []string{"https://app.example.org", "http://localhost:3000"},
				SMTPURL: "smtp://u:p@mail:1025", MailFrom: "CE <ce@example.org>", JobPollInterval: 250 * time.Millisecond,
				WebhookAllowPrivate: true, WebhookRetryBase: 5 * time.Second},
		},
		{
			name: "every invalid variable is reported",
			env: map[string]string{
				"RECERT_LISTEN_ADDR": "8080", "RECERT_DATABASE_URL": "mysql://db/x", "RECERT_LOG_LEVEL": "loud",
				"RECERT_LOG_FORMAT": "xml", "RECERT_SHUTDOWN_GRACE": "soon", "RECERT_REQUEST_TIMEOUT": "3m", "RECERT_MAX_IN_FLIGHT": "-1", "RECERT_MAX_BODY_BYTES": "10",
				"RECERT_PUBLIC_URL": "ftp://x", "RECERT_ACCESS_TOKEN_TTL": "1s", "RECERT_ADMIN_EMAIL": "admin",
				"RECERT_ADMIN_ADDR": "9090", "RECERT_CORS_ORIGINS": "*",
				"RECERT_SMTP_URL": "mail.example.org", "RECERT_JOB_POLL_INTERVAL": "often", "RECERT_WEBHOOK_ALLOW_PRIVATE": "maybe",
			},
			wantErr: []string{"RECERT_LISTEN_ADDR", "RECERT_DATABASE_URL", "RECERT_LOG_LEVEL",
				"RECERT_LOG_FORMAT", "RECERT_SHUTDOWN_GRACE", "RECERT_REQUEST_TIMEOUT", "RECERT_MAX_IN_FLIGHT", "RECERT_MAX_BODY_BYTES", "RECERT_PUBLIC_URL",
				"RECERT_ACCESS_TOKEN_TTL", "RECERT_ADMIN_EMAIL", "RECERT_ADMIN_ADDR", "RECERT_CORS_ORIGINS",
				"RECERT_SMTP_URL", "RECERT_JOB_POLL_INTERVAL", "RECERT_WEBHOOK_ALLOW_PRIVATE"},
		},
		{
			name:    "the operations listener on the API's port, written otherwise, is refused",
			env:     map[string]string{"RECERT_LISTEN_ADDR": ":9090"},
			wantErr: []string{"RECERT_ADMIN_ADDR"},
		},
		{
			name: "the administrator's password alone is enough",
			env:  map[string]string{"RECERT_ADMIN_PASSWORD": "a long passphrase"},
			want: config.Config{ListenAddr: ":8080", DataDir: "./data", LogLevel: slog.LevelInfo,
				LogFormat: "text", ShutdownGrace: 20 * time.Second, RequestTimeout: 30 * time.Second, MaxInFlight: 40, MaxQueued: 200, QueueWait: time.Second, MaxBodyBytes: 1 << 20,
				ProgressCacheBytes: 64 << 20, PublicURL: "http://localhost:8080", SigningKeyFile: "data/signing-key.pem",
				AccessTokenTTL: 15 * time.Minute, RefreshTokenTTL: 720 * time.Hour, AdminAddr: "127.0.0.1:9090",
				AdminPassword: "a long passphrase", MailFrom: "Recert <recert@localhost>", JobPollInterval: time.Second,
				WebhookRetryBase: 5 * time.Second},
		},
		{
			name:    "a read replica without PostgreSQL is refused",
			env:     map[string]string{"RECERT_DATABASE_READ_URL": "postgres://u@replica/recert"},
			wantErr: []string{"RECERT_DATABASE_READ_URL"},
		},
		{
			name: "a read replica that is not a PostgreSQL URL is refused",
			env: map[string]string{"RECERT_DATABASE_URL": "postgres://u@db/recert", "RECERT_SIGNING_KEY": "k",
				"RECERT_DATABASE_READ_URL": "mysql://replica/recert"},
			wantErr: []string{"RECERT_DATABASE_READ_URL"},
		},
		{
			name:    "PostgreSQL without a signing key is refused",
			env:     map[string]string{"RECERT_DATABASE_URL": "postgres://u@db/recert"},
			wantErr: []string{"RECERT_SIGNING_KEY"},
		},
		{
			name:    "postgres with the signing key by value needs the other keys",
			env:     map[string]string{"RECERT_DATABASE_URL": "postgres://db/recert", "RECERT_SIGNING_KEY": "pem"},
			wantErr: []string{"RECERT_CHECKIN_KEY: set it (or RECERT_CHECKIN_KEY_FILE)", "RECERT_BADGE_KEY: set it (or RECERT_BADGE_KEY_FILE)"},
		},
		{
			name: "sqlite with the signing key by value keeps the other keys in the data directory",
			env:  map[string]string{"RECERT_SIGNING_KEY": "pem", "RECERT_BADGE_KEY_FILE": "/keys/badge.pem"},
			want: config.Config{ListenAddr: ":8080", DataDir: "./data", LogLevel: slog.LevelInfo,
				LogFormat: "text", ShutdownGrace: 20 * time.Second, RequestTimeout: 30 * time.Second, MaxInFlight: 40, MaxQueued: 200, QueueWait: time.Second, MaxBodyBytes: 1 << 20, ProgressCacheBytes: 64 << 20,
				PublicURL: "http://localhost:8080", SigningKey: "pem", BadgeKeyFile: "/keys/badge.pem",
				AccessTokenTTL: 15 * time.Minute, RefreshTokenTTL: 720 * time.Hour, AdminAddr: "127.0.0.1:9090",
				MailFrom: "Recert <recert@localhost>", JobPollInterval: time.Second, WebhookRetryBase: 5 * time.Second},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := config.Load(func(k string) string { return tt.env[k] })
			if tt.wantErr != nil {
				if err == nil {
					t.Fatal("want an error")
				}
				for _, name := range tt.wantErr {
					if !strings.Contains(err.Error(), name) {
						t.Errorf("error %q does not name %s", err, name)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
			if got.CheckInKey == "" && got.CheckInKeyFile == "" {
				dir := got.DataDir
				if got.SigningKeyFile != "" {
					dir = filepath.Dir(got.SigningKeyFile)
				}
				want := filepath.Join(dir, "checkin-key.pem")
				if got.CheckInKeyPath() != want {
					t.Errorf("CheckInKeyPath() = %q, want %q", got.CheckInKeyPath(), want)
				}
			}
		})
	}
}

func TestLogValueMasksSecrets(t *testing.T) {
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"RECERT_DATABASE_URL": "postgres://recert:s3cret@db:5432/recert?password=other",
			"RECERT_DATABASE_READ_URL": "postgres://recert:s3cret@replica:5432/recert",
			"RECERT_SIGNING_KEY":       "-----BEGIN PRIVATE KEY-----keymaterial", "RECERT_CHECKIN_KEY": "-----BEGIN PRIVATE KEY-----keymaterial",
			"RECERT_BADGE_KEY": "-----BEGIN PRIVATE KEY-----keymaterial", "RECERT_ADMIN_PASSWORD": "adminsecret", "RECERT_ADMIN_EMAIL": "a@example.org"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	slog.New(slog.NewTextHandler(&out, nil)).Info("start", "config", cfg)
	if strings.Contains(out.String(), "s3cret") || strings.Contains(out.String(), "other") ||
		strings.Contains(out.String(), "keymaterial") || strings.Contains(out.String(), "adminsecret") {
		t.Errorf("secret in log: %s", out.String())
	}
	if !strings.Contains(out.String(), "recert:xxxxx@db:5432") {
		t.Errorf("masked URL missing from log: %s", out.String())
	}
}

func TestSameListener(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{":9090", "127.0.0.1:9090", true},
		{"0.0.0.0:9090", "127.0.0.1:9090", true},
		{"[::]:9090", "127.0.0.1:9090", true},
		{"localhost:9090", "127.0.0.1:9090", true},
		{"127.0.0.1:9090", "127.0.0.1:9090", true},
		{":http", "127.0.0.1:80", true},
		{":8080", "127.0.0.1:9090", false},
		{"127.0.0.1:9090", "127.0.0.2:9090", false},
		{"127.0.0.1:0", "127.0.0.1:0", false},
		{":0", "127.0.0.1:0", false},
	}
	for _, tt := range tests {
		if got := config.SameListener(tt.a, tt.b); got != tt.want {
			t.Errorf("SameListener(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := config.SameListener(tt.b, tt.a); got != tt.want {
			t.Errorf("SameListener(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

// Every variable of the table is read by Load: a bad value of each is reported by name, and
// reported once.
func TestEveryVarIsChecked(t *testing.T) {
	skip := map[string]bool{"RECERT_DATA_DIR": true, "RECERT_SIGNING_KEY": true, "RECERT_SIGNING_KEY_FILE": true,
		"RECERT_CHECKIN_KEY": true, "RECERT_CHECKIN_KEY_FILE": true, "RECERT_BADGE_KEY": true, "RECERT_BADGE_KEY_FILE": true,
		"RECERT_ADMIN_PASSWORD": true, "RECERT_MAIL_FROM": true} // free text
	for _, v := range config.Vars {
		if skip[v.Name] {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			_, err := config.Load(func(name string) string {
				switch {
				case name == v.Name:
					return "%%not valid%%"
				case name == "RECERT_DATABASE_URL": // a replica is of a primary
					return "postgres://db.example.org/recert"
				}
				return ""
			})
			if err == nil || strings.Count(err.Error(), v.Name+":") != 1 {
				t.Errorf("a bad %s: %v", v.Name, err)
			}
		})
	}
}
