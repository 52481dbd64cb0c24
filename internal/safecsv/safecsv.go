// Package safecsv writes CSV that is safe to open in a spreadsheet: a cell that a
// spreadsheet would run as a formula is written as text. Exports mix text from many
// organizations (names, titles), so one organization's roster must not plant a formula in
// another's download.
package safecsv

import (
	"encoding/csv"
	"io"
	"strings"
)

// Writer is a csv.Writer whose Write neutralises formula cells.
type Writer struct {
	*csv.Writer
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{csv.NewWriter(w)} }

// Write writes one record, each cell passed through Cell.
func (w *Writer) Write(record []string) error {
	safe := make([]string, len(record))
	for i, c := range record {
		safe[i] = Cell(c)
	}
	return w.Writer.Write(safe)
}

// Cell returns s, prefixed with an apostrophe when a spreadsheet would read it as a formula:
// when it starts, after any spaces, with =, +, -, @, a tab or a carriage return (OWASP's
// advice for CSV injection). The apostrophe makes the cell text and is not shown.
func Cell(s string) string {
	t := strings.TrimLeft(s, " ")
	if t != "" && strings.ContainsRune("=+-@\t\r", rune(t[0])) {
		return "'" + s
	}
	return s
}
