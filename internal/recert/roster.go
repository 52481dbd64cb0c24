package recert

import (
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// MaxRosterRows is the most rows one roster may hold.
const MaxRosterRows = 10_000

// RosterRow is one attendee of a posted roster, as read (not yet checked against the event
// or the members). Values are trimmed.
type RosterRow struct {
	Index    int    // 0-based position among the roster's rows
	Line     int    // the CSV line it is on (the header is line 1); 0 for JSON
	MemberID string // a known member, for postings that name one directly (an accepted dispute)
	ABCPID   string
	Email    string
	Name     string
	Sessions []string // sessions attended, by id, code or title; empty with CEUs unset means all
	Marks    []string // a grid roster's cells, one per grid column (see the roster's Extra columns)
	CEUs     *Units   // CEUs awarded instead of sessions
	// Earned is, by session id, the CEUs a session earns when less than its own (presence
	// counted in minutes); a session not in it earns its CEUs.
	Earned map[string]Units
}

// Where names the row as people count: "line 14" in a CSV, "row 3" (from 1) in JSON.
func (r RosterRow) Where() string {
	if r.Line > 0 {
		return "line " + strconv.Itoa(r.Line)
	}
	return "row " + strconv.Itoa(r.Index+1)
}

// Field points to one field of the row: "#/line/14/email" in a CSV, "#/rows/2/email" in JSON.
func (r RosterRow) Field(field, detail string) FieldError {
	p := fmt.Sprintf("#/rows/%d/%s", r.Index, field)
	if r.Line > 0 {
		p = fmt.Sprintf("#/line/%d/%s", r.Line, field)
	}
	return FieldError{Location: "body", Pointer: p, Detail: r.Where() + ": " + detail}
}

// ValidABCPID reports whether s is an ABCP ID: exactly six ASCII digits.
func ValidABCPID(s string) bool {
	return len(s) == 6 && allDigits(s)
}

// ABCPIDProblem explains why s is not an ABCP ID, or returns "". Spreadsheets store IDs as
// numbers and drop their leading zeros, the most common way a good ID arrives short: say so.
func ABCPIDProblem(s string) string {
	if ValidABCPID(s) {
		return ""
	}
	d := Quote(s) + " is not an ABCP ID: it must be exactly 6 digits"
	if len(s) < 6 && allDigits(s) {
		d += " (did the spreadsheet drop leading zeros? format the column as text)"
	}
	return d
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// NormalizeEmail is how emails are compared: trimmed and lowercased.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// EmailProblem explains why s is not one bare address (no display name, comment or angle
// brackets, nothing net/mail would rewrite), or returns "".
func EmailProblem(s string) string {
	a, err := mail.ParseAddress(s)
	if err == nil && a.Name == "" && a.Address == s {
		return ""
	}
	return Quote(s) + " is not a bare email address, such as jane@example.org"
}

// TextProblem explains why s cannot be stored as text, or returns "".
func TextProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "is not UTF-8 text"
	case strings.ContainsRune(s, 0):
		return "contains a NUL character"
	}
	return ""
}

// CEUsProblem explains why ceus cannot be awarded at an event offering offered, or returns "".
func CEUsProblem(ceus, offered Units) string {
	switch {
	case ceus <= 0:
		return "CEUs must be more than 0.00"
	case ceus > offered:
		return fmt.Sprintf("awards %s CEUs; the event offers %s", ceus, offered)
	}
	return ""
}

// Fold is s as names and search terms are compared: lowercased, accents removed, runs of
// spaces, dots, hyphens and apostrophes made one space ("Renée  O'Roy" ~ "renee o roy").
func Fold(s string) string {
	if !isASCII(s) { // only then are there accents to remove: ASCII spares the transformer
		t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
		if out, _, err := transform.String(t, s); err == nil {
			s = out
		}
	}
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r)
	}), " ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Quote quotes s for a message, cut short so one huge cell cannot bloat the response.
func Quote(s string) string {
	const most = 40
	if len(s) <= most {
		return strconv.Quote(s)
	}
	i := most
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return strconv.Quote(s[:i]) + "…"
}

// Mark reads a grid roster's cell: attended (x, yes, y, 1, true, ✓), not attended (blank,
// no, n, 0, false), or neither (ok false).
func Mark(cell string) (attended, ok bool) {
	switch strings.ToLower(strings.TrimSpace(cell)) {
	case "x", "yes", "y", "1", "true", "✓", "✔":
		return true, true
	case "", "no", "n", "0", "false", "-":
		return false, true
	}
	return false, false
}

// DefaultSessionCode is the code a session gets when the organizer chooses none: S1…Sn.
func DefaultSessionCode(n int) string { return "S" + strconv.Itoa(n) }

// SessionByRef finds the event's session a roster names by id, code or exact title,
// ignoring case and surrounding spaces.
func (e Event) SessionByRef(ref string) (Session, bool) {
	ref = strings.TrimSpace(ref)
	for _, s := range e.Sessions {
		if s.ID == ref || strings.EqualFold(s.Code, ref) {
			return s, true
		}
	}
	for _, s := range e.Sessions {
		if strings.EqualFold(strings.TrimSpace(s.Title), ref) {
			return s, true
		}
	}
	return Session{}, false
}

// SessionCodes lists the event's session codes, for messages that say what is accepted.
func (e Event) SessionCodes() string {
	codes := make([]string, len(e.Sessions))
	for i, s := range e.Sessions {
		codes[i] = s.Code
	}
	return strings.Join(codes, ", ")
}

// AssignSessionCodes gives every session without a code the first free S<n>, counting
// from its position, so new sessions never take a code already in use.
func AssignSessionCodes(sessions []Session) {
	used := map[string]bool{}
	for _, s := range sessions {
		if s.Code != "" {
			used[strings.ToLower(s.Code)] = true
		}
	}
	n := 0
	for i := range sessions {
		if sessions[i].Code != "" {
			continue
		}
		if n < i {
			n = i
		}
		for {
			n++
			if c := DefaultSessionCode(n); !used[strings.ToLower(c)] {
				sessions[i].Code, used[strings.ToLower(c)] = c, true
				break
			}
		}
	}
}

// AttendanceProblem says why the event takes no attendance now, or returns nil.
func (e Event) AttendanceProblem() error {
	switch e.Status {
	case EventCancelled:
		return Errorf(ECONFLICT, "event %s is cancelled", e.ID)
	case EventDraft:
		return Errorf(ECONFLICT, "publish event %s before posting attendance", e.ID)
	}
	return nil
}

// Credit is what attending the sessions named by refs (ids, codes or titles), or being
// awarded ceus instead, earns at the event: the sessions in the event's order, or the CEUs
// awarded without a breakdown; with neither, every session. field and detail say what is
// wrong when it cannot be granted.
func (e Event) Credit(refs []string, ceus *Units) (sessions []SessionCredit, awarded Units, field, detail string) {
	if len(refs) > 0 && ceus != nil {
		return nil, 0, "ceus", "give either sessions or CEUs, not both"
	}
	if ceus != nil {
		if d := CEUsProblem(*ceus, e.CEUs()); d != "" {
			return nil, 0, "ceus", d
		}
		return []SessionCredit{}, *ceus, "", ""
	}
	want := map[string]bool{}
	for _, ref := range refs {
		s, ok := e.SessionByRef(ref)
		if !ok {
			return nil, 0, "sessions", fmt.Sprintf("%s is not a session of this event; its sessions are %s", Quote(ref), e.SessionCodes())
		}
		want[s.ID] = true
	}
	sessions = []SessionCredit{}
	for _, s := range e.Sessions {
		if len(want) == 0 || want[s.ID] {
			sessions = append(sessions, SessionCredit{SessionID: s.ID, CEUs: s.CEUs})
		}
	}
	return sessions, 0, "", ""
}

// SameCredit reports whether a grants exactly what b does, revocation included.
func SameCredit(a, b Attendance) bool {
	return a.Revoked == b.Revoked && a.CEUsAwarded == b.CEUsAwarded && slices.Equal(a.Sessions, b.Sessions)
}

// CheckSessionCodes refuses two sessions of one event with the same code, ignoring case.
func CheckSessionCodes(sessions []Session) error {
	seen := map[string]int{}
	for i, s := range sessions {
		k := strings.ToLower(s.Code)
		if j, ok := seen[k]; ok {
			return &Error{Code: EINVALID, Message: fmt.Sprintf("sessions %d and %d have the same code %s", j+1, i+1, s.Code),
				Fields: []FieldError{{Location: "body", Pointer: fmt.Sprintf("#/sessions/%d/code", i), Detail: "another session of the event has this code"}}}
		}
		seen[k] = i
	}
	return nil
}
