// Package app wires Recert together: configuration, database, migrations, the HTTP server
// and its graceful shutdown.
package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"text/tabwriter"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/store"
)

// version is the release tag, set at build time with
// -ldflags "-X github.com/recert-dev/recert/internal/app.version=v1.2.3".
var version string

// Version is the release tag, or the module or VCS version of a development build.
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
		if bi.Main.Version != "" {
			return bi.Main.Version
		}
	}
	return "(devel)"
}

const usage = `usage: recert [command]

commands:
  serve             run the API (the default)
  migrate [up]      apply pending database migrations and exit
  migrate status    list migrations and whether each is applied
  version           print the build version
  healthcheck       exit 0 when the local API answers /healthz (for container health checks)
  admin reset-password EMAIL [--password-stdin]
                    give the account a new password, generated and printed once (or read
                    from the first line of standard input), and end its sign-ins

Configuration comes from RECERT_* environment variables; see the README.`

// Run is the whole program: main only supplies the process's arguments, environment and output.
// Standard input is the process's.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	return RunWithStdin(ctx, args, getenv, os.Stdin, stdout)
}

// RunWithStdin is Run reading standard input from stdin.
func RunWithStdin(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	cmd := "serve"
	if len(args) > 1 {
		cmd = args[1]
	}
	if cmd == "version" {
		_, err := fmt.Fprintln(stdout, Version())
		return err
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	log := NewLogger(cfg, stdout)
	switch {
	case cmd == "serve":
		return serve(ctx, cfg, log)
	case cmd == "migrate" && (len(args) < 3 || args[2] == "up"):
		return withStore(cfg, func(st *store.Store) error { return migrate(ctx, st, log) })
	case cmd == "healthcheck":
		return healthcheck(ctx, cfg.ListenAddr)
	case cmd == "admin":
		return adminCommand(ctx, args[2:], func(f func(*store.Store) error) error { return withExistingStore(ctx, cfg, f) }, stdin, stdout)
	case cmd == "migrate" && args[2] == "status":
		return withStore(cfg, func(st *store.Store) error { return printStatus(ctx, st, stdout) })
	default:
		return fmt.Errorf("unknown command %q\n\n%s", args[1:], usage)
	}
}

// NewLogger returns the process logger in the configured format and level.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// serve binds its listeners, the API's and the operations one, before anything else, so
// that a start that cannot serve (a port is taken) writes nothing: no database, no signing
// key, and no first administrator whose generated password would be shown once and lost.
// That administrator is created last, once everything else is ready.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	log.Info("starting recert", "version", Version(), "config", cfg)
	ln, err := Listen(cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("RECERT_LISTEN_ADDR: %w", err)
	}
	defer ln.Close()
	var aln net.Listener
	if cfg.AdminAddr != "off" {
		if aln, err = Listen(cfg.AdminAddr); err != nil {
			return fmt.Errorf("RECERT_ADMIN_ADDR (the operations listener; off turns it off): %w", err)
		}
		defer aln.Close()
	}
	return withStore(cfg, func(st *store.Store) error {
		if err := migrate(ctx, st, log); err != nil {
			return err
		}
		// After the migrations, which run on the primary alone.
		if cfg.DatabaseReadURL != "" {
			if err := st.UseReadReplica(cfg.DatabaseReadURL, log); err != nil {
				return err
			}
		}
		srv, err := NewServer(ctx, cfg, st, log)
		if err != nil {
			return err
		}
		if err := bootstrapAdmin(ctx, cfg, st, auth.DefaultArgon2Params, log); err != nil {
			return err
		}
		if aln != nil {
			srv.ServeAdmin(aln)
		}
		// What starting took (the contract parsed, templates, migrations, the first
		// administrator's password hashed: 64 MiB) is garbage now; hand it back, or the runtime
		// keeps it for minutes and a service at rest holds it.
		debug.FreeOSMemory()
		base := baseURL(cfg, ln.Addr())
		log.Info(fmt.Sprintf("Recert %s: the API is at %s/v1/, its documentation at %s/docs", Version(), base, base))
		return srv.Serve(ctx, ln)
	})
}

// baseURL is where clients reach the service: RECERT_PUBLIC_URL when it was set, else the
// address the listener is bound to (localhost when bound to every interface).
func baseURL(cfg config.Config, addr net.Addr) string {
	if cfg.PublicURL != config.DefaultPublicURL {
		return cfg.PublicURL
	}
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return cfg.PublicURL
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func withStore(cfg config.Config, f func(*store.Store) error) error {
	st, err := store.Open(cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	return f(st)
}

// withExistingStore runs f on a database that already holds Recert's schema, creating
// nothing: an administrative command pointed at the wrong data directory or database must
// say so, not leave an empty database behind.
func withExistingStore(ctx context.Context, cfg config.Config, f func(*store.Store) error) error {
	st, err := store.OpenExisting(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	return f(st)
}

func migrate(ctx context.Context, st *store.Store, log *slog.Logger) error {
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	v, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	log.Info("database ready", "engine", st.Engine(), "schema_version", v)
	return nil
}

func printStatus(ctx context.Context, st *store.Store, w io.Writer) error {
	states, err := st.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tSTATE\tMIGRATION")
	for _, s := range states {
		state := "pending"
		if s.Applied {
			state = "applied"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\n", s.Version, state, s.Source)
	}
	return tw.Flush()
}
