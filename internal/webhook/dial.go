package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"
)

// CheckURL says whether raw can be a destination: http or https with a host, and, unless
// private addresses are allowed, no literal private, loopback or link-local address. Names
// are checked when they are resolved, at each delivery (see Client).
func CheckURL(raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return errors.New("must be an http:// or https:// URL with a host")
	}
	if u.User != nil {
		return errors.New("must not hold credentials")
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil && !allowPrivate && !public(ip) {
		return fmt.Errorf("%s is not a public address", ip)
	}
	return nil
}

// public reports whether an address is one a delivery may reach.
func public(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsGlobalUnicast() && !ip.IsPrivate() && !ip.IsLoopback() && !ip.IsLinkLocalUnicast() &&
		!netip.MustParsePrefix("100.64.0.0/10").Contains(ip) // carrier-grade NAT, shared space
}

// Client returns the HTTP client deliveries use: it resolves each destination, refuses
// private, loopback and link-local addresses unless allowed, and connects to the very address
// it checked, so DNS cannot change it in between. It follows no redirects.
func Client(allowPrivate bool, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, err
		}
		var last error = fmt.Errorf("%s has no address", host)
		for _, ip := range ips {
			if !allowPrivate && !public(ip) {
				last = fmt.Errorf("%s resolves to %s, not a public address", host, ip)
				continue
			}
			conn, err := dialer.DialContext(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
			if err == nil {
				return conn, nil
			}
			last = err
		}
		return nil, last
	}
	transport := &http.Transport{
		DialContext:           dial,
		Proxy:                 nil, // a proxy would connect to addresses never checked
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       30 * time.Second,
	}
	return &http.Client{
		Transport:     transport,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
