package httpapi

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/recert"
)

// Admission bounds the work the service takes on at once, so that overload turns excess
// requests away at once (503 with Retry-After) instead of letting every request queue for a
// database connection until it times out, when all of them fail late.
type Admission struct {
	// InFlight is how many requests do their work at once.
	InFlight int
	// Queue is how many more may wait for one of those places; a request beyond it is
	// answered 503 at once.
	Queue int
	// Wait is the longest a request waits in the queue before it is answered 503.
	Wait time.Duration
}

// DefaultAdmission suits the default database pool (20 connections): a request holds a
// connection for a few statements and spends the rest of its time in Go, so twice the pool
// keeps the pool busy without queueing inside it; a second's worth of queue at the
// uncached progress rate absorbs bursts.
var DefaultAdmission = Admission{InFlight: 40, Queue: 200, Wait: time.Second}

// errOverloaded answers a request the service has no room for.
type errOverloaded struct{ waited bool }

func (e *errOverloaded) Error() string {
	if e.waited {
		return "the service is at capacity and no place came free in time; retry in a second"
	}
	return "the service is at capacity; retry in a second"
}

func (e *errOverloaded) Unwrap() error { return recert.Errorf(recert.EUNAVAILABLE, "%s", e.Error()) }

// admission is the middleware of a; none when a.InFlight is zero.
type admission struct {
	slots   chan struct{}
	waiting atomic.Int64
	queue   int64
	wait    time.Duration
}

func newAdmission(a Admission) *admission {
	if a.InFlight <= 0 {
		return nil
	}
	return &admission{slots: make(chan struct{}, a.InFlight), queue: int64(a.Queue), wait: a.Wait}
}

// admit runs next once a place is free. Health checks always pass, so that an orchestrator
// sees a busy service as alive, and so do the documents served from memory (the contract,
// its documentation, problem types, public keys, the pages' assets), which the contract
// answers without a 503.
func (a *admission) admit(next echo.HandlerFunc) echo.HandlerFunc {
	if a == nil {
		return next
	}
	return func(c echo.Context) error {
		if exempt[c.Path()] {
			return next(c)
		}
		if err := a.take(c.Request().Context()); err != nil {
			return err
		}
		defer func() { <-a.slots }()
		return next(c)
	}
}

// exempt are the routes admission never turns away.
var exempt = map[string]bool{
	"/healthz": true, "/readyz": true, "/problems/:problem_type": true, "/openapi.yaml": true, "/openapi.json": true,
	"/docs": true, "/docs/*": true, "/.well-known/jwks.json": true, "/app/assets/*": true,
}

// take holds a place for the request, waiting in the queue while there is room in it.
func (a *admission) take(ctx context.Context) error {
	select {
	case a.slots <- struct{}{}:
		return nil
	default:
	}
	if a.waiting.Add(1) > a.queue {
		a.waiting.Add(-1)
		return &errOverloaded{}
	}
	defer a.waiting.Add(-1)
	t := time.NewTimer(a.wait)
	defer t.Stop()
	select {
	case a.slots <- struct{}{}:
		return nil
	case <-t.C:
		return &errOverloaded{waited: true}
	case <-ctx.Done():
		return errors.Join(fmt.Errorf("waiting for a place: %w", ctx.Err()), &errOverloaded{waited: true})
	}
}
