package httpapi

import "testing"

// TestInflightRefusesAConcurrentDuplicate: while a request holds an idempotency key, the same
// key is refused (the handler answers 409); once released it can be taken again.
func TestInflightRefusesAConcurrentDuplicate(t *testing.T) {
	var f inflight
	release, ok := f.acquire("usr_a\x00key-1")
	if !ok {
		t.Fatal("first acquire refused")
	}
	if _, ok := f.acquire("usr_a\x00key-1"); ok {
		t.Error("a concurrent duplicate was let through")
	}
	if _, ok := f.acquire("usr_b\x00key-1"); !ok {
		t.Error("another caller's key was refused")
	}
	release()
	if _, ok := f.acquire("usr_a\x00key-1"); !ok {
		t.Error("the key was not released")
	}
}
