package roster

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/recert-dev/recert/internal/recert"
)

// readCSVTest is one case of TestReadCSV; its inputs also seed FuzzReadCSV.
type readCSVTest struct {
	name     string
	in       string
	want     []recert.RosterRow
	extra    []string      // the File's Extra headers
	warnings []string      // the File's Warnings
	wantErr  *recert.Error // compared without Err, the cause kept for the log
}

// file is what a case expects ReadCSV to return.
func (tt readCSVTest) file() File {
	return File{Rows: tt.want, Extra: tt.extra, Warnings: tt.warnings}
}

// ignoreLayout leaves out which of the sessions and ceus columns a file has, which
// TestReadCSVLayout checks.
var ignoreLayout = cmpopts.IgnoreFields(File{}, "SessionsColumn", "CEUsColumn")

// notUTF8 is the warning of a file read as Windows-1252.
const notUTF8 = `the file is not UTF-8; it was read as Windows-1252 (Excel's plain CSV): check accented names, or save it as "CSV UTF-8"`

// readCSVTests are the table of TestReadCSV.
var readCSVTests = []readCSVTest{
	{
		name: "simple",
		in: "abcp_id,email,name,sessions,ceus\n" +
			"123456,jane@example.org,Jane Doe,S1;S2,\n" +
			"654321,,John Roe,,1.5\n",
		want: []recert.RosterRow{
			{Index: 0, Line: 2, ABCPID: "123456", Email: "jane@example.org", Name: "Jane Doe", Sessions: []string{"S1;S2"}},
			{Index: 1, Line: 3, ABCPID: "654321", Name: "John Roe", CEUs: units(150)},
		},
	},
	{
		name: "byte-order mark",
		in:   "\uFEFFabcp_id,name\n123456,Renée\n",
		want: []recert.RosterRow{{Index: 0, Line: 2, ABCPID: "123456", Name: "Renée"}},
	},
	{
		name: "byte-order mark before a quoted header",
		in:   "\uFEFF\"email\"\njane@example.org\n",
		want: []recert.RosterRow{{Index: 0, Line: 2, Email: "jane@example.org"}},
	},
	{
		name: "CRLF",
		in:   "abcp_id,name\r\n123456,Jane\r\n654321,John\r\n",
		want: []recert.RosterRow{
			{Index: 0, Line: 2, ABCPID: "123456", Name: "Jane"},
			{Index: 1, Line: 3, ABCPID: "654321", Name: "John"},
		},
	},
	{
		name: "quoted fields with commas, quotes and newlines",
		in: "abcp_id,name,notes\r\n" +
			"123456,\"Doe, Jane\",\"said \"\"hi\"\"\r\nthen left\r\nearly\"\r\n" +
			"654321, \"Roe, John\",x\r\n",
		want: []recert.RosterRow{
			{Index: 0, Line: 2, ABCPID: "123456", Name: "Doe, Jane", Marks: []string{"said \"hi\"\nthen left\nearly"}},
			{Index: 1, Line: 5, ABCPID: "654321", Name: "Roe, John", Marks: []string{"x"}},
		},
		extra: []string{"notes"},
	},
	{
		name: "newline inside a name",
		in:   "abcp_id,name\n123456,\"Jane\nDoe\"\n654321,John\n",
		want: []recert.RosterRow{
			{Index: 0, Line: 2, ABCPID: "123456", Name: "Jane\nDoe"},
			{Index: 1, Line: 4, ABCPID: "654321", Name: "John"},
		},
	},
	{
		name: "first_name and last_name",
		in:   "first_name,last_name,email\nJane,Doe,jane@example.org\n,Roe,roe@example.org\nJohn,,john@example.org\n",
		want: []recert.RosterRow{
			{Index: 0, Line: 2, Email: "jane@example.org", Name: "Jane Doe"},
			{Index: 1, Line: 3, Email: "roe@example.org", Name: "Roe"},
			{Index: 2, Line: 4, Email: "john@example.org", Name: "John"},
		},
	},
	{
		name: "name preferred to first and last name",
		in:   "First Name,Last Name,Name,ABCP ID\nJane,Doe,\"Doe, Jane\",123456\nJohn,Roe,,654321\n",
		want: []recert.RosterRow{
			{Index: 0, Line: 2, ABCPID: "123456", Name: "Doe, Jane"},
			{Index: 1, Line: 3, ABCPID: "654321", Name: "John Roe"},
		},
	},
	{
		name: "column order, case and aliases",
		in:   " CEUs ,Sessions, E-Mail ,NAME,ABCP ID\n1.50,,jane@example.org,Jane,123456\n",
		want: []recert.RosterRow{{Index: 0, Line: 2, ABCPID: "123456", Email: "jane@example.org", Name: "Jane", CEUs: units(150)}},
	},
	{
		name: "headers as exports write them",
		in:   "ABCP-ID,E-mail Address,First  Name,last_name\n123456,jane@example.org,Jane,Doe\n",
		want: []recert.RosterRow{{Index: 0, Line: 2, ABCPID: "123456", Email: "jane@example.org", Name: "Jane Doe"}},
	},
	{
		name: "abcpid alias",
		in:   "AbcpId\n123456\n",
		want: []recert.RosterRow{{Index: 0, Line: 2, ABCPID: "123456"}},
	},
	{
		name: "other columns kept with their cells",
		in:   "badge,abcp_id, Checked in at ,name,\nB-12,123456,2025-03-01 08:00,Jane,under a blank header\n,654321\n",
		want: []recert.RosterRow{
			{Index: 0, Line: 2, ABCPID: "123456", Name: "Jane", Marks: []string{"B-12", "2025-03-01 08:00"}},
			{Index: 1, Line: 3, ABCPID: "654321"},
		},
		extra: []string{"badge", "Checked in at"},
	},
	{
		name: "a grid of sessions is read as other columns",
		in: "abcp_id,name,S1,Day 2,Tue-AM\n" +
			"123456,Jane, x ,,yes\n" +
			"654321,John,,,\n" +
			"111111,Ann,,1\n",
		want: []recert.RosterRow{
			{Index: 0, Line: 2, ABCPID: "123456", Name: "Jane", Marks: []string{"x", "", "yes"}},
			{Index: 1, Line: 3, ABCPID: "654321", Name: "John"},
			{Index: 2, Line: 4, ABCPID: "111111", Name: "Ann", Marks: []string{"", "1", ""}},
		},
		extra: []string{"S1", "Day 2", "Tue-AM"},
	},
	{
		name: "values trimmed",
		in:   "abcp_id , email , name\n  123456 ,\t jane@example.org ,  Jane Doe  \n",
		want: []recert.RosterRow{{Index: 0, Line: 2, ABCPID: "123456", Email: "jane@example.org", Name: "Jane Doe"}},
	},
	{
		// Titles hold separators, so the cell is kept whole: the ledger reads it against the
		// event's titles (recert.Event.SessionRefs).
		name: "sessions cells kept whole",
		in: "abcp_id,sessions\n" +
			"123456,S1;S2\n" +
			"123457,S1|S2\n" +
			"123458,ses_a ses_b\n" +
			"123459,\" S1 ; Day 2 | Ethics, law and you  ;\"\n" +
			"123450,; |\n",
		want: []recert.RosterRow{
			{Index: 0, Line: 2, ABCPID: "123456", Sessions: []string{"S1;S2"}},
			{Index: 1, Line: 3, ABCPID: "123457", Sessions: []string{"S1|S2"}},
			{Index: 2, Line: 4, ABCPID: "123458", Sessions: []string{"ses_a ses_b"}},
			{Index: 3, Line: 5, ABCPID: "123459", Sessions: []string{"S1 ; Day 2 | Ethics, law and you  ;"}},
			{Index: 4, Line: 6, ABCPID: "123450", Sessions: []string{"; |"}},
		},
	},
	{
		name: "empty ceus",
		in:   "abcp_id,ceus\n123456,\n123457,  \n123458,2\n",
		want: []recert.RosterRow{
			{Index: 0, Line: 2, ABCPID: "123456"},
			{Index: 1, Line: 3, ABCPID: "123457"},
			{Index: 2, Line: 4, ABCPID: "123458", CEUs: units(200)},
		},
	},
	{
		name: "blank lines and empty rows skipped",
		in:   "\n\nabcp_id,name\n\n123456,Jane\n,,\r\n   \n654321,John\n\n\n",
		want: []recert.RosterRow{
			{Index: 0, Line: 5, ABCPID: "123456", Name: "Jane"},
			{Index: 1, Line: 8, ABCPID: "654321", Name: "John"},
		},
	},
	{
		name: "no trailing newline",
		in:   "abcp_id\n123456",
		want: []recert.RosterRow{{Index: 0, Line: 2, ABCPID: "123456"}},
	},
	{
		name: "missing trailing cells",
		in:   "abcp_id,email,name,sessions,ceus\n123456\n,jane@example.org,Jane\n",
		want: []recert.RosterRow{
			{Index: 0, Line: 2, ABCPID: "123456"},
			{Index: 1, Line: 3, Email: "jane@example.org", Name: "Jane"},
		},
	},
	{
		name: "header only",
		in:   "abcp_id,email,name\n",
	},
	{
		name: "header only without newline",
		in:   "email",
	},
	{
		name: "Windows-1252 is read with a warning",
		in: "abcp_id,name,notes\r\n" +
			"123456,Ren\xe9e Roy,\x93VIP\x94\r\n" +
			"654321,Fran\xe7ois M\xfcller,\r\n",
		want: []recert.RosterRow{
			{Index: 0, Line: 2, ABCPID: "123456", Name: "Renée Roy", Marks: []string{"“VIP”"}},
			{Index: 1, Line: 3, ABCPID: "654321", Name: "François Müller"},
		},
		extra:    []string{"notes"},
		warnings: []string{notUTF8},
	},
	{
		name:     "Windows-1252 in the header",
		in:       "abcp_id,Pr\xe9sent\n123456,x\n",
		want:     []recert.RosterRow{{Index: 0, Line: 2, ABCPID: "123456", Marks: []string{"x"}}},
		extra:    []string{"Présent"},
		warnings: []string{notUTF8},
	},
	{
		name: "invalid fields in several rows",
		in: "abcp_id,email,name,ceus\n" +
			"12345,jane@example.org,Jane,1.5\n" +
			"123456,not-an-email,John,\n" +
			",,Nobody,\n" +
			"65432a,Ann <ann@example.org>,Ann,1.555\n" +
			"111111,bob@example.org,Bob,1\n" +
			"222222,,Jos\xe9,0\n" +
			"333333,,\"Nul\x00\",\n",
		want: []recert.RosterRow{
			{Index: 0, Line: 2, ABCPID: "12345", Email: "jane@example.org", Name: "Jane", CEUs: units(150)},
			{Index: 1, Line: 3, ABCPID: "123456", Email: "not-an-email", Name: "John"},
			{Index: 2, Line: 4, Name: "Nobody"},
			{Index: 3, Line: 5, ABCPID: "65432a", Email: "Ann <ann@example.org>", Name: "Ann"},
			{Index: 4, Line: 6, ABCPID: "111111", Email: "bob@example.org", Name: "Bob", CEUs: units(100)},
			{Index: 5, Line: 7, ABCPID: "222222", Name: "José", CEUs: units(0)},
			{Index: 6, Line: 8, ABCPID: "333333", Name: "Nul\x00"},
		},
		warnings: []string{notUTF8},
		wantErr: &recert.Error{Code: recert.EINVALID, Message: "the roster has invalid rows: 6 of 7", Fields: []recert.FieldError{
			{Location: "body", Pointer: "#/line/2/abcp_id", Detail: `line 2: "12345" is not an ABCP ID: it must be exactly 6 digits (did the spreadsheet drop leading zeros? format the column as text)`},
			{Location: "body", Pointer: "#/line/3/email", Detail: `line 3: "not-an-email" is not a bare email address, such as jane@example.org`},
			{Location: "body", Pointer: "#/line/4/abcp_id", Detail: "line 4: needs an ABCP ID or an email to identify the attendee"},
			{Location: "body", Pointer: "#/line/5/ceus", Detail: `line 5: "1.555" is not an amount with at most two decimal places, such as 1.5`},
			{Location: "body", Pointer: "#/line/5/abcp_id", Detail: `line 5: "65432a" is not an ABCP ID: it must be exactly 6 digits`},
			{Location: "body", Pointer: "#/line/5/email", Detail: `line 5: "Ann <ann@example.org>" is not a bare email address, such as jane@example.org`},
			{Location: "body", Pointer: "#/line/7/ceus", Detail: "line 7: CEUs must be more than 0.00"},
			{Location: "body", Pointer: "#/line/8/name", Detail: "line 8: the name contains a NUL character"},
		}},
	},
	{
		name: "ceus with sessions",
		in:   "abcp_id,sessions,ceus\n123456,S1,1\n",
		want: []recert.RosterRow{{Index: 0, Line: 2, ABCPID: "123456", Sessions: []string{"S1"}, CEUs: units(100)}},
		wantErr: &recert.Error{Code: recert.EINVALID, Message: "the roster has invalid rows: 1 of 1", Fields: []recert.FieldError{
			{Location: "body", Pointer: "#/line/2/ceus", Detail: "line 2: cannot be given with sessions: CEUs are awarded instead of sessions"},
		}},
	},
	{
		name: "malformed CSV names the line",
		in:   "abcp_id,name\n111111,A\n222222,B\n\n333333,C\n444444,D\n123456,Ja\"ne\n555555,E\n",
		wantErr: &recert.Error{Code: recert.EBADREQUEST, Message: `line 7: bare " in non-quoted-field`, Fields: []recert.FieldError{
			{Location: "body", Pointer: "#/line/7", Detail: `line 7, column 10: bare " in non-quoted-field`},
		}},
	},
	{
		name: "unclosed quote names where the row starts",
		in:   "abcp_id,name\n123456,\"Jane\n654321,John\n",
		wantErr: &recert.Error{Code: recert.EBADREQUEST, Message: `line 3: extraneous or missing " in quoted-field`, Fields: []recert.FieldError{
			{Location: "body", Pointer: "#/line/3", Detail: `line 3, column 13: extraneous or missing " in quoted-field (in the row starting on line 2)`},
		}},
	},
	{
		name: "malformed header",
		in:   "abcp_id,na\"me\n",
		wantErr: &recert.Error{Code: recert.EBADREQUEST, Message: `line 1: bare " in non-quoted-field`, Fields: []recert.FieldError{
			{Location: "body", Pointer: "#/line/1", Detail: `line 1, column 11: bare " in non-quoted-field`},
		}},
	},
	{
		name:    "empty",
		in:      "",
		wantErr: &recert.Error{Code: recert.EBADREQUEST, Message: "the roster is empty: it needs a header row naming its columns"},
	},
	{
		name:    "only a byte-order mark and blank lines",
		in:      "\uFEFF\r\n\r\n,,\r\n",
		wantErr: &recert.Error{Code: recert.EBADREQUEST, Message: "the roster is empty: it needs a header row naming its columns"},
	},
	{
		name: "no attendee column",
		in:   "\nname,sessions\nJane,\n",
		wantErr: &recert.Error{Code: recert.EBADREQUEST, Message: "line 2: the header has no abcp_id or email column", Fields: []recert.FieldError{
			{Location: "body", Pointer: "#/line/2", Detail: `line 2: needs an abcp_id or email column to identify attendees; found "name", "sessions"`},
		}},
	},
	{
		name: "semicolon-separated file",
		in:   "abcp_id;email;name\n123456;jane@example.org;Jane\n",
		wantErr: &recert.Error{Code: recert.EBADREQUEST, Message: "line 1: the header has no abcp_id or email column", Fields: []recert.FieldError{
			{Location: "body", Pointer: "#/line/1", Detail: `line 1: needs an abcp_id or email column to identify attendees; found "abcp_id;email;name"`},
		}},
	},
	{
		name: "column given twice",
		in:   "email,name,E-Mail\n",
		wantErr: &recert.Error{Code: recert.EBADREQUEST, Message: "line 1: more than one column is email", Fields: []recert.FieldError{
			{Location: "body", Pointer: "#/line/1", Detail: "line 1: columns 1 and 3 are both email"},
		}},
	},
	{
		name: "10,000 rows",
		in:   generate(MaxRows),
		want: generatedRows(MaxRows),
	},
	{
		name:    "10,001 rows",
		in:      generate(MaxRows + 1),
		wantErr: &recert.Error{Code: recert.ETOOLARGE, Message: "the roster has more than 10000 rows"},
	},
}

func TestReadCSV(t *testing.T) {
	for _, tt := range readCSVTests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ReadCSV(strings.NewReader(tt.in))
			if diff := cmp.Diff(tt.file(), f, ignoreLayout); diff != "" {
				t.Errorf("file (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantErr, withoutCause(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadCSVOneByteAtATime reads every table input through a reader that returns one byte
// per call, to show that the byte-order mark and records split across reads are handled.
func TestReadCSVOneByteAtATime(t *testing.T) {
	for _, tt := range readCSVTests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ReadCSV(iotest.OneByteReader(strings.NewReader(tt.in)))
			if diff := cmp.Diff(tt.file(), f, ignoreLayout); diff != "" {
				t.Errorf("file (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantErr, withoutCause(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadCSVBodyLimit feeds a roster cut off at the API's body limit, far more rows than
// MaxRows: ReadCSV reads the whole body (to tell its encoding), then refuses it as too large
// rather than returning some of its rows.
func TestReadCSVBodyLimit(t *testing.T) {
	f, err := ReadCSV(io.LimitReader(&endless{}, 8<<20))
	if recert.ErrorCode(err) != recert.ETOOLARGE || f.Rows != nil {
		t.Fatalf("got %d rows, err = %v, want none and %s", len(f.Rows), err, recert.ETOOLARGE)
	}
}

// TestReadCSVReaderError shows the reader's own failures: a *recert.Error passes through (a
// body limit can report ETOOLARGE), anything else becomes EBADREQUEST keeping the cause.
func TestReadCSVReaderError(t *testing.T) {
	tooLarge := recert.Errorf(recert.ETOOLARGE, "the body is too large")
	broken := errors.New("connection reset")
	tests := []struct {
		name     string
		r        io.Reader
		wantCode string
		wantIs   error
	}{
		{"recert error at the start", iotest.ErrReader(tooLarge), recert.ETOOLARGE, tooLarge},
		{"recert error in the rows", failAfter("abcp_id\n123456\n", tooLarge), recert.ETOOLARGE, tooLarge},
		{"other error at the start", iotest.ErrReader(broken), recert.EBADREQUEST, broken},
		{"other error in the header", failAfter("abcp_", broken), recert.EBADREQUEST, broken},
		{"other error in the rows", failAfter("abcp_id\n123456\n1234", broken), recert.EBADREQUEST, broken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ReadCSV(tt.r)
			if diff := cmp.Diff(File{}, f); diff != "" {
				t.Errorf("file (-want +got):\n%s", diff)
			}
			var re *recert.Error
			if !errors.As(err, &re) || re.Code != tt.wantCode || !errors.Is(err, tt.wantIs) {
				t.Errorf("err = %#v, want a %s *recert.Error wrapping %v", err, tt.wantCode, tt.wantIs)
			}
		})
	}
}

func TestCheckRow(t *testing.T) {
	tests := []struct {
		name string
		row  recert.RosterRow
		want []recert.FieldError
	}{
		{name: "ABCP ID only", row: recert.RosterRow{ABCPID: "012345"}},
		{name: "email only", row: recert.RosterRow{Email: "jane.doe+ce@example.org"}},
		{name: "member id only", row: recert.RosterRow{MemberID: "mem_1"}},
		{name: "sessions", row: recert.RosterRow{Email: "jane@example.org", Sessions: []string{"S1", "Day 2", "ses_b"}}},
		{name: "ceus", row: recert.RosterRow{Email: "jane@example.org", CEUs: units(1)}},
		{name: "accented name", row: recert.RosterRow{Email: "renee@example.org", Name: "Renée  Roy"}},
		{name: "neither ABCP ID nor email", row: recert.RosterRow{Index: 4, Name: "Jane"}, want: []recert.FieldError{
			{Location: "body", Pointer: "#/rows/4/abcp_id", Detail: "row 5: needs an ABCP ID or an email to identify the attendee"},
		}},
		{name: "ABCP ID too long", row: recert.RosterRow{Index: 1, ABCPID: "1234567"}, want: []recert.FieldError{
			{Location: "body", Pointer: "#/rows/1/abcp_id", Detail: `row 2: "1234567" is not an ABCP ID: it must be exactly 6 digits`},
		}},
		{name: "ABCP ID short of its leading zeros", row: recert.RosterRow{ABCPID: "12345"}, want: []recert.FieldError{
			{Location: "body", Pointer: "#/rows/0/abcp_id", Detail: `row 1: "12345" is not an ABCP ID: it must be exactly 6 digits (did the spreadsheet drop leading zeros? format the column as text)`},
		}},
		{name: "ABCP ID not ASCII digits", row: recert.RosterRow{ABCPID: "12345٦"}, want: []recert.FieldError{
			{Location: "body", Pointer: "#/rows/0/abcp_id", Detail: `row 1: "12345٦" is not an ABCP ID: it must be exactly 6 digits`},
		}},
		{name: "ABCP ID untrimmed", row: recert.RosterRow{ABCPID: " 12345"}, want: []recert.FieldError{
			{Location: "body", Pointer: "#/rows/0/abcp_id", Detail: `row 1: " 12345" is not an ABCP ID: it must be exactly 6 digits`},
		}},
		{name: "email with a display name", row: recert.RosterRow{Index: 2, ABCPID: "123456", Email: `"Doe, Jane" <jane@example.org>`}, want: []recert.FieldError{
			{Location: "body", Pointer: "#/rows/2/email", Detail: `row 3: "\"Doe, Jane\" <jane@example.org>" is not a bare email address, such as jane@example.org`},
		}},
		{name: "email in angle brackets", row: recert.RosterRow{Email: "<jane@example.org>"}, want: []recert.FieldError{
			{Location: "body", Pointer: "#/rows/0/email", Detail: `row 1: "<jane@example.org>" is not a bare email address, such as jane@example.org`},
		}},
		{name: "two emails", row: recert.RosterRow{Email: "a@example.org, b@example.org"}, want: []recert.FieldError{
			{Location: "body", Pointer: "#/rows/0/email", Detail: `row 1: "a@example.org, b@example.org" is not a bare email address, such as jane@example.org`},
		}},
		{name: "long value cut short", row: recert.RosterRow{Email: strings.Repeat("é", 30)}, want: []recert.FieldError{
			{Location: "body", Pointer: "#/rows/0/email", Detail: `row 1: "` + strings.Repeat("é", 20) + `"… is not a bare email address, such as jane@example.org`},
		}},
		{name: "name not storable", row: recert.RosterRow{ABCPID: "123456", Name: "Jos\xe9"}, want: []recert.FieldError{
			{Location: "body", Pointer: "#/rows/0/name", Detail: "row 1: the name is not UTF-8 text"},
		}},
		{name: "name too long", row: recert.RosterRow{ABCPID: "123456", Name: strings.Repeat("é", 201)}, want: []recert.FieldError{
			{Location: "body", Pointer: "#/rows/0/name", Detail: "row 1: a name has at most 200 characters"},
		}},
		{name: "bad session references", row: recert.RosterRow{ABCPID: "123456", Sessions: []string{"S1", "ses\x00", "s\xff"}}, want: []recert.FieldError{
			{Location: "body", Pointer: "#/rows/0/sessions/1", Detail: "row 1: the session contains a NUL character"},
			{Location: "body", Pointer: "#/rows/0/sessions/2", Detail: "row 1: the session is not UTF-8 text"},
		}},
		{name: "zero ceus", row: recert.RosterRow{ABCPID: "123456", CEUs: units(0)}, want: []recert.FieldError{
			{Location: "body", Pointer: "#/rows/0/ceus", Detail: "row 1: CEUs must be more than 0.00"},
		}},
		{name: "negative ceus", row: recert.RosterRow{ABCPID: "123456", CEUs: units(-50)}, want: []recert.FieldError{
			{Location: "body", Pointer: "#/rows/0/ceus", Detail: "row 1: CEUs must be more than 0.00"},
		}},
		{name: "ceus with sessions", row: recert.RosterRow{ABCPID: "123456", Sessions: []string{"S1"}, CEUs: units(100)}, want: []recert.FieldError{
			{Location: "body", Pointer: "#/rows/0/ceus", Detail: "row 1: cannot be given with sessions: CEUs are awarded instead of sessions"},
		}},
		{name: "CSV line named when set", row: recert.RosterRow{Index: 3, Line: 9, Email: "x"}, want: []recert.FieldError{
			{Location: "body", Pointer: "#/line/9/email", Detail: `line 9: "x" is not a bare email address, such as jane@example.org`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, CheckRow(tt.row)); diff != "" {
				t.Errorf("CheckRow (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInvalid(t *testing.T) {
	in := "abcp_id,email\n12345,\n123456,jane@example.org\n\n,\"x\"\n654321,y\n"
	f, err := ReadCSV(strings.NewReader(in))
	if len(f.Rows) != 4 {
		t.Fatalf("got %d rows, want 4 (bad ones included)", len(f.Rows))
	}
	want := map[int][]recert.FieldError{
		0: {{Location: "body", Pointer: "#/line/2/abcp_id", Detail: `line 2: "12345" is not an ABCP ID: it must be exactly 6 digits (did the spreadsheet drop leading zeros? format the column as text)`}},
		2: {{Location: "body", Pointer: "#/line/5/email", Detail: `line 5: "x" is not a bare email address, such as jane@example.org`}},
		3: {{Location: "body", Pointer: "#/line/6/email", Detail: `line 6: "y" is not a bare email address, such as jane@example.org`}},
	}
	if diff := cmp.Diff(want, Invalid(err, f.Rows)); diff != "" {
		t.Errorf("Invalid (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, Invalid(fmt.Errorf("posting the roster: %w", err), f.Rows)); diff != "" {
		t.Errorf("Invalid of a wrapped error (-want +got):\n%s", diff)
	}

	t.Run("JSON rows by index", func(t *testing.T) {
		rows := []recert.RosterRow{{Index: 0, ABCPID: "123456"}, {Index: 1, Name: "X"}, {Index: 2, ABCPID: "1"}}
		var fields []recert.FieldError
		for _, r := range rows {
			fields = append(fields, CheckRow(r)...)
		}
		got := Invalid(&recert.Error{Code: recert.EINVALID, Fields: fields}, rows)
		if len(got) != 2 || len(got[1]) != 1 || len(got[2]) != 1 || got[1][0].Pointer != "#/rows/1/abcp_id" {
			t.Errorf("Invalid = %v", got)
		}
	})
	t.Run("pointers to no row are left out", func(t *testing.T) {
		e := &recert.Error{Code: recert.EINVALID, Fields: []recert.FieldError{
			{Pointer: "#/line/99/email"}, {Pointer: "#/line/x/email"}, {Pointer: "#/rows/-1/email"}, {Pointer: "#/reason"}}}
		if got := Invalid(e, f.Rows); len(got) != 0 {
			t.Errorf("Invalid = %v, want nothing", got)
		}
	})
	for _, other := range []error{nil, errors.New("x"), recert.Errorf(recert.EBADREQUEST, "x")} {
		if got := Invalid(other, f.Rows); got != nil {
			t.Errorf("Invalid(%v) = %v, want nil", other, got)
		}
	}
}

// withoutCause returns err as a *recert.Error without its cause, nil for nil, and fails t
// for any other error type.
func withoutCause(t *testing.T, err error) *recert.Error {
	t.Helper()
	if err == nil {
		return nil
	}
	re, ok := err.(*recert.Error)
	if !ok {
		t.Fatalf("error %T %v, want a *recert.Error", err, err)
	}
	c := *re
	c.Err = nil
	return &c
}

func units(u recert.Units) *recert.Units { return &u }

// generate writes a roster of n valid rows.
func generate(n int) string {
	var b strings.Builder
	b.WriteString("abcp_id,email,name,sessions,ceus\r\n")
	for i := range n {
		b.WriteString(generatedRow(i))
	}
	return b.String()
}

// generatedRow is row i of generate: half with sessions, half with CEUs.
func generatedRow(i int) string {
	if i%2 == 0 {
		return fmt.Sprintf("%06d,member%d@example.org,\"Member, %d\",ses_a;ses_b,\r\n", i, i, i)
	}
	return fmt.Sprintf("%06d,,Member %d,,1.25\r\n", i, i)
}

// generatedRows is what ReadCSV makes of generate(n).
func generatedRows(n int) []recert.RosterRow {
	rows := make([]recert.RosterRow, n)
	for i := range rows {
		rows[i] = recert.RosterRow{Index: i, Line: i + 2, ABCPID: fmt.Sprintf("%06d", i), Name: fmt.Sprintf("Member %d", i), CEUs: units(125)}
		if i%2 == 0 {
			rows[i].Email = fmt.Sprintf("member%d@example.org", i)
			rows[i].Name = fmt.Sprintf("Member, %d", i)
			rows[i].Sessions = []string{"ses_a;ses_b"}
			rows[i].CEUs = nil
		}
	}
	return rows
}

// endless is a roster that never ends; read counts the bytes taken from it.
type endless struct {
	pending []byte
	rows    int
	read    int
}

func (e *endless) Read(p []byte) (int, error) {
	if len(e.pending) == 0 {
		e.pending = []byte(generatedRow(e.rows))
		if e.rows == 0 {
			e.pending = append([]byte("abcp_id,email,name,sessions,ceus\r\n"), e.pending...)
		}
		e.rows++
	}
	n := copy(p, e.pending)
	e.pending = e.pending[n:]
	e.read += n
	return n, nil
}

// failAfter returns s, then err.
func failAfter(s string, err error) io.Reader {
	return io.MultiReader(strings.NewReader(s), iotest.ErrReader(err))
}

// TestReadCSVLayout shows which headers are read as the sessions column: the words of a
// sessions list, not one name; a header with any other word is another column.
func TestReadCSVLayout(t *testing.T) {
	tests := []struct {
		header   string
		sessions string // the sessions column's header; "" when there is none
		extra    []string
	}{
		{header: "sessions", sessions: "sessions"},
		{header: "Sessions Attended", sessions: "Sessions Attended"},
		{header: `"Session(s)"`, sessions: "Session(s)"},
		{header: "Sessions attended (titles)", sessions: "Sessions attended (titles)"},
		{header: "Breakouts", sessions: "Breakouts"},
		{header: "attended_sessions", sessions: "attended_sessions"},
		{header: "Workshop Codes", sessions: "Workshop Codes"},
		{header: "Sessions Registered", extra: []string{"Sessions Registered"}},
		{header: "Session 1", extra: []string{"Session 1"}},
		{header: "Notes", extra: []string{"Notes"}},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			f, err := ReadCSV(strings.NewReader("email," + tt.header + ",ceus\njane@example.org,S1,\n"))
			if err != nil {
				t.Fatal(err)
			}
			if f.SessionsColumn != tt.sessions || !cmp.Equal(f.Extra, tt.extra) || !f.CEUsColumn {
				t.Errorf("sessions column %q, extra %q, ceus %v; want %q, %q, true", f.SessionsColumn, f.Extra, f.CEUsColumn, tt.sessions, tt.extra)
			}
		})
	}
	if _, err := ReadCSV(strings.NewReader("email,Sessions,Sessions Attended\n")); err == nil {
		t.Error("two sessions columns: want an error, got none")
	}
}

// TestRead shows the one reading of roster bytes: rows with problems kept with them, and an
// error only for a file that is no roster.
func TestRead(t *testing.T) {
	f, err := Read([]byte("\uFEFF\"Email\",\"Sessions Attended\"\r\njane@example.org,S1\r\nnot-an-email,S2\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 2 || len(f.Invalid) != 1 || len(f.Invalid[1]) != 1 || f.SessionsColumn != "Sessions Attended" {
		t.Errorf("rows %d, invalid %v, sessions column %q", len(f.Rows), f.Invalid, f.SessionsColumn)
	}
	if _, err := Read([]byte("name\nJane\n")); err == nil {
		t.Error("a file without identity columns: want an error, got none")
	}
}
