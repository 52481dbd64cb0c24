package ledger

import (
	"context"
	"sync"

	"github.com/recert-dev/recert/internal/recert"
)

// Response is a rendered answer to a request, as stored for replay.
type Response struct {
	Status   int
	Body     []byte
	Replayed bool // the stored answer to an earlier request with the same key
}

// IdempotencyKey identifies a caller's retry-safe request and the request it was first
// used for (a hash of everything that makes it this request).
type IdempotencyKey struct{ Principal, Key, RequestHash string }

// IdempotencyStore keeps one response per caller and key.
type IdempotencyStore interface {
	// IdempotentResponse returns the live response stored under the key, with the hash of
	// the request it answered; found is false when there is none or it expired.
	IdempotentResponse(ctx context.Context, principal, key string) (requestHash string, r Response, found bool, err error)
	// LockIdempotencyKey holds the key until the transaction of ctx ends, across
	// instances sharing the database.
	LockIdempotencyKey(ctx context.Context, principal, key string) error
	// SaveIdempotentResponse stores r under the key (ECONFLICT when a live one exists).
	SaveIdempotentResponse(ctx context.Context, k IdempotencyKey, r Response) error
}

// Idempotency makes any credit-creating request safe to retry: a retry with the same key
// and request gets the stored response; the same key with another request is refused; a
// retry while the first is still running is a conflict. The response is stored in the same
// transaction as the change it reports, so both or neither are committed.
type Idempotency struct {
	tx       Transactor
	store    IdempotencyStore
	mu       sync.Mutex
	inflight map[string]bool
}

// NewIdempotency returns the wrapper over store, writing in transactions of tx.
func NewIdempotency(tx Transactor, store IdempotencyStore) *Idempotency {
	return &Idempotency{tx: tx, store: store, inflight: map[string]bool{}}
}

// Do runs the request once per key. With a nil key it just runs it. run's writes must go
// through the context it is given; a response it returns with a status of 300 or more is not
// stored (nothing was changed, and a retry should try again).
func (i *Idempotency) Do(ctx context.Context, k *IdempotencyKey, run func(ctx context.Context) (Response, error)) (Response, error) {
	if k == nil {
		return run(ctx)
	}
	if r, found, err := i.replay(ctx, *k); found || err != nil {
		return r, err
	}
	release, ok := i.acquire(k.Principal + "\x00" + k.Key)
	if !ok {
		return Response{}, recert.Errorf(recert.ECONFLICT, "a request with this Idempotency-Key is still being processed; retry shortly")
	}
	defer release()
	if r, found, err := i.replay(ctx, *k); found || err != nil {
		return r, err // it finished while this one waited for the key
	}
	var out Response
	err := i.tx.InTx(ctx, func(ctx context.Context) error {
		// Another instance may be running the same key: wait for it, then replay.
		if err := i.store.LockIdempotencyKey(ctx, k.Principal, k.Key); err != nil {
			return err
		}
		if r, found, err := i.replay(ctx, *k); found || err != nil {
			out = r
			return err
		}
		r, err := run(ctx)
		if err != nil {
			return err
		}
		out = r
		if r.Status >= 300 {
			return nil
		}
		return i.store.SaveIdempotentResponse(ctx, *k, r)
	})
	return out, err
}

// replay returns the stored response for k, or refuses a key reused for another request.
func (i *Idempotency) replay(ctx context.Context, k IdempotencyKey) (Response, bool, error) {
	hash, r, found, err := i.store.IdempotentResponse(ctx, k.Principal, k.Key)
	if err != nil || !found {
		return Response{}, false, err
	}
	if hash != k.RequestHash {
		return Response{}, false, &recert.Error{Code: recert.EINVALID, Message: "this Idempotency-Key was used for a different request",
			Fields: []recert.FieldError{{Location: "header", Pointer: "#/Idempotency-Key", Detail: "already used with another body or query"}}}
	}
	r.Replayed = true
	return r, true, nil
}

// acquire marks the key as being processed by this instance, so a concurrent duplicate is
// refused at once instead of waiting on the first one's transaction.
func (i *Idempotency) acquire(key string) (release func(), ok bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.inflight[key] {
		return nil, false
	}
	i.inflight[key] = true
	return func() {
		i.mu.Lock()
		delete(i.inflight, key)
		i.mu.Unlock()
	}, true
}
