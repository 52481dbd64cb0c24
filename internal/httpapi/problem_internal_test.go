package httpapi

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/recert"
)

// TestProblemTable checks every domain error code has a type, each type its own status and
// a page, and the contract's Problem schema lists every type the service sends.
func TestProblemTable(t *testing.T) {
	codes := []string{recert.EBADREQUEST, recert.EINVALID, recert.ENOTFOUND, recert.ECONFLICT, recert.EPRECONDITION,
		recert.EUNAUTHORIZED, recert.EFORBIDDEN, recert.ETOOLARGE, recert.ERATELIMITED, recert.EUNAVAILABLE, recert.EINTERNAL, recert.EGONE}
	for _, code := range codes {
		if _, ok := problemKinds[code]; !ok {
			t.Errorf("error code %s has no problem type", code)
		}
	}
	spec, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	documented := spec.Components.Schemas["Problem"].Value.Properties["type"].Value.Description
	slug := regexp.MustCompile(`^[a-z][a-z-]*$`)
	seen := map[string]bool{}
	for code, k := range problemKinds {
		if !slug.MatchString(k.slug) || seen[k.slug] {
			t.Errorf("%s: type %q is not a unique lower-case name", code, k.slug)
		}
		seen[k.slug] = true
		if http.StatusText(k.status) == "" || k.what == "" || k.todo == "" {
			t.Errorf("%s: status %d, or its page says nothing", code, k.status)
		}
		row := "`…/problems/" + k.slug + "` | " + http.StatusText(k.status)
		if !strings.Contains(documented, "`…/problems/"+k.slug+"`") {
			t.Errorf("the contract's Problem.type does not list %s (%s)", k.slug, row)
		}
	}
	s := &Server{publicURL: "https://recert.example.org"}
	if got := s.problemTypeURI(http.StatusNotFound); got != "https://recert.example.org/problems/not-found" {
		t.Errorf("404 type = %q", got)
	}
	if got := s.problemTypeURI(http.StatusTeapot); got != "about:blank" {
		t.Errorf("a status no code answers has type %q, want about:blank", got)
	}
}
