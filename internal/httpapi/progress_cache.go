package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/recert"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/recert-dev/recert/internal/ledger"
)

// progressCache keeps rendered progress answers by everything they depend on: the member,
// the question (program, as_of, explain, the caller's scope) and, without as_of, the quarter
// hour (every time zone's date, hence "today" in every program, is the same throughout a UTC
// quarter hour), and the version of the member's ledger and of the programs it was evaluated
// at (read with the member in one statement per request, so a write on any instance is seen
// at once). It keeps one answer a question, the latest, and at most max bytes of answers.
// It keeps organizations' standing lists the same way, a member at a time (progressKey.standing).
type progressCache struct {
	mu    sync.Mutex
	lru   *lru.Cache[progressKey, kept]
	bytes int64
	max   int64
}

// kept is a rendered answer, the version it was evaluated at and, for a member's standing,
// the statuses it shows (what the list's status filter reads).
type kept struct {
	version  ledger.Version
	body     []byte
	statuses []api.ProgressStatus
}

type progressKey struct {
	standing         bool // a member's standing in an organization's list, not their progress
	member, question string
}

// newProgressCache holds up to max bytes; zero or less: no cache.
func newProgressCache(max int64) *progressCache {
	if max <= 0 {
		return nil
	}
	c := &progressCache{max: max}
	// The entry count is bounded by bytes; this bound only keeps the index small.
	c.lru, _ = lru.NewWithEvict(1<<20, func(_ progressKey, k kept) { c.bytes -= int64(len(k.body)) })
	return c
}

// get is the answer kept for the question at version v.
func (c *progressCache) get(k progressKey, v ledger.Version) (kept, bool) {
	if c == nil {
		return kept{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.lru.Get(k)
	return e, ok && e.version == v
}

// asked reports whether an answer to the question is kept, at any version. When none is, the
// cache cannot answer: the member and their record are read at once.
func (c *progressCache) asked(k progressKey) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Contains(k)
}

func (c *progressCache) add(k progressKey, v kept) {
	if c == nil || int64(len(v.body)) > c.max/16 {
		return // one answer may not crowd out the rest
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.lru.Peek(k); ok {
		c.bytes -= int64(len(old.body))
	}
	c.lru.Add(k, v)
	c.bytes += int64(len(v.body))
	for c.bytes > c.max {
		c.lru.RemoveOldest()
	}
}

// question is the part of a progress key that the request and the clock decide.
func question(scope recert.Scope, q progressQuery, now time.Time) string {
	var b strings.Builder
	b.WriteString(q.program)
	b.WriteByte('|')
	if q.asOf != nil {
		b.WriteString(q.asOf.Time.Format(time.DateOnly))
	} else {
		b.WriteString(quarterHour(now))
	}
	b.WriteByte('|')
	b.WriteString(strconv.FormatBool(q.explain))
	b.WriteString(strconv.FormatBool(q.credits))
	if !scope.All() {
		b.WriteString("|orgs:")
		b.WriteString(strings.Join(scope.IDs(), ","))
	}
	return b.String()
}

// quarterHour names the UTC quarter hour of now: "today" is the same throughout it in every
// time zone, hence in every program.
func quarterHour(now time.Time) string { return strconv.FormatInt(now.Unix()/(15*60), 10) }

// cachedProgress answers from the cache or evaluates, renders and keeps the answer. A
// question the cache holds no answer to (an app reading each member once, a cache off) reads
// the member and their record in one round trip; one it holds an answer to reads the member,
// and their record only when the answer is out of date.
func (s *Server) cachedProgress(ctx context.Context, memberID string, q progressQuery) (rawResponse, error) {
	scope, err := ledger.MemberScope(principalFrom(ctx), memberID)
	if err != nil { // refused before any read: confirmedCaller confirms the caller first
		return rawResponse{}, err
	}
	key := progressKey{member: memberID, question: question(scope, q, s.now())}
	var sub ledger.Subject
	var rec *ledger.Record
	if s.progressCache.asked(key) {
		sub, err = s.progressSubject(ctx, memberID, scope)
	} else {
		sub, rec, err = s.progressSubjectRecord(ctx, memberID, scope, !q.credits)
	}
	if err != nil {
		return rawResponse{}, err
	}
	if !sub.Visible {
		return rawResponse{}, notFound("member", memberID)
	}
	if k, ok := s.progressCache.get(key, sub.Version); ok {
		return rawResponse{Status: http.StatusOK, Body: k.body}, nil
	}
	out, err := s.evaluateProgress(ctx, memberID, scope, &sub, rec, q)
	if err != nil {
		return rawResponse{}, err
	}
	body, err := encodeJSON(out)
	if err != nil {
		return rawResponse{}, err
	}
	s.progressCache.add(key, kept{version: sub.Version, body: body})
	return rawResponse{Status: http.StatusOK, Body: body}, nil
}

// encoders are buffers an answer is encoded into before it is copied out at its size: an
// answer of kilobytes grown from nothing allocated about three times its size. A buffer an
// answer with every credit grew past maxPooledEncoder is left to the collector.
var encoders = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledEncoder = 64 << 10

// encodeJSON is v as json.Encoder writes it (a newline ends it), in a slice of its own.
func encodeJSON(v any) ([]byte, error) {
	buf := encoders.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledEncoder {
			encoders.Put(buf)
		}
	}()
	buf.Reset()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

func (r rawResponse) VisitGetMemberProgressResponse(w http.ResponseWriter) error { return r.write(w) }
func (r rawResponse) VisitGetMyProgressResponse(w http.ResponseWriter) error     { return r.write(w) }
