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

// aliases maps each accepted header name, lowercased, to its column.
var aliases = map[string]int{
	"abcp_id": colABCPID, "abcp id": colABCPID, "abcpid": colABCPID,
	"email": colEmail, "e-mail": colEmail,
	"name":       colName,
	"first_name": colFirst, "first name": colFirst,
	"last_name": colLast, "last name": colLast,
	"sessions": colSessions,
	"ceus":     colCEUs,
}

// columns holds the record index of each column, -1 when the header lacks it.
type columns [numCols]int

// parseHeader finds the columns in the header record on line.
func parseHeader(rec []string, line int) (columns, error) {
	var c columns
	for i := range c {
		c[i] = -1
	}
	for i, h := range rec {
		col, ok := aliases[strings.ToLower(strings.TrimSpace(h))]
		if !ok {
			continue
		}
		if c[col] >= 0 { // which of two cells to believe is a guess: refuse rather than pick
			return c, headerError(line, fmt.Sprintf("more than one column is %s", colNames[col]),
				fmt.Sprintf("columns %d and %d are both %s", c[col]+1, i+1, colNames[col]))
		}
		c[col] = i
	}
	if c[colABCPID] < 0 && c[colEmail] < 0 {
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
	i := c[col]
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

// sessions splits the sessions column into ids; nil when empty, which means all sessions.
func (c *columns) sessions(rec []string) []string {
	ids := strings.FieldsFunc(c.value(rec, colSessions), isSessionSep)
	if len(ids) == 0 {
		return nil
	}
	return ids
}

// isSessionSep reports whether r separates session ids. Commas count too: a quoted cell
// "ses_a, ses_b" means two sessions, never an id ending in a comma.
func isSessionSep(r rune) bool {
	return r == ';' || r == '|' || r == ',' || unicode.IsSpace(r)
}

// parseRow reads the data record rec on line as the row at index, with its problems.
func parseRow(rec []string, c *columns, index, line int) (recert.RosterRow, []recert.FieldError) {
	row := recert.RosterRow{
		Index:      index,
		Line:       line,
		ABCPID:     c.value(rec, colABCPID),
		Email:      c.value(rec, colEmail),
		Name:       c.name(rec),
		SessionIDs: c.sessions(rec),
	}
	var problems []recert.FieldError
	if s := c.cell(rec, colCEUs); s != "" {
		if u, err := recert.ParseUnits(s); err == nil {
			row.CEUs = &u
		} else { // the row keeps CEUs nil; the problem says why
			problems = append(problems, rowError(row, "ceus", quote(s)+" is not an amount with at most two decimal places, such as 1.5"))
		}
	}
	return row, append(problems, CheckRow(row)...)
}
