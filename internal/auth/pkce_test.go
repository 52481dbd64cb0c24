package auth

import "testing"

// TestVerifyPKCE uses RFC 7636 Appendix B's example, and refuses what S256 does not answer.
func TestVerifyPKCE(t *testing.T) {
	const verifier, challenge = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	if !VerifyPKCE(verifier, challenge) || !WellFormedChallenge(challenge) {
		t.Fatal("the RFC's example does not verify")
	}
	for _, c := range []struct{ v, ch string }{
		{verifier, verifier},            // plain: the challenge is the verifier
		{verifier[:42], challenge},      // too short
		{verifier + "!", challenge},     // not unreserved
		{"x" + verifier[1:], challenge}, // another verifier
	} {
		if VerifyPKCE(c.v, c.ch) {
			t.Errorf("verified %q against %q", c.v, c.ch)
		}
	}
	if WellFormedChallenge("short") || WellFormedChallenge(verifier+"AAAA") {
		t.Error("a malformed challenge is taken")
	}
}
