package ledger

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// perTurn is how many members a goroutine of inParallel takes at a time: a member's
// evaluation costs tens of microseconds, a goroutine's start under one.
const perTurn = 8

// inParallel calls f for each of 0 to n-1 on up to GOMAXPROCS goroutines, each taking
// perTurn indexes at a time, and returns the first error (the others stop at their next
// turn). A page of members is evaluated on every processor the service has: the members are
// independent, and a list answers in the time of its slowest share rather than of the sum.
// A panic in f is raised again in the caller, where the request's recovery sees it.
func inParallel(n int, f func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), (n+perTurn-1)/perTurn)
	if workers <= 1 {
		for i := range n {
			if err := f(i); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		next     atomic.Int64
		failed   atomic.Bool
		wg       sync.WaitGroup
		firstErr error
		panicked any
		mu       sync.Mutex
	)
	fail := func(err error, p any) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil && err != nil {
			firstErr = err
		}
		if panicked == nil && p != nil {
			panicked = p
		}
		failed.Store(true)
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					fail(nil, p)
				}
			}()
			for !failed.Load() {
				from := int(next.Add(perTurn)) - perTurn
				if from >= n {
					return
				}
				for i := from; i < min(from+perTurn, n); i++ {
					if err := f(i); err != nil {
						fail(err, nil)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
	return firstErr
}

// both runs f and g at the same time and returns the first error of f's, then g's. A panic
// in g is raised again in the caller.
func both(f, g func() error) error {
	var (
		gErr     error
		panicked any
		done     = make(chan struct{})
	)
	go func() {
		defer close(done)
		defer func() { panicked = recover() }()
		gErr = g()
	}()
	fErr := f()
	<-done
	if panicked != nil {
		panic(panicked)
	}
	if fErr != nil {
		return fErr
	}
	return gErr
}
