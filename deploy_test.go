package main

import (
	"os"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
)

// TestComposeFile loads docker-compose.yml with the loader docker compose itself uses.
func TestComposeFile(t *testing.T) {
	opts, err := cli.NewProjectOptions([]string{"docker-compose.yml"}, cli.WithName("recert"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(t.Context())
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	for _, name := range []string{"db", "api", "mailpit"} {
		svc, ok := p.Services[name]
		if !ok {
			t.Fatalf("no %s service", name)
		}
		if svc.HealthCheck == nil || len(svc.HealthCheck.Test) == 0 {
			t.Errorf("service %s has no health check", name)
		}
	}
	api := p.Services["api"]
	if dep, ok := api.DependsOn["db"]; !ok || dep.Condition != "service_healthy" {
		t.Errorf("api does not wait for a healthy db: %+v", api.DependsOn)
	}
	if url := api.Environment["RECERT_DATABASE_URL"]; url == nil || !strings.HasPrefix(*url, "postgres://") {
		t.Errorf("api is not configured for PostgreSQL: %v", api.Environment)
	}
	if smtp := api.Environment["RECERT_SMTP_URL"]; smtp == nil || !strings.HasPrefix(*smtp, "smtp://mailpit:") {
		t.Errorf("api does not send its mail to Mailpit: %v", api.Environment)
	}
	for _, v := range []string{"pgdata", "apidata"} {
		if _, ok := p.Volumes[v]; !ok {
			t.Errorf("no named volume %s", v)
		}
	}
	if key := api.Environment["RECERT_SIGNING_KEY_FILE"]; key == nil || len(api.Volumes) == 0 || !strings.HasPrefix(*key, api.Volumes[0].Target) {
		t.Errorf("the API's signing key is not kept in its volume: %v %+v", key, api.Volumes)
	}
	db := p.Services["db"]
	if len(db.Volumes) == 0 || db.Volumes[0].Source != "pgdata" {
		t.Errorf("db does not keep its data in the named volume: %+v", db.Volumes)
	}
}

// TestDockerfile checks the image is built in stages and runs as a non-root user.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	for _, want := range []string{"AS build", "CGO_ENABLED=0", "COPY --from=build", "USER 65532", "HEALTHCHECK"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}
