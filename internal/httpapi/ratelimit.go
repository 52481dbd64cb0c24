package httpapi

import (
	"context"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/recert"
)

// RateLimit is a token bucket: Burst attempts at once, refilled at PerMinute a minute.
type RateLimit struct {
	PerMinute float64
	Burst     int
}

// limiter throttles sign-in attempts per client address ("ip:…") and per account
// ("account:…"), so that neither one address nor many addresses can guess passwords fast.
// The counts live in the database, so every instance behind a load balancer shares them.
type limiter struct {
	ip, account RateLimit
	store       AttemptStore
}

// AttemptStore counts attempts per key against a limit.
type AttemptStore interface {
	AllowAttempt(ctx context.Context, key string, perMinute float64, burst int) (bool, time.Duration, error)
}

func newLimiter(ip, account RateLimit, store AttemptStore) *limiter {
	return &limiter{ip: ip, account: account, store: store}
}

func (l *limiter) allow(ctx context.Context, key string) error {
	lim := l.ip
	if strings.HasPrefix(key, "account:") {
		lim = l.account
	}
	ok, wait, err := l.store.AllowAttempt(ctx, key, lim.PerMinute, lim.Burst)
	if err != nil {
		return err
	}
	if !ok {
		return &recert.Throttled{Wait: wait}
	}
	return nil
}

// requestInfo is what handlers may know of the HTTP request beyond its operation's input.
type requestInfo struct {
	ip                   string
	basicUser, basicPass string
	accept               string
}

type requestInfoKey struct{}

func requestInfoFrom(ctx context.Context) requestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(requestInfo)
	return info
}

// withRequestInfo records the client address (the peer, never a forwarded header) and any
// HTTP Basic credentials (the token endpoint's client authentication).
func withRequestInfo(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		info := requestInfo{ip: c.RealIP(), accept: c.Request().Header.Get(echo.HeaderAccept)}
		info.basicUser, info.basicPass, _ = c.Request().BasicAuth()
		c.SetRequest(c.Request().WithContext(context.WithValue(c.Request().Context(), requestInfoKey{}, info)))
		return next(c)
	}
}
