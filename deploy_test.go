package main

import (
	"os"
	"regexp"
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
	for name, svc := range p.Services {
		if svc.Image != "" && !pinned(svc.Image) {
			t.Errorf("service %s runs %s: pin it to a version (name:1.2.3), not a moving tag", name, svc.Image)
		}
	}
	db := p.Services["db"]
	if len(db.Volumes) == 0 || db.Volumes[0].Source != "pgdata" {
		t.Errorf("db does not keep its data in the named volume: %+v", db.Volumes)
	}
}

// pinned reports whether an image reference names a version with at least a minor number
// (postgres:17.10-alpine3.23, axllent/mailpit:v1.31.1) or a digest: latest, no tag or a
// major-only tag moves under the file.
func pinned(image string) bool {
	if strings.Contains(image, "@sha256:") {
		return true
	}
	_, tag, ok := strings.Cut(image[strings.LastIndex(image, "/")+1:], ":")
	return ok && pinnedTag.MatchString(tag)
}

var pinnedTag = regexp.MustCompile(`^v?[0-9]+\.[0-9]+`)

func TestPinned(t *testing.T) {
	for image, want := range map[string]bool{
		"postgres:17.10-alpine3.23": true, "axllent/mailpit:v1.31.1": true, "postgres@sha256:ab": true,
		"postgres:17-alpine": false, "axllent/mailpit": false, "postgres:latest": false, "localhost:5000/recert": false,
	} {
		if got := pinned(image); got != want {
			t.Errorf("pinned(%q) = %v, want %v", image, got, want)
		}
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
