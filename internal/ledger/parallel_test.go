package ledger

import (
	"errors"
	"sync/atomic"
	"testing"
)

func TestInParallelCallsEachOnce(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 16, 17, 500, 1001} {
		calls := make([]atomic.Int32, n)
		if err := inParallel(n, func(i int) error { calls[i].Add(1); return nil }); err != nil {
			t.Fatal(err)
		}
		for i := range calls {
			if c := calls[i].Load(); c != 1 {
				t.Fatalf("n=%d: index %d called %d times", n, i, c)
			}
		}
	}
}

func TestInParallelStopsAtAnError(t *testing.T) {
	boom := errors.New("boom")
	var calls atomic.Int32
	err := inParallel(10_000, func(i int) error {
		calls.Add(1)
		if i == 40 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	if c := calls.Load(); c == 10_000 {
		t.Errorf("every index was called after the error")
	}
}

func TestInParallelRaisesAPanicInTheCaller(t *testing.T) {
	defer func() {
		if p := recover(); p != "bad member" {
			t.Fatalf("recovered %v, want the worker's panic", p)
		}
	}()
	_ = inParallel(100, func(i int) error {
		if i == 99 {
			panic("bad member")
		}
		return nil
	})
	t.Fatal("inParallel returned")
}

func TestBothRunsEachAndSaysWhatFailed(t *testing.T) {
	first, second := errors.New("first"), errors.New("second")
	var ran atomic.Int32
	run := func(err error) func() error { return func() error { ran.Add(1); return err } }
	for _, c := range []struct{ f, g, want error }{{nil, nil, nil}, {first, nil, first}, {nil, second, second}, {first, second, first}} {
		ran.Store(0)
		if err := both(run(c.f), run(c.g)); !errors.Is(err, c.want) || (c.want == nil && err != nil) {
			t.Errorf("both(%v, %v) = %v, want %v", c.f, c.g, err, c.want)
		}
		if ran.Load() != 2 {
			t.Errorf("both(%v, %v) ran %d of two", c.f, c.g, ran.Load())
		}
	}
	defer func() {
		if p := recover(); p != "gone" {
			t.Fatalf("recovered %v, want g's panic", p)
		}
	}()
	_ = both(func() error { return nil }, func() error { panic("gone") })
	t.Fatal("both returned")
}
