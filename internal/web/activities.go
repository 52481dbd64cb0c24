package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// activityForm is the form that reports an activity, with what was typed.
type activityForm struct {
	Type, Date, Title, CEUs, Minutes, Score, Provider, Citation string
}

type activitiesData struct {
	Activities []activityRow
	Types      [][2]string
	Form       activityForm
}

type activityRow struct {
	recert.Activity
	TypeWords string
	Evidence  []recert.Evidence
}

// activities lists the member's reported activities and the form to report one.
func (p *Pages) activities(c echo.Context) error {
	d, err := p.activitiesData(c, activityForm{Type: "publication"})
	if err != nil {
		return p.fail(c, err)
	}
	return p.render(c, http.StatusOK, "activities", "Your activities", d)
}

func (p *Pages) activitiesData(c echo.Context, f activityForm) (activitiesData, error) {
	u, _ := p.user(c)
	d := activitiesData{Types: ledger.ActivityTypes(), Form: f}
	if u.MemberID == "" {
		return d, nil
	}
	ctx := ctxOf(c)
	list, _, err := p.store.Activities(ctx, u.MemberID, recert.Page{Limit: 200}, false)
	if err != nil {
		return d, err
	}
	ids := make([]string, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	docs, err := p.store.ActivityEvidence(ctx, ids)
	if err != nil {
		return d, err
	}
	for _, a := range list {
		d.Activities = append(d.Activities, activityRow{Activity: a, TypeWords: ledger.ActivityWords(a.Type), Evidence: docs[a.ID]})
	}
	return d, nil
}

// addActivity records an activity and its document together, by the API's rules: nothing is
// stored when either is wrong.
func (p *Pages) addActivity(c echo.Context) error {
	u, _ := p.user(c)
	f := readActivityForm(c)
	again := func(err error) error {
		d, derr := p.activitiesData(c, f)
		if derr != nil {
			return p.fail(c, derr)
		}
		return p.redo(c, err, "activities", "Your activities", d)
	}
	if u.MemberID == "" {
		return p.fail(c, recert.Errorf(recert.ENOTFOUND, "no member record"))
	}
	a, err := activityOf(f, recert.Activity{}, u)
	if err != nil {
		return again(err)
	}
	a.MemberID = u.MemberID
	doc, err := upload(c, "evidence")
	if err != nil {
		return again(evidenceProblem(err))
	}
	if _, err := p.records.ReportActivity(ctxOf(c), a, doc, u.ID); err != nil {
		return again(evidenceProblem(err))
	}
	return c.Redirect(http.StatusSeeOther, "/app/activities?done=activity-added")
}

// readActivityForm is what the activity form was sent with.
func readActivityForm(c echo.Context) activityForm {
	return activityForm{Type: c.FormValue("type"), Date: c.FormValue("date"), Title: c.FormValue("title"), CEUs: strings.TrimSpace(c.FormValue("ceus")),
		Minutes: strings.TrimSpace(c.FormValue("minutes")), Score: strings.TrimSpace(c.FormValue("post_test_score")),
		Provider: strings.TrimSpace(c.FormValue("provider")), Citation: strings.TrimSpace(c.FormValue("citation"))}
}

// activityOf applies the ledger's rules for the caller to the form, every problem at once.
// What the form does not show (the category of an activity of kind other, the approvals,
// the topics, the documentation) is kept from was, the activity corrected, if any.
func activityOf(f activityForm, was recert.Activity, u recert.User) (recert.Activity, error) {
	in, problems := activityInput(f)
	in.ApprovalRef, in.ApprovedBy, in.Topics = was.ApprovalRef, was.ApprovedBy, was.Topics
	if was.Type != "" && was.Type == in.Type {
		in.Category = was.Category
	}
	// Only an administrator marks documentation verified: corrected by its member, a
	// verified document is attached again, for the review to see.
	in.DocumentationStatus = was.DocumentationStatus
	if in.DocumentationStatus == "verified" && u.Role != recert.RoleAdmin {
		in.DocumentationStatus = "attached"
	}
	a, err := ledger.NewActivity(in, u.Role == recert.RoleAdmin)
	if !problems.Merge(err) {
		return a, err
	}
	return a, problems.Err()
}

// activityInput reads the form's fields into the ledger's input, with the problems of what
// does not read as a date or a number. A field it finds unreadable is given a value the
// ledger takes, so that each field is said to be wrong once, in the form's words.
func activityInput(f activityForm) (ledger.ActivityInput, ledger.Problems) {
	in := ledger.ActivityInput{Type: f.Type, Title: f.Title, Provider: f.Provider, Citation: f.Citation}
	var p ledger.Problems
	if f.Date != "" {
		t, err := time.Parse(time.DateOnly, f.Date)
		if err != nil {
			p.Add("#/date", "a date such as 2026-03-31")
		}
		in.Date = recert.DateOf(t)
	}
	if f.CEUs != "" {
		in.CEUs = &f.CEUs
	}
	if f.Minutes != "" {
		if n, err := strconv.Atoi(f.Minutes); err != nil || n < 1 || n > 100000 {
			p.Add("#/minutes", "a whole number of minutes, from 1 to 100,000")
			in.Minutes = 50
		} else {
			in.Minutes = n
		}
	}
	if f.Score != "" {
		n, err := strconv.Atoi(f.Score)
		if err != nil {
			p.Add("#/post_test_score", "a score from 0 to 100")
		}
		in.PostTestScore = &n
	}
	return in, p
}

// evidenceProblem is err said of the form's document field, when it is the document's: its
// content or its size.
func evidenceProblem(err error) error {
	var e *recert.Error
	if !errors.As(err, &e) {
		return err
	}
	if e.Code == recert.ETOOLARGE || e.Code == recert.EINVALID && len(e.Fields) == 1 && e.Fields[0].Pointer == "#" {
		detail := e.Message
		if len(e.Fields) == 1 {
			detail = e.Fields[0].Detail
		}
		return ledger.FieldError("#/evidence", detail)
	}
	return err
}

// upload is the form's file, or nil when none was chosen.
func upload(c echo.Context, field string) ([]byte, error) {
	fh, err := c.FormFile(field)
	if err != nil || fh.Size == 0 {
		return nil, nil
	}
	f, err := fh.Open()
	if err != nil {
		return nil, recert.Wrap(err, recert.EBADREQUEST, "the file could not be read")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, ledger.EvidenceLimit+1))
	if err != nil {
		return nil, recert.Wrap(err, recert.EBADREQUEST, "the file could not be read")
	}
	return data, nil
}

// memberEvidence downloads one of the member's own documents.
func (p *Pages) memberEvidence(c echo.Context) error {
	u, _ := p.user(c)
	ev, err := p.store.Evidence(ctxOf(c), c.Param("evidence_id"))
	if err == nil && (u.MemberID == "" || ev.MemberID != u.MemberID) {
		err = recert.Errorf(recert.ENOTFOUND, "no such document")
	}
	if err != nil {
		return p.fail(c, err)
	}
	return sendEvidence(c, ev)
}

func sendEvidence(c echo.Context, ev recert.Evidence) error {
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+ev.ID+map[string]string{"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}[ev.ContentType]+`"`)
	return c.Blob(http.StatusOK, ev.ContentType, ev.Data)
}

// clinicalLines is how many cases the clinical form offers at once.
const clinicalLines = 6

type clinicalLine struct{ Date, Type, Role, Count, Ref string }

type clinicalData struct {
	Lines   []clinicalLine
	Types   [][2]string
	Entries []clinicalEntry
}

type clinicalEntry struct {
	recert.ClinicalEntry
	TypeWords string
}

// clinical shows the clinical case log and a form for several cases at once.
func (p *Pages) clinical(c echo.Context) error {
	d, err := p.clinicalData(c, make([]clinicalLine, clinicalLines))
	if err != nil {
		return p.fail(c, err)
	}
	return p.render(c, http.StatusOK, "clinical", "Your clinical log", d)
}

func (p *Pages) clinicalData(c echo.Context, lines []clinicalLine) (clinicalData, error) {
	u, _ := p.user(c)
	for i := range lines {
		if lines[i].Role == "" {
			lines[i].Role = "primary"
		}
		if lines[i].Type == "" {
			lines[i].Type = "bypass_primary"
		}
	}
	d := clinicalData{Lines: lines, Types: ledger.ClinicalTypes()}
	if u.MemberID == "" {
		return d, nil
	}
	list, err := p.store.ClinicalEntries(ctxOf(c), u.MemberID, recert.Date{}, recert.Date{})
	if err != nil {
		return d, err
	}
	for i := len(list) - 1; i >= 0 && len(d.Entries) < 100; i-- { // newest first
		d.Entries = append(d.Entries, clinicalEntry{ClinicalEntry: list[i], TypeWords: ledger.ClinicalWords(list[i].Type)})
	}
	return d, nil
}

// logClinical logs the filled lines of the form, all or none; every problem of every line is
// said at once, beside its input, by the line's number on the form.
func (p *Pages) logClinical(c echo.Context) error {
	u, _ := p.user(c)
	lines := make([]clinicalLine, clinicalLines)
	var in []ledger.ClinicalInput
	var unread ledger.Problems // what does not read as a date or a number
	for i := range lines {
		n := strconv.Itoa(i)
		l := clinicalLine{Date: strings.TrimSpace(c.FormValue("date" + n)), Type: c.FormValue("type" + n), Role: c.FormValue("role" + n),
			Count: strings.TrimSpace(c.FormValue("count" + n)), Ref: strings.TrimSpace(c.FormValue("ref" + n))}
		lines[i] = l
		if l.Date == "" && l.Ref == "" && l.Count == "" {
			continue // a line left blank
		}
		ci := ledger.ClinicalInput{Type: l.Type, Role: l.Role, CaseReference: l.Ref, Line: i + 1}
		if t, err := time.Parse(time.DateOnly, l.Date); err == nil {
			ci.Date = recert.DateOf(t)
		} else if l.Date != "" {
			unread.Add("#/lines/"+n+"/date", "a date such as 2026-03-31")
		}
		if l.Count != "" {
			if ci.Count, _ = strconv.Atoi(l.Count); ci.Count == 0 {
				ci.Count = -1 // not a number: the ledger says what it must be
			}
		}
		in = append(in, ci)
	}
	var err error
	switch {
	case len(in) == 0:
		err = recert.Errorf(recert.EINVALID, "fill in at least one line: the date, the kind of case and your role")
	case u.MemberID == "":
		err = recert.Errorf(recert.EINVALID, "this account has no member record")
	case len(unread) > 0:
		unread.Merge(ledger.CheckClinical(u.MemberID, in))
		err = unread.Err()
	default:
		_, err = p.records.LogClinical(ctxOf(c), u.MemberID, in, u.ID)
	}
	if err != nil {
		d, derr := p.clinicalData(c, lines)
		if derr != nil {
			return p.fail(c, derr)
		}
		return p.redo(c, err, "clinical", "Your clinical log", d)
	}
	return c.Redirect(http.StatusSeeOther, "/app/clinical?done=clinical-logged")
}
