package roster

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/recert-dev/recert/internal/recert"
)

// maxSeed leaves the generated 10,000-row inputs out of the fuzz corpus: mutating 400 KB
// inputs would spend the fuzzing time on them alone.
const maxSeed = 4 << 10

// FuzzReadCSV checks, for any input, that ReadCSV does not panic, fails only with a
// *recert.Error, numbers its rows in order, keeps the other columns' cells in step with their
// headers, returns only UTF-8 text (reading other input as Windows-1252, with a warning), and
// returns clean rows when it reports no error.
func FuzzReadCSV(f *testing.F) {
	for _, tt := range readCSVTests {
		if len(tt.in) <= maxSeed {
			f.Add(tt.in)
		}
	}
	f.Fuzz(func(t *testing.T, in string) {
		file, err := ReadCSV(strings.NewReader(in))
		checkResult(t, in, file, err)
		// Reading in one-byte pieces must not change the outcome: records and the
		// byte-order mark may be split across reads of a request body.
		file1, err1 := ReadCSV(iotest.OneByteReader(strings.NewReader(in)))
		if diff := cmp.Diff(file, file1); diff != "" {
			t.Errorf("file differs when read a byte at a time (-whole +bytewise):\n%s", diff)
		}
		if diff := cmp.Diff(withoutCause(t, err), withoutCause(t, err1)); diff != "" {
			t.Errorf("errors differ when read a byte at a time (-whole +bytewise):\n%s", diff)
		}
	})
}

// checkResult checks the invariants of ReadCSV's result for in.
func checkResult(t *testing.T, in string, f File, err error) {
	t.Helper()
	rows := f.Rows
	re := withoutCause(t, err) // fails t unless err is nil or a *recert.Error
	if re != nil && re.Code != recert.EINVALID && rows != nil {
		t.Fatalf("got %d rows with a %s error, want none", len(rows), re.Code)
	}
	if re == nil || re.Code == recert.EINVALID {
		checkEncoding(t, in, f)
	}
	lines := strings.Count(in, "\n") + 1
	for i, row := range rows {
		if row.Index != i {
			t.Errorf("rows[%d].Index = %d", i, row.Index)
		}
		if row.Line < 2 || row.Line > lines || i > 0 && row.Line <= rows[i-1].Line {
			t.Errorf("rows[%d].Line = %d, want 2..%d and after the previous row's", i, row.Line, lines)
		}
		if row.Marks != nil && len(row.Marks) != len(f.Extra) {
			t.Errorf("rows[%d] has %d cells in other columns, the header %d", i, len(row.Marks), len(f.Extra))
		}
		if !utf8.ValidString(strings.Join(row.Marks, "")) {
			t.Errorf("rows[%d].Marks is not UTF-8: %q", i, row.Marks)
		}
	}
	for _, h := range f.Extra {
		if h == "" || h != strings.TrimSpace(h) || !utf8.ValidString(h) {
			t.Errorf("other column header %q is blank, untrimmed or not UTF-8", h)
		}
	}
	if re == nil {
		for _, row := range rows {
			if problems := CheckRow(row); problems != nil {
				t.Errorf("no error, but CheckRow(rows[%d]) = %v", row.Index, problems)
			}
			if !storable(row) {
				t.Errorf("no error, but rows[%d] holds text the database would refuse: %#v", row.Index, row)
			}
		}
		return
	}
	switch re.Code {
	case recert.EINVALID:
		checkInvalid(t, rows, err)
	case recert.EBADREQUEST, recert.ETOOLARGE:
	default:
		t.Errorf("error code %s, want %s, %s or %s", re.Code, recert.EINVALID, recert.EBADREQUEST, recert.ETOOLARGE)
	}
}

// checkEncoding checks that a file read is warned about exactly when it is not UTF-8.
func checkEncoding(t *testing.T, in string, f File) {
	t.Helper()
	utf := utf8.ValidString(strings.TrimPrefix(in, "\uFEFF"))
	if utf && len(f.Warnings) != 0 || !utf && len(f.Warnings) != 1 {
		t.Errorf("warnings %q for input that is UTF-8: %v", f.Warnings, utf)
	}
}

// checkInvalid checks that an EINVALID error points only to returned rows, and includes
// every problem CheckRow finds in them.
func checkInvalid(t *testing.T, rows []recert.RosterRow, err error) {
	t.Helper()
	byRow := Invalid(err, rows)
	if len(byRow) == 0 {
		t.Fatalf("EINVALID without row problems: %v", err)
	}
	var re *recert.Error
	errors.As(err, &re)
	n := 0
	for i, fields := range byRow {
		if i < 0 || i >= len(rows) {
			t.Errorf("problem for row %d of %d", i, len(rows))
		}
		n += len(fields)
	}
	if n != len(re.Fields) {
		t.Errorf("Invalid places %d of the error's %d problems", n, len(re.Fields))
	}
	for _, row := range rows {
		for _, p := range CheckRow(row) {
			if !contains(byRow[row.Index], p) {
				t.Errorf("CheckRow(rows[%d]) finds %v, missing from the error", row.Index, p)
			}
		}
	}
}

// storable reports whether every string of row is UTF-8 without NUL, as PostgreSQL requires.
func storable(row recert.RosterRow) bool {
	for _, s := range append([]string{row.ABCPID, row.Email, row.Name}, row.Sessions...) {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			return false
		}
	}
	return true
}

func contains(fields []recert.FieldError, f recert.FieldError) bool {
	for _, g := range fields {
		if g == f {
			return true
		}
	}
	return false
}
