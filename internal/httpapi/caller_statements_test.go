package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// statementLog records every statement the database driver runs from now on
// (Store.ObserveStatements) on behalf of an HTTP request, or of a context marked with counted:
// a background job's statements (a reminder scan, a queue poll) are not the request's.
type statementLog struct {
	mu  sync.Mutex
	sql []string
}

func (l *statementLog) since(i int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.sql[i:])
}

func (l *statementLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.sql)
}

type countedKey struct{}

// counted marks ctx so that the statement log records the statements issued with it.
func counted(ctx context.Context) context.Context { return context.WithValue(ctx, countedKey{}, true) }

func logStatements(t *testing.T, st *store.Store) *statementLog {
	t.Helper()
	l := &statementLog{}
	st.ObserveStatements(func(ctx context.Context, sql string) {
		if ctx.Value(http.ServerContextKey) == nil && ctx.Value(countedKey{}) == nil {
			return
		}
		l.mu.Lock()
		l.sql = append(l.sql, sql)
		l.mu.Unlock()
	})
	t.Cleanup(func() { st.ObserveStatements(nil) })
	return l
}

// TestCallerLookupIsOneStatement: checking that a token's sign-in is live adds no statement
// to a request: the caller's account, organizations and sign-in come in one statement, so
// listing organizations costs two (the caller, the list).
func TestCallerLookupIsOneStatement(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		u := env.CreateUser(t, recert.User{Email: apitest.Email(t, "admin"), Role: recert.RoleAdmin})
		token := env.Login(t, u.Email)
		log := logStatements(t, st)
		var best []string
		for i := range 3 { // the fewest of three: a background job may run meanwhile
			before := log.len()
			res, err := env.Client.ListOrganizationsWithResponse(t.Context(), nil, apitest.Bearer(token))
			if err != nil || res.StatusCode() != http.StatusOK {
				t.Fatalf("organizations: %v %d", err, res.StatusCode())
			}
			if sql := log.since(before); i == 0 || len(sql) < len(best) {
				best = sql
			}
		}
		if len(best) != 2 {
			t.Errorf("GET /v1/organizations took %d statements, want 2 (the caller, the list):\n%s", len(best), strings.Join(best, "\n"))
		}
		for _, sql := range best {
			if strings.Contains(sql, "sign_ins") && !strings.Contains(sql, "users") {
				t.Errorf("the sign-in is read on its own: %s", sql)
			}
		}
	})
}
