package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// ReadAfterHeader carries a write-ahead log position between a client and the service: the
// answer to a request that may have written names the primary's position after it, and a
// read that sends it back is answered from data at least that recent, on any instance.
const ReadAfterHeader = "Recert-Read-After"

// ReadReplica is what read-your-writes needs of the store when reads go to a read replica.
type ReadReplica interface {
	// WALPosition is the primary's current write-ahead log position.
	WALPosition(ctx context.Context) (string, error)
	// ReplicaHasReplayed reports whether the replica answers and holds every write up to lsn.
	ReplicaHasReplayed(ctx context.Context, lsn string) bool
	// ReadFromPrimary returns ctx with the store's reads sent to the primary.
	ReadFromPrimary(ctx context.Context) context.Context
}

// maxPendingCallers bounds the callers whose last write this instance remembers.
const maxPendingCallers = 10000

// readAfter keeps each caller's own writes visible to them when reads go to a replica.
// After a request that may have written, it notes the primary's position for the caller;
// the caller's reads go to the primary until the replica has replayed past it. The note
// lives in this process; the Recert-Read-After header carries it to other instances.
type readAfter struct {
	replica ReadReplica
	caller  func(*http.Request) string // the signed-in caller's subject, "" for none

	mu      sync.Mutex
	pending map[string]uint64 // caller -> position their reads must see
}

func newReadAfter(r ReadReplica, caller func(*http.Request) string) *readAfter {
	return &readAfter{replica: r, caller: caller, pending: map[string]uint64{}}
}

// middleware routes the request's reads: to the primary for a request that may write (what
// it acts on must be current) and for a caller whose writes the replica has not replayed.
func (ra *readAfter) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		ctx, caller := r.Context(), ra.caller(r)
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			if ra.mustReadPrimary(ctx, caller, r.Header.Get(ReadAfterHeader)) {
				c.SetRequest(r.WithContext(ra.replica.ReadFromPrimary(ctx)))
			}
			return next(c)
		}
		c.SetRequest(r.WithContext(ra.replica.ReadFromPrimary(ctx)))
		if caller != "" {
			// Just before the answer is written: its writes are committed by then, and the
			// header can still be set. Successful or not, it may have written.
			res := c.Response()
			res.Before(func() { ra.wrote(context.WithoutCancel(ctx), caller, res.Header()) })
		}
		return next(c)
	}
}

// wrote notes the primary's position for caller and hands it back in the header.
func (ra *readAfter) wrote(ctx context.Context, caller string, h http.Header) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	text, err := ra.replica.WALPosition(ctx)
	pos, ok := parseLSN(text)
	if err != nil || !ok {
		return // the primary did not answer; the request failed with it
	}
	h.Set(ReadAfterHeader, formatLSN(pos))
	ra.mu.Lock()
	defer ra.mu.Unlock()
	if pos <= ra.pending[caller] {
		return
	}
	if _, known := ra.pending[caller]; !known && len(ra.pending) >= maxPendingCallers {
		ra.evictOldest()
	}
	ra.pending[caller] = pos
}

// evictOldest forgets the caller with the oldest position, the likeliest to be replayed.
func (ra *readAfter) evictOldest() {
	oldest, least := "", uint64(0)
	for k, v := range ra.pending {
		if oldest == "" || v < least {
			oldest, least = k, v
		}
	}
	delete(ra.pending, oldest)
}

// mustReadPrimary reports whether a read by caller, who sent header (Recert-Read-After or
// ""), must be answered by the primary: the replica has not replayed what they must see.
func (ra *readAfter) mustReadPrimary(ctx context.Context, caller, header string) bool {
	want, _ := parseLSN(header) // a malformed value asks for nothing
	ra.mu.Lock()
	mine, noted := ra.pending[caller]
	ra.mu.Unlock()
	want = max(want, mine)
	if want == 0 {
		return false
	}
	if !ra.replica.ReplicaHasReplayed(ctx, formatLSN(want)) {
		return true
	}
	if noted {
		ra.mu.Lock()
		if ra.pending[caller] == mine { // not moved on by a write meanwhile
			delete(ra.pending, caller)
		}
		ra.mu.Unlock()
	}
	return false
}

// parseLSN reads a PostgreSQL log sequence number written as two hexadecimal halves, 16/B374D848.
func parseLSN(s string) (uint64, bool) {
	hi, lo, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok || len(hi) == 0 || len(hi) > 8 || len(lo) == 0 || len(lo) > 8 {
		return 0, false
	}
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return h<<32 | l, true
}

func formatLSN(n uint64) string { return fmt.Sprintf("%X/%X", n>>32, n&0xFFFFFFFF) }

// bearerSubject is the subject of the request's access token when its signature and claims
// verify; the token is checked against the database later, by authenticate.
func (s *Server) bearerSubject(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get(echo.HeaderAuthorization), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	claims, err := s.tokens.Verify(strings.TrimSpace(token))
	if err != nil {
		return ""
	}
	return claims.Subject
}

// callerOf identifies the signed-in caller of a request to the API or, through their session
// cookie, to the pages, without reading the database.
func (s *Server) callerOf(pages any) func(*http.Request) string {
	session, _ := pages.(interface{ Caller(*http.Request) string })
	return func(r *http.Request) string {
		if sub := s.bearerSubject(r); sub != "" || session == nil {
			return sub
		}
		return session.Caller(r)
	}
}
