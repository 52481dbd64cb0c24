package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// benchServer starts the service, configured by configure when not nil, on PostgreSQL when
// the tests have it (else SQLite), with an organization to seed.
func benchServer(b *testing.B, configure func(*config.Config)) (*apitest.Env, recert.Organization) {
	b.Helper()
	engine := store.SQLite
	if engines := dbtest.Engines(b); engines[len(engines)-1] == store.Postgres {
		engine = store.Postgres
	}
	env := apitest.StartWith(b, dbtest.New(b, engine), configure)
	org, err := env.Store.CreateOrganization(context.Background(), recert.Organization{Name: "Bench", Code: "BENCH"}, "bench")
	if err != nil {
		b.Fatal(err)
	}
	return env, org
}

// benchAnalyze gives PostgreSQL statistics as autovacuum keeps them on a live database: a
// freshly seeded one has none, and the planner's guesses then measure the seed rather than
// the service.
func benchAnalyze(b *testing.B, env *apitest.Env) {
	b.Helper()
	if env.Store.Engine() != store.Postgres {
		return
	}
	if err := env.Store.DB().Exec("ANALYZE").Error; err != nil {
		b.Fatal(err)
	}
}

// benchGet asks for url with token, reads the answer into w and fails unless it is 200; it
// returns the answer's size.
func benchGet(b *testing.B, url, token string, w io.Writer) int64 {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(res.Body, 300))
		b.Fatalf("GET %s: %d %s", url, res.StatusCode, body)
	}
	n, err := io.Copy(w, res.Body)
	if err != nil {
		b.Fatal(err)
	}
	return n
}
