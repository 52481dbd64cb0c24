package auth

import (
	"crypto/ed25519"
	"strings"
	"testing"
)

func TestCheckInCode(t *testing.T) {
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	other, _ := GenerateKey()
	lookup := func(kid string) (ed25519.PublicKey, bool) {
		if kid == k.ID() {
			return k.Public(), true
		}
		return nil, false
	}
	tok := k.SignCheckIn("mem_abc", 3)
	c, err := VerifyCheckIn(tok, lookup)
	if err != nil || c != (CheckInCode{MemberID: "mem_abc", Version: 3, KeyID: k.ID()}) {
		t.Fatalf("VerifyCheckIn(%q) = %+v, %v", tok, c, err)
	}
	flipped := []byte(tok)
	flipped[len("mem_")] ^= 1 // another member, same signature
	for name, bad := range map[string]string{
		"another member": string(flipped),
		"other version":  strings.Replace(tok, ".3.", ".4.", 1),
		"unknown key":    other.SignCheckIn("mem_abc", 3),
		"truncated":      tok[:len(tok)-2],
		"empty":          "",
		"three parts":    "mem_abc.3." + k.ID(),
	} {
		if _, err := VerifyCheckIn(bad, lookup); err != ErrCheckInCode {
			t.Errorf("%s: err = %v, want ErrCheckInCode", name, err)
		}
	}
	if len(tok) > 140 {
		t.Errorf("token is %d characters; keep it short for a small QR code", len(tok))
	}
}
