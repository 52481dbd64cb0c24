package web_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// rejectedActivity is the world's activity an administrator rejected.
func (w *world) rejectedActivity(t *testing.T) recert.Activity {
	t.Helper()
	list := activityTitled(t, w.env.Store, w.renee.ID, "Case report on circuit priming")
	if len(list) != 1 {
		t.Fatalf("the world's rejected activity: %+v", list)
	}
	return list[0]
}

// countedCEUs are the CEUs the member's current ABCP period counts, as the API evaluates
// the member's progress.
func (w *world) countedCEUs(t *testing.T) string {
	t.Helper()
	res, err := w.env.Client.GetMemberProgressWithResponse(context.Background(), w.renee.ID, &api.GetMemberProgressParams{}, w.bearer(t, w.admin))
	if err != nil || res.StatusCode() != http.StatusOK {
		t.Fatalf("progress: %v %s", err, res.Body)
	}
	var p struct {
		Programs []struct {
			ProgramID string `json:"program_id"`
			Periods   []struct {
				Relation string
				Counted  json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(res.Body, &p); err != nil {
		t.Fatal(err)
	}
	for _, prog := range p.Programs {
		for _, per := range prog.Periods {
			if prog.ProgramID == "abcp-ccp-ceu" && per.Relation == "current" {
				return strings.Trim(string(per.Counted), `"`)
			}
		}
	}
	t.Fatalf("no current ABCP CEU period: %s", res.Body)
	return ""
}

// A member opens an activity, attaches a document, corrects it (a rejected activity goes back
// to review, with what the form does not show kept) and withdraws it, which takes it out of
// the progress; another member's activity is not found, for reading and for every change.
func TestActivityCorrectAttachAndWithdraw(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		ctx := context.Background()
		a := w.rejectedActivity(t)
		page := "/app/activities/" + a.ID
		b := w.browser(t)
		b.signIn(w.member)

		_, body := b.get("/app/activities")
		if !strings.Contains(body, `href="`+page+`"`) {
			t.Fatalf("the activities do not link to the activity:\n%s", body)
		}
		res, body := b.get(page)
		says(t, "the activity's page", res, body, 200, "once corrected, it goes back to review")
		for _, want := range []string{`value="Case report on circuit priming"`, `value="2.00"`, `value="2026-11-10"`, `<option value="publication" selected>`,
			"<details", "no longer counts toward your progress", `action="` + page + `/withdraw"`, `action="` + page + `/evidence"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %s", want)
			}
		}

		// Another member, an organizer and an unknown id: not found, and nothing changes.
		_, token := w.invite(t, "Jo Doe", "jo@example.org")
		o := w.browser(t)
		if res, _ := o.post("/app/claim", url.Values{"token": {token}, "email": {"jo@example.org"}, "password": {apitest.Password}}); res.StatusCode != http.StatusSeeOther {
			t.Fatal("Jo cannot claim")
		}
		good := func() url.Values {
			return url.Values{"type": {"publication"}, "title": {"Stolen"}, "date": {"2026-11-10"}, "ceus": {"9"}}
		}
		for name, res := range map[string]*http.Response{
			"read":     first(o.get(page)),
			"correct":  first(o.post(page, good())),
			"withdraw": first(o.post(page+"/withdraw", url.Values{})),
			"attach":   first(o.form(page+"/evidence", url.Values{}, "evidence", "a.pdf", pdf)),
			"unknown":  first(b.get("/app/activities/act_aaaaaaaaaaaaaaaaaaaaaaaa")),
		} {
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("another member's activity, %s: %d, want 404", name, res.StatusCode)
			}
		}
		org := w.browser(t)
		org.signIn(w.organizer)
		if res, _ := org.get(page); res.StatusCode != http.StatusNotFound {
			t.Errorf("an organizer on a member's activity: %d", res.StatusCode)
		}
		if got, _ := st.Activity(ctx, a.ID); got.Version != a.Version {
			t.Fatalf("others changed the activity: %+v", got)
		}

		// Attach a document: a wrong one is said beside the field, nothing stored.
		res, body = b.form(page+"/evidence", url.Values{}, "evidence", "notes.pdf", []byte("just some text"))
		says(t, "a document that is not a PDF", res, body, 400, "not a PDF, JPEG or PNG document")
		if !strings.Contains(body, `id="evidence-problem"`) || strings.Count(body, `aria-invalid="true"`) != 1 {
			t.Errorf("the problem is not beside the document field:\n%s", body)
		}
		big := append(append([]byte{}, pdf...), make([]byte, 10<<20)...)
		res, body = b.form(page+"/evidence", url.Values{}, "evidence", "huge.pdf", big)
		says(t, "a document over 10 MB", res, body, 400, "larger than 10 MB")
		res, body = b.form(page+"/evidence", url.Values{}, "evidence", "", nil)
		says(t, "no document", res, body, 400, "choose the document to attach")
		if docs, _ := st.ActivityEvidence(ctx, []string{a.ID}); len(docs[a.ID]) != 0 {
			t.Fatalf("bad documents stored: %+v", docs)
		}
		res, _ = b.form(page+"/evidence", url.Values{}, "evidence", "article.pdf", pdf)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page+"?done=document-attached" {
			t.Fatalf("attach a document: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		_, body = b.get(page + "?done=document-attached")
		says(t, "the attached document", res, body, 303, "The document is attached")
		link := regexp.MustCompile(`href="(/app/activities/evidence/[^"]+)"`).FindStringSubmatch(body)
		if link == nil {
			t.Fatalf("no link to the document:\n%s", body)
		}
		if res, doc := b.get(link[1]); res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || doc != string(pdf) {
			t.Errorf("download the document: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if res, _ := o.get(link[1]); res.StatusCode != http.StatusNotFound {
			t.Errorf("another member downloading the document: %d", res.StatusCode)
		}
		if got, _ := st.Activity(ctx, a.ID); got.DocumentationStatus != "attached" {
			t.Errorf("documentation after attaching: %s", got.DocumentationStatus)
		}
		if got := w.countedCEUs(t); got != "0.00" {
			t.Errorf("with the rejected activity, the period counts %s CEUs, want 0.00", got)
		}

		// Correct it: every problem at once, beside its field, with what was typed kept.
		bad := url.Values{"type": {"publication"}, "title": {""}, "date": {"last spring"}, "ceus": {"lots"}, "provider": {"Journal of ECT"}}
		res, body = b.post(page, bad)
		text := html.UnescapeString(body)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(text, "3 things to correct") {
			t.Fatalf("three problems: %d\n%s", res.StatusCode, text)
		}
		for _, want := range []string{`<a href="#title">Title</a>: give a title`, `<a href="#date">Date</a>: a date such as 2026-03-31`,
			`<a href="#ceus">CEUs</a>: must be more than zero`, `id="title-problem"`, `id="date-problem"`, `id="ceus-problem"`} {
			if n := strings.Count(text, want); n != 1 {
				t.Errorf("%q shown %d times, want once", want, n)
			}
		}
		if n := strings.Count(body, `aria-invalid="true"`); n != 3 {
			t.Errorf("%d fields marked invalid, want 3", n)
		}
		for _, want := range []string{`aria-describedby="ceus-problem ceus-hint"`, `value="lots"`, `value="last spring"`, `value="Journal of ECT"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the form lacks %s", want)
			}
		}
		if got, _ := st.Activity(ctx, a.ID); got.Title != a.Title {
			t.Fatalf("a bad correction changed the activity: %+v", got)
		}
		res, _ = b.post(page, url.Values{"type": {"publication"}, "title": {"Case report on circuit priming in neonates"}, "date": {"2026-11-12"},
			"ceus": {"3"}, "citation": {"Roy R. J Extra Corpor Technol. 2026;58:10-14."}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page+"?done=activity-corrected" {
			t.Fatalf("correct the activity: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		got, _ := st.Activity(ctx, a.ID)
		if got.Title != "Case report on circuit priming in neonates" || got.CEUs != 300 || got.Date != (recert.Date{Year: 2026, Month: 11, Day: 12}) ||
			got.Citation != "Roy R. J Extra Corpor Technol. 2026;58:10-14." || got.Category != "I" ||
			got.ReviewStatus != recert.ReviewPending || got.ReviewReason != "" || got.DocumentationStatus != "attached" || got.UpdatedBy == "test" {
			t.Errorf("the corrected activity: %+v", got)
		}
		_, body = b.get(page + "?done=activity-corrected")
		if !strings.Contains(body, "The activity is corrected") || !strings.Contains(body, "awaiting review") {
			t.Errorf("after the correction the page reads:\n%s", body)
		}
		if got := w.countedCEUs(t); got != "3.00" {
			t.Errorf("with the corrected activity back in review, the period counts %s CEUs, want 3.00", got)
		}

		// Withdraw it: it stays on record, out of the progress, and can no longer be changed.
		res, _ = b.post(page+"/withdraw", url.Values{})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/app/activities?done=activity-withdrawn" {
			t.Fatalf("withdraw: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if got, _ := st.Activity(ctx, a.ID); !got.Withdrawn {
			t.Error("the activity is not withdrawn")
		}
		if got := w.countedCEUs(t); got != "0.00" {
			t.Errorf("with the activity withdrawn, the period counts %s CEUs, want 0.00", got)
		}
		_, body = b.get("/app/activities?done=activity-withdrawn")
		if !strings.Contains(body, "The activity is withdrawn") || strings.Contains(body, `href="`+page+`"`) || !strings.Contains(body, "withdrawn</td>") {
			t.Errorf("after the withdrawal the activities read:\n%s", body)
		}
		res, body = b.post(page, good())
		says(t, "correcting a withdrawn activity", res, body, 400, "this activity is withdrawn")
		res, body = b.form(page+"/evidence", url.Values{}, "evidence", "article.pdf", pdf)
		says(t, "attaching to a withdrawn activity", res, body, 400, "this activity is withdrawn")
		if _, body = b.get(page); strings.Contains(body, "Save the correction") || !strings.Contains(body, "withdrawn: it does not count") {
			t.Errorf("the withdrawn activity's page:\n%s", body)
		}
	})
}

// first is a response without its body.
func first(res *http.Response, _ string) *http.Response { return res }
