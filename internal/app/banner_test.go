package app

import (
	"net"
	"testing"
)

func TestBaseURL(t *testing.T) {
	tests := []struct {
		name, publicURL, addr, want string
	}{
		{"every interface", "http://localhost:8080", "[::]:8080", "http://localhost:8080"},
		{"another port", "http://localhost:8080", "0.0.0.0:9090", "http://localhost:9090"},
		{"one address", "http://localhost:8080", "127.0.0.1:41234", "http://127.0.0.1:41234"},
		{"the public URL when set", "https://recert.example.org", "[::]:8080", "https://recert.example.org"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.PublicURL = tt.publicURL
			addr, err := net.ResolveTCPAddr("tcp", tt.addr)
			if err != nil {
				t.Fatal(err)
			}
			if got := baseURL(cfg, addr); got != tt.want {
				t.Errorf("baseURL(%s, %s) = %s, want %s", tt.publicURL, tt.addr, got, tt.want)
			}
		})
	}
}
