package roster

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/recert-dev/recert/internal/recert"
)

// The columns a roster may have; their names are also the fields of the row pointers.
const (
	colABCPID = iota
	colEmail
	colName
	colFirst
	colLast
	colSessions
	colCEUs
	numCols
)

// colNames are the canonical column names, used in messages and pointers.
var colNames = [numCols]string{"abcp_id", "email", "name", "first_name", "last_name", "sessions", "ceus"}

// aliases maps each accepted header name, as headerKey writes it, to its column.
var aliases = map[string]int{
	"abcp id": colABCPID, "abcpid": colABCPID, "abcp #": colABCPID, "abcp": colABCPID,
	"email": colEmail, "e mail": colEmail, "email address": colEmail, "e mail address": colEmail,
	"name":       colName,
	"first name": colFirst,
	"last name":  colLast,
	"sessions":   colSessions,
	"ceus":       colCEUs,
}

// sessionsHeads and sessionsWords are the words of a header read as the sessions column:
// at least one of sessionsHeads and nothing outside both lists, whatever the case and
// punctuation ("Sessions Attended", "Session(s)", "Sessions attended (titles)", "Breakouts").
// A header with any other word ("Sessions Registered", "Session 1") is not the sessions column:
// registration is not attendance, and a grid column names one session.
var (
	sessionsHeads = words("session sessions breakout breakouts workshop workshops")
	sessionsWords = words("attended attending attendance title titles code codes id ids name names list s of the")
)

func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(s) {
		out[w] = true
	}
	return out
}

// sessionsLike reports whether a header (as headerKey writes it) names a sessions list.
func sessionsLike(key string) bool {
	ws := strings.FieldsFunc(key, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	head := false
	for _, w := range ws {
		switch {
		case sessionsHeads[w]:
			head = true
		case !sessionsWords[w]:
			return false
		}
	}
	return head
}

// column is the known column a header names, if any.
func column(h string) (int, bool) {
	k := headerKey(h)
	if col, ok := aliases[k]; ok {
		return col, true
	}
	if sessionsLike(k) {
		return colSessions, true
	}
	return 0, false
}

// headerKey is a header as aliases know it: lowercased, with underscores, hyphens and runs of
// spaces read as one space, so "E-mail Address", "email_address" and "First  Name" are known.
func headerKey(h string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("_", " ", "-", " ").Replace(strings.ToLower(h))), " ")
}

// columns holds the record index of each known column (-1 when the header lacks it) and
// of the other columns, with their headers.
type columns struct {
	at           [numCols]int
	headers      [numCols]string // as written
	extra        []int
	extraHeaders []string
}

// parseHeader finds the columns in the header record on line.
func parseHeader(rec []string, line int) (columns, error) {
	var c columns
	for i := range c.at {
		c.at[i] = -1
	}
	for i, h := range rec {
		h = strings.TrimSpace(h)
		col, ok := column(h)
		if !ok {
			if h != "" {
				c.extra, c.extraHeaders = append(c.extra, i), append(c.extraHeaders, strings.Clone(h))
			}
			continue
		}
		if c.at[col] >= 0 { // which of two cells to believe is a guess: refuse rather than pick
			return c, headerError(line, fmt.Sprintf("more than one column is %s", colNames[col]),
				fmt.Sprintf("columns %d and %d are both %s", c.at[col]+1, i+1, colNames[col]))
		}
		c.at[col], c.headers[col] = i, strings.Clone(h)
	}
	if c.at[colABCPID] < 0 && c.at[colEmail] < 0 {
		return c, headerError(line, "the header has no abcp_id or email column",
			"needs an abcp_id or email column to identify attendees; found "+list(rec))
	}
	return c, nil
}

// headerError reports a header that cannot be used.
func headerError(line int, message, detail string) error {
	return &recert.Error{
		Code:    recert.EBADREQUEST,
		Message: fmt.Sprintf("line %d: %s", line, message),
		Fields:  []recert.FieldError{lineError(line, fmt.Sprintf("line %d: %s", line, detail))},
	}
}

// list quotes the first few header cells, to show what the header holds instead.
func list(rec []string) string {
	const most = 10
	q := make([]string, 0, most+1)
	for i, s := range rec {
		if i == most {
			q = append(q, "…")
			break
		}
		q = append(q, quote(strings.TrimSpace(s)))
	}
	return strings.Join(q, ", ")
}

// cell returns the trimmed value of column col in rec; "" when absent. It shares rec's memory.
func (c *columns) cell(rec []string, col int) string {
	return at(rec, c.at[col])
}

// at returns the trimmed cell i of rec; "" when absent.
func at(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// value is cell copied, so a kept row does not pin the whole record (and the columns it
// ignores) in memory.
func (c *columns) value(rec []string, col int) string {
	return strings.Clone(c.cell(rec, col))
}

// name is the name column, or else first and last name joined with a space.
func (c *columns) name(rec []string) string {
	if n := c.value(rec, colName); n != "" {
		return n
	}
	first, last := c.cell(rec, colFirst), c.cell(rec, colLast)
	if first == "" || last == "" {
		return strings.Clone(first + last) // one of them, or neither
	}
	return first + " " + last
}

// sessions is the sessions cell, whole: the ledger reads it against the event's titles, which
// may hold the separators (see recert.Event.SessionRefs). nil when empty: the row names none.
func (c *columns) sessions(rec []string) []string {
	if v := c.value(rec, colSessions); v != "" {
		return []string{v}
	}
	return nil
}

// marks copies the cells of the extra columns; nil when they are all blank.
func (c *columns) marks(rec []string) []string {
	var out []string
	for j, i := range c.extra {
		if v := at(rec, i); v != "" {
			if out == nil {
				out = make([]string, len(c.extra))
			}
			out[j] = strings.Clone(v)
		}
	}
	return out
}

// parseRow reads the data record rec on line as the row at index, with its problems.
func parseRow(rec []string, c *columns, index, line int) (recert.RosterRow, []recert.FieldError) {
	row := recert.RosterRow{
		Index:    index,
		Line:     line,
		ABCPID:   c.value(rec, colABCPID),
		Email:    c.value(rec, colEmail),
		Name:     c.name(rec),
		Sessions: c.sessions(rec),
		Marks:    c.marks(rec),
	}
	var problems []recert.FieldError
	if s := c.cell(rec, colCEUs); s != "" {
		if u, err := recert.ParseUnits(s); err == nil {
			row.CEUs = &u
		} else { // the row keeps CEUs nil; the problem says why
			problems = append(problems, row.Field("ceus", recert.Quote(s)+" is not an amount with at most two decimal places, such as 1.5"))
		}
	}
	return row, append(problems, CheckRow(row)...)
}
