package roster

import (
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
// *recert.Error, numbers its rows in order, and returns clean rows when it reports no error.
func FuzzReadCSV(f *testing.F) {
	for _, tt := range readCSVTests {
		if len(tt.in) <= maxSeed {
			f.Add(tt.in)
		}
	}
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := ReadCSV(strings.NewReader(in))
		checkResult(t, in, rows, err)
		// Reading in one-byte pieces must not change the outcome: records and the
		// byte-order mark may be split across reads of a request body.
		rows1, err1 := ReadCSV(iotest.OneByteReader(strings.NewReader(in)))
		if diff := cmp.Diff(rows, rows1); diff != "" {
			t.Errorf("rows differ when read a byte at a time (-whole +bytewise):\n%s", diff)
		}
		if diff := cmp.Diff(withoutCause(t, err), withoutCause(t, err1)); diff != "" {
			t.Errorf("errors differ when read a byte at a time (-whole +bytewise):\n%s", diff)
		}
	})
}

// checkResult checks the invariants of ReadCSV's result for in.
func checkResult(t *testing.T, in string, rows []recert.RosterRow, err error) {
	t.Helper()
	re := withoutCause(t, err) // fails t unless err is nil or a *recert.Error
	if re != nil && re.Code != recert.EINVALID && rows != nil {
		t.Fatalf("got %d rows with a %s error, want none", len(rows), re.Code)
	}
	lines := strings.Count(in, "\n") + 1
	for i, row := range rows {
		if row.Index != i {
			t.Errorf("rows[%d].Index = %d", i, row.Index)
		}
		if row.Line < 2 || row.Line > lines || i > 0 && row.Line <= rows[i-1].Line {
			t.Errorf("rows[%d].Line = %d, want 2..%d and after the previous row's", i, row.Line, lines)
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

// checkInvalid checks that an EINVALID error points only to returned rows, and includes
// every problem CheckRow finds in them.
func checkInvalid(t *testing.T, rows []recert.RosterRow, err error) {
	t.Helper()
	byRow := Invalid(err)
	if len(byRow) == 0 {
		t.Fatalf("EINVALID without row problems: %v", err)
	}
	for i := range byRow {
		if i < 0 || i >= len(rows) {
			t.Errorf("problem for row %d of %d", i, len(rows))
		}
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
	for _, s := range append([]string{row.ABCPID, row.Email, row.Name}, row.SessionIDs...) {
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
