package httpapi

import (
	"slices"

	"github.com/recert-dev/recert/internal/recert"
)

// pageOf cuts one page out of a list the store answers whole, in the store's order: the
// items after the cursor's id, at most p.Limit of them, and the next page's cursor (nil on
// the last page). These lists belong to one object (an event's postings, a member's leave,
// an attendance's history), so they stay small enough to read whole; the cursor is still
// an id, as on the lists the store pages itself, so clients page them all alike.
func pageOf[T any](items []T, id func(T) string, p recert.Page) ([]T, *string, error) {
	start := 0
	if p.After != "" {
		i := slices.IndexFunc(items, func(t T) bool { return id(t) == p.After })
		if i < 0 {
			return nil, nil, foreignCursor()
		}
		start = i + 1
	}
	end := min(start+p.Limit, len(items))
	var next *string
	if end < len(items) {
		next = nextCursor(id(items[end-1]))
	}
	return items[start:end], next, nil
}

// foreignCursor is the answer to a cursor that names no item of the list asked for.
func foreignCursor() error {
	return &recert.Error{Code: recert.EBADREQUEST,
		Message: "the cursor names an item no longer in this list; start again from the first page",
		Fields:  []recert.FieldError{{Location: "query", Pointer: "#/cursor", Detail: "not a cursor of this list"}}}
}
