package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// report writes the run's tables in Markdown.
type report struct{ out io.Writer }

func (r report) printf(format string, args ...any) { fmt.Fprintf(r.out, format, args...) }

func (r report) header(c config) {
	r.printf("Run of %s on %d CPUs: %d members, %d events, %d attendance rows; phases of %s, %d capacity rounds.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), c.members, c.events, c.events*c.perEvent, c.duration, c.rounds)
}

const baselineName = "baseline: one SUM query"

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// mixed is the table of the mixed workload, each endpoint's p50 also as a ratio to the
// baseline's p50 in the same run.
func (r report) mixed(m map[string]*vegeta.Metrics) {
	r.printf("### Mixed workload at fixed arrival rates\n\n")
	r.printf("| endpoint | rate (req/s) | p50 ms | p95 ms | p99 ms | throughput (req/s) | errors | statuses | p50 / baseline p50 |\n")
	r.printf("|---|---:|---:|---:|---:|---:|---:|---|---:|\n")
	base := m[baselineName]
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		x := m[n]
		ratio := "1.00"
		if base != nil && base.Latencies.P50 > 0 {
			ratio = fmt.Sprintf("%.2f", float64(x.Latencies.P50)/float64(base.Latencies.P50))
		}
		r.printf("| %s | %.0f | %s | %s | %s | %.1f | %.2f%% | %s | %s |\n", n, x.Rate, ms(x.Latencies.P50), ms(x.Latencies.P95),
			ms(x.Latencies.P99), x.Throughput, 100*(1-x.Success), statuses(x.StatusCodes), ratio)
	}
	r.printf("\n")
}

func median[T int64 | float64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// capacity is the table of the progress targets: medians over the rounds.
func (r report) capacity(rounds []capacityRound) {
	var pMax, bMax, errs []float64
	var pP99, bP99 []time.Duration
	for _, c := range rounds {
		pMax, bMax, errs = append(pMax, c.progressMax), append(bMax, c.baselineMax), append(errs, c.errorsAt500)
		pP99, bP99 = append(pP99, c.progressP99), append(bP99, c.baselineP99)
	}
	r.printf("### Progress against the baseline (medians of %d rounds)\n\n", len(rounds))
	r.printf("| measure | progress | baseline | ratio | target |\n|---|---:|---:|---:|---|\n")
	r.printf("| throughput at saturation (req/s, 8 workers) | %.0f | %.0f | %.2f× | ≥ 0.3× |\n", median(pMax), median(bMax), median(pMax)/median(bMax))
	r.printf("| p99 at 300 req/s (ms) | %s | %s | %.1f× | ≤ 5× |\n", ms(median(pP99)), ms(median(bP99)), float64(median(pP99))/float64(median(bP99)))
	r.printf("| errors at 500 req/s | %.2f%% | | | none |\n", 100*median(errs))
	var p500, b500 []time.Duration
	var u300 []time.Duration
	var uErr []float64
	for _, c := range rounds {
		p500, b500 = append(p500, c.progressP99At500), append(b500, c.baselineP99At500)
		u300, uErr = append(u300, c.uncachedP99), append(uErr, c.uncachedErrors)
	}
	r.printf("| p99 at 500 req/s (ms) | %s | %s | %.1f× | ≤ 5× |\n", ms(median(p500)), ms(median(b500)), float64(median(p500))/float64(median(b500)))
	r.printf("| uncached p99 at 300 req/s (ms) | %s | %s | %.1f× | ≤ 10× |\n", ms(median(u300)), ms(median(bP99)),
		float64(median(u300))/float64(median(bP99)))
	r.printf("| uncached errors at 300 req/s | %.2f%% | | | none |\n", 100*median(uErr))
	var uMax []float64
	var st, stWarm, b1 []time.Duration
	for _, c := range rounds {
		uMax, st, b1 = append(uMax, c.uncachedMax), append(st, c.standing), append(b1, c.baselineOne)
		stWarm = append(stWarm, c.standingWarm)
	}
	r.printf("| uncached throughput at saturation (req/s, 8 workers, a different as_of each request) | %.0f | %.0f | %.2f× | ≥ 0.3× |\n",
		median(uMax), median(bMax), median(uMax)/median(bMax))
	r.printf("| 1,000 members' standing (two pages of 500), every member evaluated, against one member's sum, quiet p50 (ms) | %s | %s | %.1f× | ≤ 20× |\n",
		ms(median(st)), ms(median(b1)), float64(median(st))/float64(median(b1)))
	r.printf("| the same read again, nothing changed (kept standings), against one member's sum, quiet p50 (ms) | %s | %s | %.1f× | ≤ 20× |\n\n",
		ms(median(stWarm)), ms(median(b1)), float64(median(stWarm))/float64(median(b1)))
	var rate, ok, shed []float64
	var p50, p99 []time.Duration
	for _, c := range rounds {
		rate, ok, shed = append(rate, c.overRate), append(ok, c.overOK), append(shed, c.over503)
		p50, p99 = append(p50, c.overP50), append(p99, c.overP99)
	}
	r.printf("Progress at twice its saturation (%.0f req/s): %.1f%% answered 200, %.1f%% turned away with 503; p50 %s ms, p99 %s ms over every request.\n\n",
		median(rate), 100*median(ok), 100*median(shed), ms(median(p50)), ms(median(p99)))
}

// growthBase is the member the target compares with: 5,000 credits within 3× the p50 of 30.
const growthBase = 30

// growth is progress p50 against the member's number of credits.
func (r report) growth(points []growthPoint) {
	r.printf("### Progress p50 against the member's credits\n\n")
	base := points[0]
	for _, p := range points {
		if p.credits == growthBase {
			base = p
		}
	}
	r.printf("| credits | evaluated p50 ms | evaluated, ratio to %d credits | cached p50 ms | cached, ratio to %d credits |\n|---:|---:|---:|---:|---:|\n",
		base.credits, base.credits)
	for _, p := range points {
		r.printf("| %d | %s | %.2f | %s | %.2f |\n", p.credits, ms(p.evaluated), float64(p.evaluated)/float64(base.evaluated),
			ms(p.cached), float64(p.cached)/float64(base.cached))
	}
	r.printf("\n")
}

// rosters is a 10,000-row roster through the API against its COPY floor: the medians of the
// rounds' times and of their ratios, with the range of the ratios.
func (r report) rosters(rounds []rosterRound) {
	var api, floor, ratio []float64
	for _, x := range rounds {
		api, floor, ratio = append(api, x.api), append(floor, x.floor), append(ratio, x.api/x.floor)
	}
	r.printf("### A 10,000-row roster against its floor (medians of %d rounds)\n\n", len(rounds))
	r.printf("| through the API (s) | COPY of the same rows into today's tables (s) | ratio | ratios | target |\n|---:|---:|---:|---|---|\n")
	r.printf("| %.3f | %.3f | %.2f× | %.2f–%.2f | ≤ 1.0× |\n\n", median(api), median(floor), median(ratio), slices.Min(ratio), slices.Max(ratio))
}

// ledger is progress p50 for one member of fixed credits against the size of the ledger.
func (r report) ledger(points []ledgerPoint) {
	if len(points) == 0 {
		return
	}
	r.printf("### Progress p50 against the ledger's size (one member, %d credits)\n\n", ledgerMemberCredits)
	r.printf("| attendance rows | session credits | evaluated p50 ms | ratio to the smallest |\n|---:|---:|---:|---:|\n")
	for _, p := range points {
		r.printf("| %d | %d | %s | %.2f |\n", p.attendance, p.credits, ms(p.p50), float64(p.p50)/float64(points[0].p50))
	}
	r.printf("\n")
}

// statuses lists the status codes seen, most frequent first ("200×950 429×50").
func statuses(codes map[string]int) string {
	keys := make([]string, 0, len(codes))
	for k := range codes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return codes[keys[i]] > codes[keys[j]] })
	out := ""
	for _, k := range keys {
		out += fmt.Sprintf("%s×%d ", k, codes[k])
	}
	return out
}
