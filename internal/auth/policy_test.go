package auth

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheckPassword(t *testing.T) {
	const (
		short    = "is shorter than 12 characters"
		long     = "is longer than 256 bytes"
		repeated = "is a single character repeated"
		common   = "is on the list of commonly used passwords"
		personal = "contains your name or email address"
		notUTF8  = "is not valid UTF-8 text"
	)
	email, name := "Jane.Doe@Example.org", "Jane Doe"
	tests := []struct {
		name    string
		pw      string
		context []string
		want    []string // nil means accepted
	}{
		{"ok passphrase", "tidal-basin-gauge-41", []string{email, name}, nil},
		{"ok exactly 12 characters", "v8#kQ2!rmZp0", nil, nil},
		{"ok 12 accented characters", "éàüöñçøåßœæî", nil, nil},
		{"ok exactly 256 bytes", strings.Repeat("ab", 128), nil, nil},
		{"ok short name part ignored", "jo-is-not-in-here", []string{"Jo Li"}, nil},
		{"empty", "", nil, []string{short, repeated}},
		{"too short", "k9#mQ2!rz", nil, []string{short}},
		{"too short in characters, not bytes", "éééééééééééé"[:22], nil, []string{short, repeated}},
		{"too long", strings.Repeat("ab", 128) + "c", nil, []string{long}},
		{"all one character", strings.Repeat("z", 16), nil, []string{repeated}},
		{"all one multibyte character", strings.Repeat("ü", 16), nil, []string{repeated}},
		{"common password", "password1234", nil, []string{common}},
		{"common password, other case", "QwertyUiop123", nil, []string{common}},
		{"equals email", "jane.doe@example.org", []string{email}, []string{personal}},
		{"contains email local part", "my-jane.doe-secret", []string{email}, []string{personal}},
		{"contains first name, other case", "correct JANE horse", []string{email, name}, []string{personal}},
		{"contains last name from email", "battery-doe-staple", []string{email}, []string{personal}},
		{"empty context ignored", "tidal-basin-gauge-41", []string{"", "  "}, nil},
		{"not UTF-8", "valid prefix \xff\xfe then", nil, []string{notUTF8}},
		{"every reason at once", "aaa", []string{"aaa@example.org"}, []string{short, repeated, personal}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPassword(tt.pw, tt.context...)
			var got []string
			var pe *PasswordPolicyError
			if errors.As(err, &pe) {
				got = pe.Reasons
			} else if err != nil {
				t.Fatalf("err = %v, want a *PasswordPolicyError", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPasswordPolicyErrorText(t *testing.T) {
	err := CheckPassword("zzz")
	want := "password is shorter than 12 characters; is a single character repeated"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func TestCommonPasswordList(t *testing.T) {
	if n := len(commonPasswords); n < 300 {
		t.Errorf("common password list has %d entries, want a few hundred", n)
	}
	for pw := range commonPasswords {
		if pw != strings.ToLower(pw) || pw != strings.TrimSpace(pw) {
			t.Errorf("entry %q is not lowercase and trimmed", pw)
		}
	}
	if !isCommon("Password123") || isCommon("# Very common passwords") {
		t.Error("list lookup is not case-insensitive or reads comments as entries")
	}
}
