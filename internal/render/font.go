package render

import (
	"strings"
	"sync"
	"unicode"

	"github.com/mozillazg/go-unidecode"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// Font families registered in every Document.
const (
	familyRegular = "regular"
	familyBold    = "bold"
)

// glyphs answers whether the embedded fonts draw a rune. Both faces cover the same
// characters; the regular one is asked.
var glyphs = sync.OnceValue(func() *sfnt.Font {
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		panic("render: the embedded Go font does not parse: " + err.Error())
	}
	return f
})

var (
	glyphMu    sync.Mutex
	glyphBuf   sfnt.Buffer
	glyphCache = map[rune]bool{}
)

// hasGlyph reports whether the embedded font draws r.
func hasGlyph(r rune) bool {
	if r == ' ' {
		return true
	}
	glyphMu.Lock()
	defer glyphMu.Unlock()
	if ok, seen := glyphCache[r]; seen {
		return ok
	}
	idx, err := glyphs().GlyphIndex(&glyphBuf, r)
	ok := err == nil && idx != 0
	glyphCache[r] = ok
	return ok
}

// Printable returns s as the embedded fonts can print it, and whether any character had
// to be replaced: the character itself when the font has it; else without its accents
// when the font has the base letter; else its Latin transliteration; else "?". Control
// and formatting characters (bidirectional marks, zero-width joiners) are dropped, runs of
// spaces become one, and the result is trimmed. The package documentation has examples.
func Printable(s string) (string, bool) {
	var b strings.Builder
	replaced := false
	for _, r := range s {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			if r == '\t' || r == '\n' || r == '\r' {
				b.WriteByte(' ')
			}
			continue
		case unicode.IsSpace(r):
			b.WriteByte(' ')
			continue
		case hasGlyph(r):
			b.WriteRune(r)
			continue
		}
		replaced = true
		if base, ok := withoutMarks(r); ok {
			b.WriteString(base)
			continue
		}
		if latin := transliterate(r); latin != "" {
			b.WriteString(latin)
			continue
		}
		b.WriteByte('?')
	}
	return strings.Join(strings.Fields(b.String()), " "), replaced
}

// withoutMarks decomposes r (NFKD) and keeps what is not a combining mark, when the font
// draws all of it.
func withoutMarks(r rune) (string, bool) {
	var b strings.Builder
	for _, d := range norm.NFKD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		if !hasGlyph(d) {
			return "", false
		}
		b.WriteRune(d)
	}
	return b.String(), b.Len() > 0
}

// transliterate spells r in Latin letters, padded with spaces so that the syllables of a
// name in a syllabic or ideographic script stay apart; "" when the tables know no spelling.
func transliterate(r rune) string {
	latin := strings.TrimSpace(unidecode.Unidecode(string(r)))
	if latin == "" || latin == "[?]" {
		return ""
	}
	for _, c := range latin {
		if !hasGlyph(c) {
			return ""
		}
	}
	if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Thai, unicode.Yi) {
		return " " + capitalize(latin) + " "
	}
	return latin
}

// capitalize upper-cases the first letter, as a name's syllables are written in Latin letters.
func capitalize(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + strings.ToLower(s[i+len(string(r)):])
	}
	return s
}

// fontData is the TTF of each registered family.
func fontData() map[string][]byte {
	return map[string][]byte{familyRegular: goregular.TTF, familyBold: gobold.TTF}
}
