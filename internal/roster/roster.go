// Package roster reads the attendance rosters organizers post: CSV exported from spreadsheets
// and check-in systems, turned into recert.RosterRows and checked field by field. It knows
// nothing of events or members; matching rows against them is the caller's job.
package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/recert-dev/recert/internal/recert"
)

// MaxRows is the most rows one roster may hold.
const MaxRows = 10_000

// bom is the UTF-8 byte-order mark Excel writes at the start of "CSV UTF-8" files.
var bom = []byte("\uFEFF")

// ReadCSV reads a roster: a header row, then one attendee per row.
//
// The header names the columns, in any order and case, surrounding spaces ignored:
// abcp_id (or "abcp id", abcpid), email (or e-mail), name (or first_name and last_name, also
// "first name" and "last name", joined with a space), sessions (ids separated by ";", "|",
// "," or spaces; empty means all sessions) and ceus (a decimal with at most two places).
// Other columns are ignored; an abcp_id or an email column is required.
//
// ReadCSV accepts a UTF-8 byte-order mark, CRLF or LF line ends, quoted fields, rows with
// fewer or more cells than the header, and blank lines, which it skips along with rows whose
// cells are all empty (spreadsheets export formatted empty rows as ",,,"). Values are trimmed.
// Each row's Index counts the data rows read, from 0; its Line is the line it starts on.
//
// Every error is a *recert.Error: EBADREQUEST when the input is not CSV or has no usable
// header (a FieldError points to "#/line/<n>"), ETOOLARGE past MaxRows rows (ReadCSV stops
// reading there), and EINVALID when rows break the rules of CheckRow or have unreadable CEUs.
// With EINVALID, which collects the problems of all rows, ReadCSV still returns every row,
// bad ones included (CEUs that cannot be read are left nil), so a caller taking the valid
// rows must tell them apart with Invalid.
// An error of r's passes through when it is a *recert.Error, and is wrapped as EBADREQUEST
// (keeping it as the cause) otherwise.
func ReadCSV(r io.Reader) ([]recert.RosterRow, error) {
	cr, err := newCSVReader(r)
	if err != nil {
		return nil, readError(err)
	}
	cols, err := readHeader(cr)
	if err != nil {
		return nil, err
	}
	return readRows(cr, &cols)
}

// newCSVReader skips a byte-order mark and sets csv.Reader up to stream, one record at a time.
func newCSVReader(r io.Reader) (*csv.Reader, error) {
	br := bufio.NewReader(r)
	b, err := br.Peek(len(bom))
	if bytes.Equal(b, bom) {
		_, _ = br.Discard(len(bom)) // cannot fail: the bytes are buffered
	} else if err != nil && err != io.EOF {
		return nil, err
	}
	cr := csv.NewReader(br)    // reuses br: it is already a large enough bufio.Reader
	cr.FieldsPerRecord = -1    // spreadsheets drop trailing empty cells
	cr.ReuseRecord = true      // rows copy what they keep, so the record slice can be reused
	cr.TrimLeadingSpace = true // so `a, "b,c"` is read as a quoted field, not a bare quote
	return cr, nil
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

// lineError points to a line of the CSV body.
func lineError(line int, detail string) recert.FieldError {
	return recert.FieldError{Location: "body", Pointer: fmt.Sprintf("#/line/%d", line), Detail: detail}
}
