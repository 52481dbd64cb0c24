package config

import (
	"net"
	"slices"
)

// SameListener reports whether two listen addresses (host:port) would compete for one
// port: the same port number (port 0, "any free port", never collides) on hosts that share
// an address, where a host left empty or unspecified (":9090", "0.0.0.0:9090", "[::]:9090")
// covers every address. So ":9090" collides with "127.0.0.1:9090", and "localhost:9090"
// with "127.0.0.1:9090", though the strings differ.
func SameListener(a, b string) bool {
	ha, pa, err := net.SplitHostPort(a)
	if err != nil {
		return a == b
	}
	hb, pb, err := net.SplitHostPort(b)
	if err != nil {
		return a == b
	}
	na, errA := net.LookupPort("tcp", pa)
	nb, errB := net.LookupPort("tcp", pb)
	if errA != nil || errB != nil {
		return a == b
	}
	if na != nb || na == 0 {
		return false
	}
	ipsA, ipsB := hostIPs(ha), hostIPs(hb)
	if ipsA == nil || ipsB == nil { // every address
		return true
	}
	for _, ip := range ipsA {
		if slices.ContainsFunc(ipsB, ip.Equal) {
			return true
		}
	}
	return ha == hb
}

// hostIPs are the addresses a listen host stands for; nil means every address (an empty or
// unspecified host). A name that does not resolve stands for none of its own.
func hostIPs(host string) []net.IP {
	if host == "" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsUnspecified() {
			return nil
		}
		return []net.IP{ip}
	}
	ips, err := net.LookupIP(host)
	if err != nil {
		return []net.IP{}
	}
	return ips
}
