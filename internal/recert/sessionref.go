package recert

import (
	"fmt"
	"strings"
	"unicode"
)

// SessionRefs reads one cell (or one list item) naming the sessions a person attended; see
// SessionIndex.Refs, which a caller reading many cells uses.
func (e Event) SessionRefs(cell string) (sessions []Session, unknown []string) {
	return e.Index().Refs(cell)
}

// Refs reads one cell (or one list item) naming the sessions a person attended, by id, code
// or exact title, ignoring case and surrounding spaces. The cell is first tried whole as one
// name, since titles may hold commas; then it is split on ";", "|" and "," and taken when
// every part names a session. Otherwise unknown holds what names no session: the parts that
// name none when the cell holds ";" or "|" or some of its comma-separated parts name a
// session, else the whole cell. An empty cell names nothing.
func (x *SessionIndex) Refs(cell string) (sessions []Session, unknown []string) {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return nil, nil
	}
	if s, ok := x.lookup(cell); ok {
		return []Session{s}, nil
	}
	parts := splitRefs(cell, ";|,")
	for _, p := range parts {
		if s, ok := x.lookup(p); ok {
			sessions = append(sessions, s)
		} else {
			unknown = append(unknown, p)
		}
	}
	switch {
	case len(unknown) == 0:
		return sessions, nil
	case strings.ContainsAny(cell, ";|"):
		// The list separators say where one name ends; a part may still be a title with
		// commas, or a comma list of its own.
		sessions, unknown = nil, nil
		for _, p := range splitRefs(cell, ";|") {
			ss, u := x.Refs(p)
			sessions, unknown = append(sessions, ss...), append(unknown, u...)
		}
		return sessions, unknown
	case len(sessions) > 0: // "S1, ECMO Update": one name is wrong, not the whole cell
		return sessions, unknown
	}
	return nil, []string{cell}
}

// lookup finds the session ref names, as Event.SessionByRef does, from the index's maps.
func (x *SessionIndex) lookup(ref string) (Session, bool) {
	ref = strings.TrimSpace(ref)
	i, ok := x.byCode[ref] // as written, most often: no lowercase copy to make
	if !ok {
		k := strings.ToLower(ref)
		if i, ok = x.byCode[k]; !ok {
			i, ok = x.byTitle[k]
		}
	}
	if !ok {
		return Session{}, false
	}
	return x.ev.Sessions[i], true
}

// refKey is a reference as the index's maps hold it: trimmed and lowercased.
func refKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// splitRefs splits s on any of seps, trimming the parts and dropping empty ones.
func splitRefs(s, seps string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// UnknownSession says that ref names no session of the event, with the closest sessions when
// some are close (see SuggestSessions) and otherwise the codes of them all.
func (e Event) UnknownSession(ref string) string { return e.Index().Unknown(ref) }

// SuggestSessions returns the event's sessions closest to ref, a reference that names none of
// them, for a message that suggests them; nil when none is close. A suggestion is never applied:
// only a person can say which session they meant.
//
// ref and each session's title are compared folded (case, accents and punctuation ignored), and
// a session is close when one of these holds, strongest first:
//   - code: ref is the code written with spaces, punctuation or leading zeros ("s 01" for S1);
//   - prefix: ref (at least 3 characters) starts the title, or the title starts ref;
//   - token overlap: every word of ref (ignoring "a", "the", "of", "and" and such) is a word of
//     the title, or at least half of the title's words are in ref;
//   - edit distance: ref is at most a quarter of the longer one's length from the title
//     (Levenshtein, a swap of two neighbouring letters counting as one edit).
//
// The closest are those with the best score; more than one are returned only on a tie, at
// most three.
func (e Event) SuggestSessions(ref string) []Session { return e.Index().Suggest(ref) }

// SessionIndex reads references to an event's sessions (Refs) and suggests sessions for
// those that name none (Unknown, Suggest), its names prepared once, for a caller checking many
// references: a roster, a batch of disputes. It is not safe for concurrent use.
type SessionIndex struct {
	ev              Event
	byCode, byTitle map[string]int // session positions by refKey of id or code, and of title
	sessions        []name         // folded titles, by session
	codes           []string
	messages        map[string]string // Unknown's, by reference
}

// MaxSuggested is how many distinct references one SessionIndex finds suggestions for; past
// it, Unknown lists the event's codes, so that a file of thousands of distinct unknown names
// costs no more than a bounded search.
const MaxSuggested = 500

// Index prepares the event's sessions for reading references and suggesting.
func (e Event) Index() *SessionIndex {
	x := &SessionIndex{ev: e, messages: map[string]string{}, byCode: map[string]int{}, byTitle: map[string]int{}}
	for i, s := range e.Sessions {
		x.sessions = append(x.sessions, newName(s.Title))
		x.codes = append(x.codes, codeKey(Fold(s.Code)))
		for _, k := range []string{s.ID, strings.TrimSpace(s.Code), refKey(s.Code)} {
			if _, taken := x.byCode[k]; !taken && k != "" {
				x.byCode[k] = i // the first session wins, as in SessionByRef
			}
		}
		if k := refKey(s.Title); k != "" {
			if _, taken := x.byTitle[k]; !taken {
				x.byTitle[k] = i
			}
		}
	}
	return x
}

// Unknown says that ref names no session of the event, with the closest sessions when some
// are close and otherwise the codes of them all.
func (s *SessionIndex) Unknown(ref string) string {
	if m, ok := s.messages[ref]; ok {
		return m
	}
	d := Quote(ref) + " is not a session of this event"
	var near []Session
	if len(s.messages) < MaxSuggested {
		near = s.Suggest(ref)
	}
	if len(near) == 0 {
		d += "; its sessions are " + s.ev.SessionCodes()
	} else {
		named := make([]string, len(near))
		for i, x := range near {
			named[i] = fmt.Sprintf("%s %q", x.Code, x.Title) // whole: the title is the event's, and what to write
		}
		d += "; did you mean " + strings.Join(named, " or ") + "?"
	}
	s.messages[ref] = d
	return d
}

// Suggest returns the sessions closest to ref; see Event.SuggestSessions.
func (s *SessionIndex) Suggest(ref string) []Session {
	const most = 3
	r := newName(ref)
	if r.folded == "" {
		return nil
	}
	best, out := 0.0, []Session(nil)
	for i, x := range s.ev.Sessions {
		sc := closeness(r, s.sessions[i], s.codes[i])
		switch {
		case sc <= 0 || sc < best:
			continue
		case sc > best:
			best, out = sc, nil
		}
		if len(out) < most {
			out = append(out, x)
		}
	}
	return out
}

// name is a reference or title folded once, in the forms closeness compares.
type name struct {
	folded string
	runes  []rune
	words  []string
	code   string
}

func newName(s string) name {
	f := Fold(s)
	return name{folded: f, runes: []rune(f), words: words(f), code: codeKey(f)}
}

// closeness scores how close ref is to a session's title and code: 0 when it is not close; 4
// for its code, from 3 for a prefix, from 2 for a token overlap, from 1 for a small edit
// distance.
func closeness(ref, title name, code string) float64 {
	r, t := ref.folded, title.folded
	if ref.code != "" && ref.code == code {
		return 4
	}
	if t == "" {
		return 0
	}
	if len(r) >= 3 && (strings.HasPrefix(t, r) || strings.HasPrefix(r, t+" ")) {
		return 3 + float64(len(r))/float64(max(len(t), len(r)))/2
	}
	if o := overlap(ref.words, title.words); o > 0 {
		return 2 + o
	}
	if sim := similar(ref.runes, title.runes); sim > 0 {
		return 1 + sim
	}
	return 0
}

// maxEdited is the longest name compared by edit distance; titles are at most 300 characters.
const maxEdited = 300

// similar is how close a and b are by edit distance, between 0 and 1: 1 less the distance
// over the longer length, when that distance is at most a quarter of it; otherwise 0.
func similar(a, b []rune) float64 {
	longest := max(len(a), len(b))
	// The distance is at least the difference in length: skip what cannot be close.
	if longest == 0 || longest > maxEdited || 4*(longest-min(len(a), len(b))) > longest {
		return 0
	}
	if d := editDistance(a, b, longest/4); 4*d <= longest {
		return 1 - float64(d)/float64(longest)
	}
	return 0
}

// overlap scores the words ref and a title share, between 0 and 1: above 0.5 when every word
// of ref is in the title, up to 0.5 when at least half of the title's words are in ref, more
// the more of the title is covered; 0 otherwise.
func overlap(ref, title []string) float64 {
	if len(ref) == 0 || len(title) == 0 {
		return 0
	}
	in := map[string]bool{}
	for _, w := range title {
		in[w] = true
	}
	shared := 0
	for _, w := range ref {
		if in[w] {
			shared++
		}
	}
	share := float64(shared) / float64(len(title))
	switch {
	case shared == len(ref):
		return 0.5 + share*0.4
	case share >= 0.5:
		return share * 0.4
	}
	return 0
}

// stopWords are left out of the token overlap: sharing "the" says nothing.
var stopWords = map[string]bool{"a": true, "an": true, "the": true, "of": true, "and": true, "in": true,
	"on": true, "for": true, "to": true, "with": true, "at": true, "by": true, "or": true}

// words are the folded words of s that carry meaning.
func words(folded string) []string {
	var out []string
	for _, w := range strings.Fields(folded) {
		if !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// codeKey is a code as people mistype it: letters and digits only, leading zeros of numbers
// dropped ("S 01" and "s-1" are "s1").
func codeKey(folded string) string {
	var b strings.Builder
	prevDigit := false
	for _, r := range folded {
		switch {
		case unicode.IsDigit(r):
			if r == '0' && !prevDigit {
				continue // a leading zero
			}
			prevDigit = true
			b.WriteRune(r)
		case unicode.IsLetter(r):
			prevDigit = false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// editDistance is the Levenshtein distance between a and b, in runes, with a swap of two
// neighbours counted as one edit ("Ethcis" is one edit from "Ethics"), when it is at most k;
// otherwise it returns a number above k. Only the band of the table within k of its diagonal
// is filled, and the work stops once a whole row exceeds k, so distant names cost little.
func editDistance(a, b []rune, k int) int {
	const far = 1 << 30
	rows := make([]int, 3*(len(b)+1))
	prev2, prev, cur := rows[:len(b)+1], rows[len(b)+1:2*(len(b)+1)], rows[2*(len(b)+1):]
	for j := range prev {
		prev[j], prev2[j], cur[j] = j, far, far
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-k), min(len(b), i+k)
		cur[0] = far
		if i <= k {
			cur[0] = i
		}
		if lo > 1 {
			cur[lo-1] = far
		}
		best := cur[0]
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			best = min(best, cur[j])
		}
		if hi < len(b) {
			cur[hi+1] = far
		}
		if best > k {
			return k + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
