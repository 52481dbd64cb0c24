package recert

import (
	"fmt"
	"strings"
	"unicode"
)

// SessionRefs reads one cell (or one list item) naming the sessions a person attended. The
// cell is first tried whole as one id, code or title, since titles may hold commas; then it is
// split on ";", "|" and "," and taken when every part names a session. Otherwise unknown holds
// what names no session: the parts that name none when the cell holds ";" or "|" or some of its
// comma-separated parts name a session, else the whole cell. An empty cell names nothing.
func (e Event) SessionRefs(cell string) (sessions []Session, unknown []string) {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return nil, nil
	}
	if s, ok := e.SessionByRef(cell); ok {
		return []Session{s}, nil
	}
	parts := splitRefs(cell, ";|,")
	for _, p := range parts {
		if s, ok := e.SessionByRef(p); ok {
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
			ss, u := e.SessionRefs(p)
			sessions, unknown = append(sessions, ss...), append(unknown, u...)
		}
		return sessions, unknown
	case len(sessions) > 0: // "S1, ECMO Update": one name is wrong, not the whole cell
		return sessions, unknown
	}
	return nil, []string{cell}
}

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
func (e Event) UnknownSession(ref string) string {
	d := Quote(ref) + " is not a session of this event"
	near := e.SuggestSessions(ref)
	if len(near) == 0 {
		return d + "; its sessions are " + e.SessionCodes()
	}
	named := make([]string, len(near))
	for i, s := range near {
		named[i] = fmt.Sprintf("%s %q", s.Code, s.Title) // whole: the title is the event's, and what to write
	}
	return d + "; did you mean " + strings.Join(named, " or ") + "?"
}

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
func (e Event) SuggestSessions(ref string) []Session {
	const most = 3
	best, out := 0.0, []Session(nil)
	for _, s := range e.Sessions {
		sc := closeness(ref, s)
		switch {
		case sc <= 0 || sc < best:
			continue
		case sc > best:
			best, out = sc, nil
		}
		if len(out) < most {
			out = append(out, s)
		}
	}
	return out
}

// closeness scores how close ref is to session s: 0 when it is not close; 4 for its code,
// from 3 for a prefix, from 2 for a token overlap, from 1 for a small edit distance.
func closeness(ref string, s Session) float64 {
	r, t := Fold(ref), Fold(s.Title)
	if r == "" {
		return 0
	}
	if codeKey(r) != "" && codeKey(r) == codeKey(Fold(s.Code)) {
		return 4
	}
	if t == "" {
		return 0
	}
	if len(r) >= 3 && (strings.HasPrefix(t, r+" ") || strings.HasPrefix(r, t+" ") || strings.HasPrefix(t, r)) {
		return 3 + float64(len(r))/float64(max(len(t), len(r)))/2
	}
	if o := overlap(words(r), words(t)); o > 0 {
		return 2 + o
	}
	if d, longest := editDistance(r, t), max(len([]rune(r)), len([]rune(t))); d*4 <= longest {
		return 2 - float64(d)/float64(longest)
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
// neighbours counted as one edit ("Ethcis" is one edit from "Ethics").
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
