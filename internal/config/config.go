// Package config reads Recert's configuration from RECERT_* environment variables.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything the service can be told at start.
type Config struct {
	// ListenAddr is the TCP address the HTTP server listens on.
	ListenAddr string
	// DatabaseURL selects PostgreSQL when set (postgres://…); empty means the embedded SQLite.
	DatabaseURL string
	// DatabaseReadURL, with DatabaseURL, is a PostgreSQL read replica that answers reads.
	DatabaseReadURL string
	// DataDir holds the embedded SQLite database.
	DataDir string
	// LogLevel is debug, info, warn or error.
	LogLevel slog.Level
	// LogFormat is text or json.
	LogFormat string
	// ShutdownGrace is how long in-flight requests may run after SIGTERM.
	ShutdownGrace time.Duration
	// RequestTimeout is how long one request may wait on the database, a connection of the
	// pool included, before it is answered 503.
	RequestTimeout time.Duration
	// MaxInFlight is how many requests do their work at once (0: no bound); MaxQueued how
	// many more wait for a place, each at most QueueWait, before the service answers 503.
	MaxInFlight, MaxQueued int
	QueueWait              time.Duration
	// MaxBodyBytes is the default limit on request bodies.
	MaxBodyBytes int64
	// ProgressCacheBytes bounds the rendered progress answers kept in memory; zero: none.
	ProgressCacheBytes int64
	// PublicURL is the service's base URL as clients see it; it is the tokens' issuer.
	PublicURL string
	// SigningKey is an Ed25519 private key in PEM; SigningKeyFile a file holding one, created
	// when missing. With neither, the embedded default keeps one in DataDir.
	SigningKey     string
	SigningKeyFile string
	// CheckInKey (Ed25519) signs members' check-in codes and BadgeKey (RSA-2048) signs
	// credentials, each in PEM; the *File variants are files holding one, created when
	// missing. With neither, each is a file beside the signing key file (CheckInKeyPath,
	// BadgeKeyPath).
	CheckInKey     string
	CheckInKeyFile string
	BadgeKey       string
	BadgeKeyFile   string
	// AccessTokenTTL and RefreshTokenTTL are how long the tokens work.
	AccessTokenTTL  time.Duration
	RefreshTokenTTL time.Duration
	// AdminEmail and AdminPassword create the first administrator when there is none.
	AdminEmail    string
	AdminPassword string
	// AdminAddr is the TCP address of the operations listener (metrics, profiling); it is
	// not the public one. "off" turns it off.
	AdminAddr string
	// CORSOrigins are the browser origins allowed to call the API; none turns CORS off.
	CORSOrigins []string
	// SMTPURL is the mail server (smtp:// or smtps://); empty: mail goes to DataDir/outbox.
	SMTPURL string
	// MailFrom is the sender of Recert's e-mails.
	MailFrom string
	// JobPollInterval is how often background work is looked for.
	JobPollInterval time.Duration
	// WebhookAllowPrivate lets webhooks reach private, loopback and link-local addresses.
	WebhookAllowPrivate bool
	// WebhookRetryBase is the delay before a failed delivery's first retry (not read from
	// the environment: 5 s, shortened by tests).
	WebhookRetryBase time.Duration
}

// DefaultAdminEmail names the first administrator when RECERT_ADMIN_EMAIL is not set.
const DefaultAdminEmail = "admin@recert.local"

// DefaultPublicURL is RECERT_PUBLIC_URL when it is not set.
const DefaultPublicURL = "http://localhost:8080"

// Var documents one environment variable and reads it: Set validates the value (the
// default when the variable is unset or blank) and stores it in the Config.
type Var struct {
	Name, Default, Description string
	Set                        func(c *Config, v string) error
}

// Vars lists every variable Load reads, with its default; the README's table follows it.
// Checks that involve several variables are in checkTogether.
var Vars = []Var{
	{"RECERT_LISTEN_ADDR", ":8080", "address the HTTP server listens on", func(c *Config, v string) error {
		c.ListenAddr = v
		_, _, err := net.SplitHostPort(v)
		return err
	}},
	{"RECERT_DATABASE_URL", "", "PostgreSQL URL (postgres://user:pass@host:5432/db); empty: embedded SQLite", func(c *Config, v string) error {
		c.DatabaseURL = v
		return checkPostgresURL(v)
	}},
	{"RECERT_DATABASE_READ_URL", "", "PostgreSQL read replica (streaming standby) of RECERT_DATABASE_URL that answers reads; empty: reads go to the primary", func(c *Config, v string) error {
		c.DatabaseReadURL = v
		return checkPostgresURL(v)
	}},
	{"RECERT_DATA_DIR", "./data", "directory of the embedded SQLite database", func(c *Config, v string) error {
		c.DataDir = v
		return nil
	}},
	{"RECERT_LOG_LEVEL", "info", "debug, info, warn or error", func(c *Config, v string) error {
		return want(c.LogLevel.UnmarshalText([]byte(v)) == nil, "want debug, info, warn or error")
	}},
	{"RECERT_LOG_FORMAT", "text", "text or json", func(c *Config, v string) error {
		c.LogFormat = v
		return want(v == "text" || v == "json", "want text or json")
	}},
	{"RECERT_SHUTDOWN_GRACE", "20s", "time in-flight requests get to finish after SIGTERM or SIGINT",
		duration(func(c *Config) *time.Duration { return &c.ShutdownGrace }, 0, 0, "want a non-negative duration such as 20s")},
	{"RECERT_REQUEST_TIMEOUT", "30s", "how long a request may take before it is answered 503 with Retry-After (a busy or unreachable database)",
		duration(func(c *Config) *time.Duration { return &c.RequestTimeout }, 100*time.Millisecond, 2*time.Minute, "want a duration from 100ms to 2m")},
	{"RECERT_MAX_IN_FLIGHT", "40", "requests at work at once; more wait in a queue (0: no bound)", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		c.MaxInFlight = n
		return want(err == nil && n >= 0 && n <= 100_000, "want a whole number from 0 to 100000")
	}},
	{"RECERT_MAX_QUEUED", "200", "requests that may wait for a place; beyond them the service answers 503 with Retry-After at once", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		c.MaxQueued = n
		return want(err == nil && n >= 0 && n <= 1_000_000, "want a whole number from 0 to 1000000")
	}},
	{"RECERT_QUEUE_WAIT", "1s", "the longest a request waits for a place before it is answered 503 with Retry-After",
		duration(func(c *Config) *time.Duration { return &c.QueueWait }, 0, time.Minute, "want a duration up to 1m")},
	{"RECERT_MAX_BODY_BYTES", "1048576", "default limit on request bodies, in bytes", func(c *Config, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		c.MaxBodyBytes = n
		return want(err == nil && n >= 1024, "want a whole number of bytes, at least 1024")
	}},
	{"RECERT_PROGRESS_CACHE_MB", "64", "memory for rendered progress answers, in MiB; 0 turns the cache off", func(c *Config, v string) error {
		mb, err := strconv.ParseInt(v, 10, 64)
		if err != nil || mb < 0 || mb > 1<<20 {
			return errors.New("want a whole number of MiB, 0 or more")
		}
		c.ProgressCacheBytes = mb << 20
		return nil
	}},
	{"RECERT_PUBLIC_URL", DefaultPublicURL, "base URL clients use; the issuer of access tokens", func(c *Config, v string) error {
		c.PublicURL = strings.TrimSuffix(v, "/")
		u, err := url.Parse(c.PublicURL)
		return want(err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "", "want an http:// or https:// URL")
	}},
	{"RECERT_SIGNING_KEY", "", "Ed25519 private key (PEM) that signs access tokens", func(c *Config, v string) error {
		c.SigningKey = v
		return nil
	}},
	{"RECERT_SIGNING_KEY_FILE", "", "file holding the signing key, created when missing; default with SQLite: DATA_DIR/signing-key.pem", func(c *Config, v string) error {
		c.SigningKeyFile = v
		return nil
	}},
	{"RECERT_CHECKIN_KEY", "", "Ed25519 private key (PEM) that signs members' check-in codes", func(c *Config, v string) error {
		c.CheckInKey = v
		return nil
	}},
	{"RECERT_CHECKIN_KEY_FILE", "", "file holding the check-in key, created when missing; default: checkin-key.pem beside the signing key file", func(c *Config, v string) error {
		c.CheckInKeyFile = v
		return nil
	}},
	{"RECERT_BADGE_KEY", "", "RSA-2048 private key (PEM) that signs credentials (RS256)", func(c *Config, v string) error {
		c.BadgeKey = v
		return nil
	}},
	{"RECERT_BADGE_KEY_FILE", "", "file holding the credential key, created when missing; default: badge-key.pem beside the signing key file", func(c *Config, v string) error {
		c.BadgeKeyFile = v
		return nil
	}},
	{"RECERT_ACCESS_TOKEN_TTL", "15m", "lifetime of access tokens",
		duration(func(c *Config) *time.Duration { return &c.AccessTokenTTL }, time.Minute, 24*time.Hour, "want a duration from 1m to 24h")},
	{"RECERT_REFRESH_TOKEN_TTL", "720h", "lifetime of refresh tokens",
		duration(func(c *Config) *time.Duration { return &c.RefreshTokenTTL }, time.Nanosecond, 0, "want a duration at least the access-token lifetime")},
	{"RECERT_ADMIN_EMAIL", "", "email of the first administrator, created at start when there is none (empty: " + DefaultAdminEmail + ")", func(c *Config, v string) error {
		c.AdminEmail = v
		// The password alone is enough: the administrator is then DefaultAdminEmail.
		return want(v == "" || strings.Contains(strings.TrimPrefix(v, "@"), "@"), "want an e-mail address")
	}},
	{"RECERT_ADMIN_PASSWORD", "", "its password; empty: one is generated and logged once", func(c *Config, v string) error {
		c.AdminPassword = v
		return nil
	}},
	{"RECERT_ADMIN_ADDR", "127.0.0.1:9090", "address of the operations listener (/metrics, /debug/pprof/); keep it off the public network; off: none", func(c *Config, v string) error {
		c.AdminAddr = v
		_, _, err := net.SplitHostPort(v)
		return want(err == nil || v == "off", "want host:port, or off")
	}},
	{"RECERT_CORS_ORIGINS", "", "comma-separated browser origins (https://app.example.org) allowed to call the API; empty: CORS off", func(c *Config, v string) error {
		var errs []error
		for _, o := range strings.Split(v, ",") {
			if o = strings.TrimSuffix(strings.TrimSpace(o), "/"); o == "" {
				continue
			}
			if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
				errs = append(errs, fmt.Errorf("%q is not an origin such as https://app.example.org", o))
				continue
			}
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
		return errors.Join(errs...)
	}},
	{"RECERT_SMTP_URL", "", "mail server, smtp://user:pass@host:587 or smtps://…; empty: e-mails are written to DATA_DIR/outbox", func(c *Config, v string) error {
		c.SMTPURL = v
		u, err := url.Parse(v)
		return want(v == "" || (err == nil && (u.Scheme == "smtp" || u.Scheme == "smtps") && u.Hostname() != ""), "want smtp://host:port or smtps://host:port")
	}},
	{"RECERT_MAIL_FROM", "Recert <recert@localhost>", "sender of Recert's e-mails", func(c *Config, v string) error {
		c.MailFrom = v
		return nil
	}},
	{"RECERT_JOB_POLL_INTERVAL", "1s", "how often background work (e-mail, webhooks) is looked for",
		duration(func(c *Config) *time.Duration { return &c.JobPollInterval }, time.Millisecond, 0, "want a duration such as 1s")},
	{"RECERT_WEBHOOK_ALLOW_PRIVATE", "false", "true lets webhooks reach private, loopback and link-local addresses (tests, closed networks)", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		c.WebhookAllowPrivate = b
		return want(err == nil, "want true or false")
	}},
}

// want is nil when ok, else the error saying what is wanted.
func want(ok bool, what string) error {
	if ok {
		return nil
	}
	return errors.New(what)
}

// duration reads a duration into the field at, within [lo, hi] (hi 0: no bound above).
func duration(at func(*Config) *time.Duration, lo, hi time.Duration, what string) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		*at(c) = d
		return want(err == nil && d >= lo && (hi == 0 || d <= hi), what)
	}
}

// Load reads and validates the configuration; it reports every invalid variable at once.
func Load(getenv func(string) string) (Config, error) {
	var c Config
	var errs []error
	for _, v := range Vars {
		value := strings.TrimSpace(getenv(v.Name))
		if value == "" {
			value = v.Default
		}
		if err := v.Set(&c, value); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", v.Name, err))
		}
	}
	c.WebhookRetryBase = 5 * time.Second
	return c, errors.Join(append(errs, c.checkTogether()...)...)
}

// File names of the keys kept beside the signing key file when no other place is given.
const (
	CheckInKeyFileName = "checkin-key.pem"
	BadgeKeyFileName   = "badge-key.pem"
)

// CheckInKeyPath is the file of the check-in key when it is not given by value:
// CheckInKeyFile, or else checkin-key.pem beside the signing key file (or in DataDir when
// the signing key is given by value).
func (c Config) CheckInKeyPath() string { return c.keyPath(c.CheckInKeyFile, CheckInKeyFileName) }

// BadgeKeyPath is the file of the credential key when it is not given by value, chosen as
// for CheckInKeyPath.
func (c Config) BadgeKeyPath() string { return c.keyPath(c.BadgeKeyFile, BadgeKeyFileName) }

// keyPath is where a key of another purpose is kept: its own file when set; else name in
// the directory of the signing key file, which is the data directory by default, or the
// storage every instance shares when the operator chose one.
func (c Config) keyPath(file, name string) string {
	switch {
	case file != "":
		return file
	case c.SigningKeyFile != "":
		return filepath.Join(filepath.Dir(c.SigningKeyFile), name)
	}
	return filepath.Join(c.DataDir, name)
}

// checkTogether checks what involves several variables, and fills the defaults that
// depend on others.
func (c *Config) checkTogether() []error {
	var errs []error
	bad := func(name string, err error) { errs = append(errs, fmt.Errorf("%s: %w", name, err)) }
	if c.DatabaseReadURL != "" && c.DatabaseURL == "" {
		bad("RECERT_DATABASE_READ_URL", errors.New("a read replica needs RECERT_DATABASE_URL (PostgreSQL)"))
	}
	if c.SigningKey == "" && c.SigningKeyFile == "" {
		if c.DatabaseURL != "" {
			// Several instances share a PostgreSQL database; a key each would not verify the others' tokens.
			bad("RECERT_SIGNING_KEY", errors.New("set it (or RECERT_SIGNING_KEY_FILE) when the database is PostgreSQL"))
		}
		c.SigningKeyFile = filepath.Join(c.DataDir, "signing-key.pem")
	}
	if c.DatabaseURL != "" && c.SigningKey != "" && c.SigningKeyFile == "" {
		// PostgreSQL and a signing key given by value: there is no place the instances share
		// to keep the other keys, and a key each would not verify the others' codes.
		for _, k := range []struct{ name, value, file string }{
			{"RECERT_CHECKIN_KEY", c.CheckInKey, c.CheckInKeyFile},
			{"RECERT_BADGE_KEY", c.BadgeKey, c.BadgeKeyFile},
		} {
			if k.value == "" && k.file == "" {
				bad(k.name, fmt.Errorf("set it (or %s_FILE) when the database is PostgreSQL and RECERT_SIGNING_KEY is given by value", k.name))
			}
		}
	}
	if c.RefreshTokenTTL > 0 && c.RefreshTokenTTL < c.AccessTokenTTL {
		bad("RECERT_REFRESH_TOKEN_TTL", errors.New("want a duration at least the access-token lifetime"))
	}
	if c.AdminAddr != "off" && c.ListenAddr != "" && SameListener(c.AdminAddr, c.ListenAddr) {
		bad("RECERT_ADMIN_ADDR", fmt.Errorf("%s and RECERT_LISTEN_ADDR %s are the same port: the operations endpoints need their own, off the public network", c.AdminAddr, c.ListenAddr))
	}
	return errs
}

// checkPostgresURL accepts "" (not set) or a postgres:// URL with a host.
func checkPostgresURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a URL")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return errors.New("want a postgres:// or postgresql:// URL")
	}
	if u.Host == "" {
		return errors.New("missing host")
	}
	return nil
}

// Engine names the storage engine the configuration selects.
func (c Config) Engine() string {
	if c.DatabaseURL != "" {
		return "postgres"
	}
	return "sqlite"
}

// LogValue prints the configuration with secrets masked, so it can be logged at start.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("listen_addr", c.ListenAddr),
		slog.String("engine", c.Engine()),
		slog.String("database_url", Redact(c.DatabaseURL)),
		slog.String("database_read_url", Redact(c.DatabaseReadURL)),
		slog.String("data_dir", c.DataDir),
		slog.String("log_level", c.LogLevel.String()),
		slog.String("log_format", c.LogFormat),
		slog.Duration("shutdown_grace", c.ShutdownGrace),
		slog.Duration("request_timeout", c.RequestTimeout),
		slog.Int("max_in_flight", c.MaxInFlight),
		slog.Int("max_queued", c.MaxQueued),
		slog.Duration("queue_wait", c.QueueWait),
		slog.Int64("max_body_bytes", c.MaxBodyBytes),
		slog.Int64("progress_cache_bytes", c.ProgressCacheBytes),
		slog.String("public_url", c.PublicURL),
		slog.String("signing_key", setOrNot(c.SigningKey)),
		slog.String("signing_key_file", c.SigningKeyFile),
		slog.String("checkin_key", setOrNot(c.CheckInKey)),
		slog.String("checkin_key_file", c.CheckInKeyPath()),
		slog.String("badge_key", setOrNot(c.BadgeKey)),
		slog.String("badge_key_file", c.BadgeKeyPath()),
		slog.Duration("access_token_ttl", c.AccessTokenTTL),
		slog.Duration("refresh_token_ttl", c.RefreshTokenTTL),
		slog.String("admin_email", c.AdminEmail),
		slog.String("admin_password", setOrNot(c.AdminPassword)),
		slog.String("admin_addr", c.AdminAddr),
		slog.String("cors_origins", strings.Join(c.CORSOrigins, ",")),
		slog.String("smtp_url", Redact(c.SMTPURL)),
		slog.String("mail_from", c.MailFrom),
		slog.Bool("webhook_allow_private", c.WebhookAllowPrivate),
	)
}

func setOrNot(secret string) string {
	if secret == "" {
		return "(not set)"
	}
	return "(set, hidden)"
}

// Redact masks the password of a database URL, and any password query parameter.
func Redact(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable, hidden)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
