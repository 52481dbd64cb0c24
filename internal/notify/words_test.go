package notify_test

import (
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/notify"
)

// Every template, rendered with every optional part shown, speaks people's words: no internal
// unit, API path or HTTP verb, and it greets the person by name.
func TestTemplatesSpeakPeoplesWords(t *testing.T) {
	names, err := fs.Glob(os.DirFS("templates"), "*.txt")
	if err != nil || len(names) < 9 {
		t.Fatalf("templates: %v %v", names, err)
	}
	forbidden := []string{"ceu50", "hour60", "/v1/", "PATCH", "POST ", "PUT ", "DELETE ", "<no value>"}
	for _, name := range names {
		kind := strings.TrimSuffix(name, ".txt")
		for _, d := range []notify.Data{
			{Name: "Jo Member", Member: "Jo Member", Event: "Fall Symposium", Activity: "Case report", CEUs: "5.50", Decision: "accepted",
				Reason: "left at noon", Link: "https://recert.example.org/app/credits", Program: "ABCP CCP", Date: "15 January 2027", Days: 7,
				Remaining: "7.50", Unit: "CEUs", Report: true, Claim: true, RevokedOn: "2 October 2026", Webhook: "whk_1",
				Preferences: "https://recert.example.org/app/preferences"},
			{Name: "Jo Member", Member: "Jo Member", Event: "Fall Symposium", Activity: "Case report", CEUs: "5.50", Decision: "rejected",
				Link: "https://recert.example.org/app/credits", Program: "ABCP CCP", Date: "15 January 2027", Days: 7, Remaining: "7.50", Unit: "CEUs",
				Preferences: "https://recert.example.org/app/preferences"},
		} {
			subject, text, html, err := notify.Render(kind, d)
			if err != nil {
				t.Fatalf("%s: %v", kind, err)
			}
			for _, part := range []string{subject, text, html} {
				for _, f := range forbidden {
					if strings.Contains(part, f) {
						t.Errorf("%s says %q: %s", kind, f, part)
					}
				}
			}
			for _, part := range []string{text, html} {
				if !strings.Contains(part, "Hello Jo Member,") || !strings.Contains(part, "https://recert.example.org/app/") {
					t.Errorf("%s: no greeting by name or no page to act on: %s", kind, part)
				}
			}
		}
	}
}
