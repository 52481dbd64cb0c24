// Package roster reads the attendance rosters organizers post: CSV exported from
// spreadsheets and check-in systems, turned into recert.RosterRows and checked field by
// field. It knows nothing of events or members: which columns are sessions, and who a row
// is, is decided in internal/ledger, where a roster row becomes a credit.
package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/recert-dev/recert/internal/recert"
)

// MaxRows is the most rows one roster may hold.
const MaxRows = recert.MaxRosterRows

// bom is the UTF-8 byte-order mark Excel writes at the start of "CSV UTF-8" files.
var bom = []byte("\uFEFF")

// File is a roster read from CSV.
type File struct {
	Rows []recert.RosterRow
	// Extra are the headers of the columns that are not identity, sessions or CEUs columns,
	// in file order; each row's Marks holds its cells in those columns. A grid roster's
	// sessions are among them.
	Extra []string
	// Warnings are about the file as a whole, such as its encoding.
	Warnings []string
	// Invalid holds the problems of the rows that break the rules of CheckRow or have
	// unreadable CEUs, by row index (see Invalid); set by Read.
	Invalid map[int][]recert.FieldError
	// SessionsColumn is the header of the sessions column as written; "" when the file has
	// none. CEUsColumn tells whether it has a ceus column.
	SessionsColumn string
	CEUsColumn     bool
}

// Read reads roster CSV bytes, as an upload or a request body carries them, into rows, the
// other columns and warnings: it is the one reading of a CSV roster, for the API and the
// pages alike. Rows with problems are kept, their problems in Invalid; the error is only for
// a file that cannot be read as a roster at all (see ReadCSV).
func Read(raw []byte) (File, error) {
	f, err := ReadCSV(bytes.NewReader(raw))
	f.Invalid = Invalid(err, f.Rows)
	if err != nil && f.Invalid == nil {
		return File{}, err
	}
	return f, nil
}

// ReadCSV reads a roster: a header row, then one attendee per row.
//
// The header names the columns, in any order and case, surrounding spaces ignored:
// abcp_id (or "abcp id", abcpid, "abcp #"), email (or e-mail), name (or first_name and
// last_name, also "first name" and "last name", joined with a space), sessions (the cell
// kept whole, for the ledger to read as session codes, ids or titles; also a header such as
// "Sessions Attended", see sessionsLike) and ceus (a decimal with at most two places). Other
// columns are kept as Extra, for the caller to read as a grid of sessions or ignore; an
// abcp_id or an email column is required.
//
// ReadCSV accepts a UTF-8 byte-order mark, CRLF or LF line ends, quoted fields, rows with
// fewer or more cells than the header, and blank lines, which it skips along with rows whose
// cells are all empty (spreadsheets export formatted empty rows as ",,,"). A file that is not
// UTF-8 is read as Windows-1252, what Excel's plain "CSV" export writes, with a warning.
// Values are trimmed. Each row's Index counts the data rows read, from 0; its Line is the
// line it starts on.
//
// Every error is a *recert.Error: EBADREQUEST when the input is not CSV or has no usable
// header (a FieldError points to "#/line/<n>"), ETOOLARGE past MaxRows rows, and EINVALID
// when rows break the rules of CheckRow or have unreadable CEUs. With EINVALID, which
// collects the problems of all rows, ReadCSV still returns the whole file, bad rows included
// (CEUs that cannot be read are left nil); Invalid tells them apart.
func ReadCSV(r io.Reader) (File, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return File{}, readError(err)
	}
	var f File
	if raw, f.Warnings, err = decode(raw); err != nil {
		return File{}, err
	}
	cr := newCSVReader(bytes.NewReader(raw))
	cols, err := readHeader(cr)
	if err != nil {
		return File{}, err
	}
	f.Extra = cols.extraHeaders
	f.SessionsColumn, f.CEUsColumn = cols.headers[colSessions], cols.at[colCEUs] >= 0
	f.Rows, err = readRows(cr, &cols)
	if err != nil && f.Rows == nil {
		return File{}, err
	}
	return f, err
}

// decode drops a byte-order mark and reads text that is not UTF-8 as Windows-1252, with a
// warning: rosters and participants reports alike come from spreadsheets.
func decode(raw []byte) ([]byte, []string, error) {
	raw = bytes.TrimPrefix(raw, bom)
	if utf8.Valid(raw) {
		return raw, nil, nil
	}
	raw, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil {
		return nil, nil, recert.Wrap(err, recert.EBADREQUEST, "the roster is neither UTF-8 nor Windows-1252 text")
	}
	return raw, []string{"the file is not UTF-8; it was read as Windows-1252 (Excel's plain CSV): check accented names, or save it as \"CSV UTF-8\""}, nil
}

// newCSVReader sets csv.Reader up to stream, one record at a time.
func newCSVReader(r io.Reader) *csv.Reader {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1    // spreadsheets drop trailing empty cells
	cr.ReuseRecord = true      // rows copy what they keep, so the record slice can be reused
	cr.TrimLeadingSpace = true // so `a, "b,c"` is read as a quoted field, not a bare quote
	return cr
}

// readHeader reads the first non-blank record and finds the columns in it.
func readHeader(cr *csv.Reader) (columns, error) {
	rec, line, err := next(cr)
	if err == io.EOF {
		return columns{}, recert.Errorf(recert.EBADREQUEST, "the roster is empty: it needs a header row naming its columns")
	}
	if err != nil {
		return columns{}, readError(err)
	}
	return parseHeader(rec, line)
}

// readRows reads the data rows to the end, collecting the problems of all of them.
func readRows(cr *csv.Reader, cols *columns) ([]recert.RosterRow, error) {
	var rows []recert.RosterRow
	var problems []recert.FieldError
	bad := 0
	for {
		rec, line, err := next(cr)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, readError(err)
		}
		if len(rows) == MaxRows { // checked before keeping the row, so the rest is never read
			return nil, recert.Errorf(recert.ETOOLARGE, "the roster has more than %d rows", MaxRows)
		}
		row, errs := parseRow(rec, cols, len(rows), line)
		rows = append(rows, row)
		if len(errs) > 0 {
			problems = append(problems, errs...)
			bad++
		}
	}
	if bad > 0 {
		return rows, &recert.Error{Code: recert.EINVALID, Fields: problems,
			Message: fmt.Sprintf("the roster has invalid rows: %d of %d", bad, len(rows))}
	}
	return rows, nil
}

// next returns the next record with a non-blank cell and the line it starts on, or io.EOF.
func next(cr *csv.Reader) ([]string, int, error) {
	for {
		rec, err := cr.Read()
		if err != nil {
			return nil, 0, err
		}
		if !blank(rec) {
			line, _ := cr.FieldPos(0)
			return rec, line, nil
		}
	}
}

// blank reports whether every cell of rec is empty or spaces.
func blank(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// readError turns a failure to read into a *recert.Error: malformed CSV names its line, and
// a reader's own failure (such as a body over its size limit) is kept as the cause so the
// HTTP layer can still recognise it.
func readError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return malformed(pe)
	}
	var re *recert.Error
	if errors.As(err, &re) {
		return re
	}
	return recert.Wrap(err, recert.EBADREQUEST, "the roster could not be read")
}

// malformed reports CSV that cannot be parsed, pointing to the line and column at fault.
func malformed(pe *csv.ParseError) error {
	detail := fmt.Sprintf("line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
	if pe.StartLine != pe.Line { // an unclosed quote: say where the runaway field began
		detail += fmt.Sprintf(" (in the row starting on line %d)", pe.StartLine)
	}
	return &recert.Error{
		Code:    recert.EBADREQUEST,
		Message: fmt.Sprintf("line %d: %v", pe.Line, pe.Err),
		Fields:  []recert.FieldError{lineError(pe.Line, detail)},
		Err:     pe,
	}
}
