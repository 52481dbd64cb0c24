package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// rosterRound is one round of a 10,000-row roster against its floor, in seconds.
type rosterRound struct{ api, floor float64 }

// runRosters measures, in rounds, a 10,000-row roster of new attendees posted through the API
// against its floor: a COPY of the same rows into today's tables, with their triggers and
// keys, in one transaction. Each round is a round of BenchmarkRoster10000 (internal/httpapi),
// which posts and copies in turn on databases of its own made at adminURL: the floor needs
// the rows the post would write, on a schema no load is running on, and the API's allocations
// are counted there.
func runRosters(ctx context.Context, adminURL string, rounds int) ([]rosterRound, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", "^BenchmarkRoster10000$",
		"-benchtime", "1x", "-count", strconv.Itoa(rounds), "./internal/httpapi/")
	cmd.Env = append(os.Environ(), "RECERT_TEST_DATABASE_URL="+adminURL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, lastLines(out, 20))
	}
	got := parseRosterRounds(out)
	if len(got) != rounds {
		return nil, fmt.Errorf("%d of %d roster rounds reported: %s", len(got), rounds, lastLines(out, 20))
	}
	return got, nil
}

// parseRosterRounds reads each round's api-s/op and copy-s/op from the benchmark's output.
func parseRosterRounds(out []byte) []rosterRound {
	var rounds []rosterRound
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || !strings.HasPrefix(fields[0], "BenchmarkRoster10000") {
			continue
		}
		var r rosterRound
		for i := 1; i+1 < len(fields); i++ {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			switch fields[i+1] {
			case "api-s/op":
				r.api = v
			case "copy-s/op":
				r.floor = v
			}
		}
		if r.api > 0 && r.floor > 0 {
			rounds = append(rounds, r)
		}
	}
	return rounds
}

// lastLines is the end of a command's output, for an error.
func lastLines(out []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
