package roster

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/recert-dev/recert/internal/recert"
)

// CheckRow returns the syntax problems of one roster row, whether read by ReadCSV or decoded
// from JSON, each pointing to the row's field (see recert.RosterRow.Field). Values are
// checked as given: callers trim them first, as ReadCSV does.
//
// A row needs an ABCP ID or an email (or both, or a member id); its text must be UTF-8
// without NUL; its CEUs, when set, must be more than zero and come without sessions, since
// they are awarded instead of sessions. Whether the sessions exist and who the row names are
// the ledger's to decide.
func CheckRow(row recert.RosterRow) []recert.FieldError {
	var problems []recert.FieldError
	add := func(field, detail string) { problems = append(problems, row.Field(field, detail)) }
	if row.ABCPID == "" && row.Email == "" && row.MemberID == "" {
		add(colNames[colABCPID], "needs an ABCP ID or an email to identify the attendee")
	}
	if row.ABCPID != "" {
		if d := recert.ABCPIDProblem(row.ABCPID); d != "" {
			add(colNames[colABCPID], d)
		}
	}
	if row.Email != "" {
		if d := recert.EmailProblem(row.Email); d != "" {
			add(colNames[colEmail], d)
		}
	}
	if d := recert.TextProblem(row.Name); d != "" {
		add(colNames[colName], "the name "+d)
	}
	if len([]rune(row.Name)) > 200 {
		add(colNames[colName], "a name has at most 200 characters")
	}
	for i, ref := range row.Sessions {
		if d := recert.TextProblem(ref); d != "" {
			add(fmt.Sprintf("%s/%d", colNames[colSessions], i), "the session "+d)
		}
	}
	if row.CEUs != nil && *row.CEUs <= 0 {
		add(colNames[colCEUs], "CEUs must be more than 0.00")
	}
	if row.CEUs != nil && len(row.Sessions) > 0 {
		add(colNames[colCEUs], "cannot be given with sessions: CEUs are awarded instead of sessions")
	}
	return problems
}

// Invalid returns the problems of an EINVALID error from ReadCSV (or one built from
// CheckRow) by row index, so a caller can keep the rows that have none. It returns nil for
// any other error.
func Invalid(err error, rows []recert.RosterRow) map[int][]recert.FieldError {
	var e *recert.Error
	if !errors.As(err, &e) || e.Code != recert.EINVALID {
		return nil
	}
	byLine := map[int]int{}
	for _, r := range rows {
		byLine[r.Line] = r.Index
	}
	out := map[int][]recert.FieldError{}
	for _, f := range e.Fields {
		if i, ok := rowOf(f.Pointer, byLine); ok {
			out[i] = append(out[i], f)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// rowOf reads the row index out of a pointer "#/rows/<index>/…" or "#/line/<line>/…".
func rowOf(pointer string, byLine map[int]int) (int, bool) {
	if rest, ok := strings.CutPrefix(pointer, "#/rows/"); ok {
		digits, _, _ := strings.Cut(rest, "/")
		i, err := strconv.Atoi(digits)
		return i, err == nil && i >= 0
	}
	if rest, ok := strings.CutPrefix(pointer, "#/line/"); ok {
		digits, _, _ := strings.Cut(rest, "/")
		l, err := strconv.Atoi(digits)
		i, found := byLine[l]
		return i, err == nil && found
	}
	return 0, false
}

// lineError points to a line of the CSV body.
func lineError(line int, detail string) recert.FieldError {
	return recert.FieldError{Location: "body", Pointer: fmt.Sprintf("#/line/%d", line), Detail: detail}
}

func quote(s string) string { return recert.Quote(s) }
