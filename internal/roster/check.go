package roster

import (
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/recert-dev/recert/internal/recert"
)

// CheckRow returns the problems of one roster row, whether read by ReadCSV or decoded from
// JSON, each pointing to "#/rows/<Index>/<field>" and, when Line is set, naming the line.
// Values are checked as given: callers trim them first, as ReadCSV does.
//
// A row needs an ABCP ID (exactly six digits) or an email (a bare address, such as
// jane@example.org, as net/mail parses it) or both; its name and session ids must be UTF-8
// text; its CEUs, when set, must be more than zero and come without session ids, since
// they are awarded instead of sessions.
func CheckRow(row recert.RosterRow) []recert.FieldError {
	var problems []recert.FieldError
	add := func(field, detail string) { problems = append(problems, rowError(row, field, detail)) }
	if row.ABCPID == "" && row.Email == "" {
		add(colNames[colABCPID], "needs an ABCP ID or an email to identify the attendee")
	}
	if row.ABCPID != "" && !validABCPID(row.ABCPID) {
		add(colNames[colABCPID], abcpIDDetail(row.ABCPID))
	}
	if row.Email != "" && !validEmail(row.Email) {
		add(colNames[colEmail], quote(row.Email)+" is not a bare email address, such as jane@example.org")
	}
	if d := textProblem(row.Name); d != "" {
		add(colNames[colName], d)
	}
	for i, id := range row.SessionIDs {
		if d := sessionProblem(id); d != "" {
			add(fmt.Sprintf("%s/%d", colNames[colSessions], i), d)
		}
	}
	if row.CEUs != nil && *row.CEUs <= 0 {
		add(colNames[colCEUs], "must be more than 0")
	}
	if row.CEUs != nil && len(row.SessionIDs) > 0 {
		add(colNames[colCEUs], "cannot be given with sessions: CEUs are awarded instead of sessions")
	}
	return problems
}

// Invalid returns the problems of an EINVALID error from ReadCSV (or one built from CheckRow)
// by row index, so a caller can keep the rows that have none. It returns nil for any other
// error.
func Invalid(err error) map[int][]recert.FieldError {
	var e *recert.Error
	if !errors.As(err, &e) || e.Code != recert.EINVALID {
		return nil
	}
	var byRow map[int][]recert.FieldError
	for _, f := range e.Fields {
		if i, ok := rowIndex(f.Pointer); ok {
			if byRow == nil {
				byRow = map[int][]recert.FieldError{}
			}
			byRow[i] = append(byRow[i], f)
		}
	}
	return byRow
}

// rowIndex reads the row index out of a pointer "#/rows/<index>/…".
func rowIndex(pointer string) (int, bool) {
	rest, ok := strings.CutPrefix(pointer, "#/rows/")
	if !ok {
		return 0, false
	}
	digits, _, _ := strings.Cut(rest, "/")
	i, err := strconv.Atoi(digits)
	return i, err == nil && i >= 0
}

// rowError points to field of row, naming the CSV line when there is one.
func rowError(row recert.RosterRow, field, detail string) recert.FieldError {
	if row.Line > 0 {
		detail = fmt.Sprintf("line %d: %s", row.Line, detail)
	}
	return recert.FieldError{Location: "body", Pointer: fmt.Sprintf("#/rows/%d/%s", row.Index, field), Detail: detail}
}

// validABCPID reports whether s is an ABCP ID: exactly six ASCII digits.
func validABCPID(s string) bool {
	return len(s) == 6 && allDigits(s)
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// abcpIDDetail explains a bad ABCP ID. Spreadsheets store IDs as numbers and drop their
// leading zeros, the most common way a good ID arrives short: say so.
func abcpIDDetail(s string) string {
	d := quote(s) + " is not an ABCP ID: it must be exactly 6 digits"
	if len(s) < 6 && allDigits(s) {
		d += " (did the spreadsheet drop leading zeros? format the column as text)"
	}
	return d
}

// validEmail reports whether s is one bare address: no display name, comment or angle
// brackets, and nothing net/mail would rewrite.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

// textProblem explains why s cannot be stored as text, or returns "". Invalid UTF-8 comes
// from spreadsheets saved in a legacy encoding; the database would refuse it, and NUL too.
func textProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "is not UTF-8 text: save the spreadsheet as \"CSV UTF-8\""
	case strings.ContainsRune(s, 0):
		return "contains a NUL character"
	}
	return ""
}

// sessionProblem explains what is wrong with a session id, or returns "".
func sessionProblem(id string) string {
	if id == "" {
		return "is empty"
	}
	return textProblem(id)
}

// quote quotes s for a message, cut short so one huge cell cannot bloat the response.
func quote(s string) string {
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
