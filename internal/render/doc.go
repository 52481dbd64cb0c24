// Package render draws what Recert prints: PDF documents (certificates, badge sheets,
// transcripts) and QR codes. It is the one place that knows the PDF library, the embedded
// fonts and the QR encoder, shared by every feature that prints.
//
// Fonts. Text is set in the Go fonts (golang.org/x/image/font/gofont), embedded in the
// binary, so a PDF looks the same on every installation and nothing is fetched at run time.
// They cover the Latin, Greek and Cyrillic scripts (WGL4).
//
// Names in other scripts. A person's name in a script the fonts lack (Chinese, Japanese,
// Korean, Arabic, Hebrew, Devanagari, Thai, ...) is never dropped or printed as empty boxes.
// Printable gives, character by character: the character itself when the font has it; else
// the character without its accents when the font has the base letter (Vietnamese "ệ"
// prints "e"); else its transliteration into Latin letters (Unidecode tables: "王小明" prints
// "Wang Xiao Ming", "Ольга" needs none, "محمد" prints "mHmd"); else "?". It reports whether
// anything was replaced, so the document can say that the name is shown in Latin letters and
// where the name as recorded can be read (a certificate points to its verification page,
// which a browser shows in any script).
package render
