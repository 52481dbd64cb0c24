package store

import (
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

// Page is recert.Page, here for short.
type Page = recert.Page

// cut trims one-past-the-limit results and returns the cursor of the next page, if any.
func cut[T any](items []T, limit int, key func(T) string) ([]T, string) {
	if len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	return items, key(items[limit-1])
}

// now is the store's clock: UTC at microsecond precision, what both engines keep exactly.
func (s *Store) now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// groupBy gathers child rows under their parent's key, for loading children of a page of
// parents in one query.
func groupBy[T any](rows []T, key func(T) string) map[string][]T {
	out := map[string][]T{}
	for _, r := range rows {
		out[key(r)] = append(out[key(r)], r)
	}
	return out
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
