package httpapi

import "testing"

func TestParseLSN(t *testing.T) {
	for in, want := range map[string]uint64{"0/0": 0, "0/16B3748": 0x16B3748, "16/B374D848": 0x16_B374D848, "ff/1": 0xFF_00000001, "FFFFFFFF/FFFFFFFF": 1<<64 - 1} {
		got, ok := parseLSN(in)
		if !ok || got != want {
			t.Errorf("parseLSN(%q) = %X, %v; want %X", in, got, ok, want)
		}
		if back, _ := parseLSN(formatLSN(got)); back != got {
			t.Errorf("formatLSN(%X) = %q does not read back", got, formatLSN(got))
		}
	}
	for _, bad := range []string{"", "0", "/1", "1/", "g/1", "123456789/0", "-1/0", "1/2/3"} {
		if _, ok := parseLSN(bad); ok {
			t.Errorf("parseLSN(%q) accepted", bad)
		}
	}
}
