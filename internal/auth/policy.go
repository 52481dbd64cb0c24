package auth

import (
	_ "embed"
	"strings"
	"unicode/utf8"
)

// Password policy limits. Length is what makes a password strong (NIST SP 800-63B), so the
// policy asks for length and refuses the guessable, with no composition rules.
const (
	// MinPasswordChars is the shortest password accepted, counted in characters (runes).
	MinPasswordChars = 12
	// MaxPasswordBytes caps the input to hashing; generous for passphrases.
	MaxPasswordBytes = 256
	// minContextChars ignores tiny name parts ("Al", "li") that would refuse good passwords.
	minContextChars = 3
)

//go:embed common-passwords.txt
var commonPasswordsFile string

// commonPasswords is the embedded list, lowercase.
var commonPasswords = func() map[string]struct{} {
	m := make(map[string]struct{})
	for line := range strings.Lines(commonPasswordsFile) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = struct{}{}
		}
	}
	return m
}()

// PasswordPolicyError lists every rule a password breaks.
type PasswordPolicyError struct {
	// Reasons are plain-language phrases completing "The password …".
	Reasons []string
}

// Error joins the reasons: "password is shorter than 12 characters; contains your name
// or email address".
func (e *PasswordPolicyError) Error() string {
	return "password " + strings.Join(e.Reasons, "; ")
}

// CheckPassword applies the password policy: at least 12 characters, at most 256 bytes,
// not one character repeated, not on the common-password list, and not equal to or
// containing any context value (the user's email address, its local part, or the parts
// of their name), compared case-insensitively. It returns a *PasswordPolicyError listing
// every broken rule, or nil.
func CheckPassword(pw string, context ...string) error {
	var reasons []string
	add := func(ok bool, reason string) {
		if !ok {
			reasons = append(reasons, reason)
		}
	}
	add(utf8.ValidString(pw), "is not valid UTF-8 text")
	add(utf8.RuneCountInString(pw) >= MinPasswordChars, "is shorter than 12 characters")
	add(len(pw) <= MaxPasswordBytes, "is longer than 256 bytes")
	add(!oneRepeatedChar(pw), "is a single character repeated")
	add(!isCommon(pw), "is on the list of commonly used passwords")
	add(!containsContext(pw, context), "contains your name or email address")
	if len(reasons) == 0 {
		return nil
	}
	return &PasswordPolicyError{Reasons: reasons}
}

// oneRepeatedChar reports whether pw is one character (rune) repeated; empty counts too.
func oneRepeatedChar(pw string) bool {
	first, _ := utf8.DecodeRuneInString(pw)
	return strings.Trim(pw, string(first)) == ""
}

func isCommon(pw string) bool {
	_, found := commonPasswords[strings.ToLower(pw)]
	return found
}

// containsContext reports whether pw contains any part of the context values that is
// long enough to matter.
func containsContext(pw string, context []string) bool {
	lower := strings.ToLower(pw)
	for _, c := range context {
		for _, part := range contextParts(c) {
			if strings.Contains(lower, part) {
				return true
			}
		}
	}
	return false
}

// contextParts splits a name or email address into the lowercase pieces a person would
// reuse: the whole value, an email's local part, and the words of either
// ("jane.doe@example.org" gives the address, "jane.doe", "jane" and "doe").
func contextParts(c string) []string {
	c = strings.ToLower(strings.TrimSpace(c))
	parts := []string{c}
	local := c
	if at := strings.LastIndexByte(c, '@'); at >= 0 {
		local = c[:at]
		parts = append(parts, local)
	}
	parts = append(parts, strings.FieldsFunc(local, isNameSeparator)...)
	long := parts[:0]
	for _, p := range parts {
		if utf8.RuneCountInString(p) >= minContextChars {
			long = append(long, p)
		}
	}
	return long
}

func isNameSeparator(r rune) bool {
	return strings.ContainsRune(" .,_-+'’", r)
}
