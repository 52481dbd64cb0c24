// Command bench measures Recert under load: it builds and starts the real binary on
// 127.0.0.1 against a fresh PostgreSQL database, seeds it through the API, and runs fixed
// arrival-rate workloads with vegeta, next to a raw baseline (a minimal echo + pgx handler
// answering the same member question with one hand-written query) in the same run. It prints
// Markdown tables: latency percentiles, throughput and errors per endpoint, and ratios to the
// baseline. See bench/README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"time"
)

type config struct {
	adminURL  string // an administrative PostgreSQL URL; the bench database is created there
	members   int
	events    int
	perEvent  int
	duration  time.Duration
	rounds    int
	keep      bool
	growthMax int
	rosters   int    // rounds of the roster against its floor; 0 skips them
	profile   string // a directory for the service's CPU profiles of the saturation arms; "" takes none
}

func main() {
	var c config
	flag.StringVar(&c.adminURL, "db", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "administrative PostgreSQL URL")
	flag.IntVar(&c.members, "members", 10_000, "members to seed")
	flag.IntVar(&c.events, "events", 500, "events to seed")
	flag.IntVar(&c.perEvent, "attendees", 600, "attendees per seeded event (events × attendees attendance rows)")
	flag.DurationVar(&c.duration, "duration", 15*time.Second, "length of each load phase")
	flag.IntVar(&c.rounds, "rounds", 5, "rounds of the capacity and latency phases (medians are reported)")
	flag.IntVar(&c.growthMax, "growth", 5000, "largest member ledger of the growth phase (0 skips it)")
	flag.IntVar(&c.rosters, "rosters", 3, "rounds of a 10,000-row roster against its COPY floor (0 skips them)")
	flag.BoolVar(&c.keep, "keep", false, "keep the bench database afterwards")
	flag.StringVar(&c.profile, "profile", "", "directory for the service's CPU profiles of each saturation arm (none if empty)")
	flag.Parse()
	log.SetFlags(log.Ltime)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()
	if err := run(ctx, c); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, c config) error {
	dbURL, drop, err := freshDatabase(ctx, c.adminURL, "recert_bench")
	if err != nil {
		return err
	}
	if !c.keep {
		defer drop()
	}
	srv, err := startRecert(ctx, dbURL, c.profile != "")
	if err != nil {
		return err
	}
	srv.dbURL = dbURL
	defer srv.stop()
	base, err := startBaseline(ctx, dbURL)
	if err != nil {
		return err
	}
	defer base.stop()

	t0 := time.Now()
	w, err := seed(ctx, srv, c)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	log.Printf("seeded %d members, %d events, %d attendance rows in %s", c.members, c.events, c.events*c.perEvent, time.Since(t0).Round(time.Second))
	// A registry in steady state is vacuumed and has planner statistics; right after a bulk
	// seed (seconds of COPY) it has neither, and autovacuum would run during the first phase.
	if err := analyze(ctx, dbURL); err != nil {
		return err
	}

	r := report{out: os.Stdout}
	r.header(c)
	r.ledger(w.ledger)
	r.mixed(runMixed(ctx, srv, base, w, c.duration))
	settle(srv, base)
	r.capacity(runCapacity(ctx, srv, base, w, c))
	if c.growthMax > 0 {
		g, err := runGrowth(ctx, srv, w, c.growthMax)
		if err != nil {
			return fmt.Errorf("growth: %w", err)
		}
		r.growth(g)
	}
	if c.rosters > 0 {
		rounds, err := runRosters(ctx, c.adminURL, c.rosters)
		if err != nil {
			return fmt.Errorf("rosters: %w", err)
		}
		r.rosters(rounds)
	}
	return nil
}
