package httpapi

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/recert-dev/recert/internal/recert"
)

// RateLimit is a token bucket: Burst attempts at once, refilled at PerMinute a minute.
type RateLimit struct {
	PerMinute float64
	Burst     int
}

// limiter throttles sign-in attempts per client address ("ip:…") and per account
// ("account:…"), so that neither one address nor many addresses can guess passwords fast.
type limiter struct {
	perIP, perAccount     *middleware.RateLimiterMemoryStore
	retryIP, retryAccount int
}

func newLimiter(ip, account RateLimit) *limiter {
	store := func(l RateLimit) *middleware.RateLimiterMemoryStore {
		return middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(l.PerMinute / 60), Burst: l.Burst, ExpiresIn: 10 * time.Minute,
		})
	}
	retry := func(l RateLimit) int { return int(math.Ceil(60 / l.PerMinute)) }
	return &limiter{perIP: store(ip), perAccount: store(account), retryIP: retry(ip), retryAccount: retry(account)}
}

func (l *limiter) allow(key string) error {
	st, retry := l.perIP, l.retryIP
	if strings.HasPrefix(key, "account:") {
		st, retry = l.perAccount, l.retryAccount
	}
	if ok, _ := st.Allow(key); !ok {
		return &rateLimited{retryAfter: retry}
	}
	return nil
}

type rateLimited struct{ retryAfter int }

func (e *rateLimited) Error() string {
	return fmt.Sprintf("too many attempts; retry in %d seconds", e.retryAfter)
}

func (e *rateLimited) Unwrap() error { return recert.Errorf(recert.ERATELIMITED, "%s", e.Error()) }

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
