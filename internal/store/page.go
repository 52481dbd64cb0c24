package store

import (
	"time"

	"gorm.io/gorm"

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

// inScope narrows q to the rows whose column names an organization of the scope: none for
// the zero scope, every row for all organizations.
func inScope(q *gorm.DB, column string, scope recert.Scope) *gorm.DB {
	switch {
	case scope.All():
		return q
	case scope.None():
		return q.Where("1 = 0")
	}
	return q.Where(column+" IN ?", scope.IDs())
}

// scopeSQL is inScope for a query written by hand: a condition to append and its arguments.
func scopeSQL(column string, scope recert.Scope) (string, []any) {
	switch {
	case scope.All():
		return "", nil
	case scope.None():
		return " AND 1 = 0", nil
	}
	return " AND " + column + " IN ?", []any{scope.IDs()}
}
