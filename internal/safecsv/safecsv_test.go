package safecsv

import (
	"bytes"
	"testing"
)

func TestFormulaCellsBecomeText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"=HYPERLINK(\"http://x\",\"click\")", "'=HYPERLINK(\"http://x\",\"click\")"},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"  =1", "'  =1"},
		{"Dr. Ann O'Neil", "Dr. Ann O'Neil"},
		{"2026-01-05", "2026-01-05"},
		{"1.50", "1.50"},
		{"a=b", "a=b"},
		{"", ""},
	}
	for _, c := range cases {
		if got := Cell(c.in); got != c.want {
			t.Errorf("Cell(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Write([]string{"name", "=cmd|' /C calc'!A0"}); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if got, want := buf.String(), "name,'=cmd|' /C calc'!A0\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
