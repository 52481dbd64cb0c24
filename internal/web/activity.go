package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// activityData is one of the member's activities: what is on file, its documents, and the
// correction form with what was typed.
type activityData struct {
	Activity activityRow
	Types    [][2]string
	Form     activityForm
}

// Reviewed reports whether an administrator has decided the activity, which a correction
// sends back to review.
func (d activityData) Reviewed() bool { return d.Activity.ReviewStatus != recert.ReviewPending }

// memberActivity is the signed-in member's activity named in the path; another member's, or
// none, is not found.
func (p *Pages) memberActivity(c echo.Context) (recert.User, recert.Activity, error) {
	u, _ := p.user(c)
	a, err := p.store.Activity(ctxOf(c), c.Param("activity_id"))
	if err == nil && (u.MemberID == "" || a.MemberID != u.MemberID) {
		err = recert.Errorf(recert.ENOTFOUND, "no such activity")
	}
	return u, a, err
}

// activityFormOf is the correction form as the activity stands.
func activityFormOf(a recert.Activity) activityForm {
	f := activityForm{Type: a.Type, Date: a.Date.String(), Title: a.Title, CEUs: a.CEUs.String(), Provider: a.Provider, Citation: a.Citation}
	if a.PostTestScore != nil {
		f.Score = strconv.Itoa(*a.PostTestScore)
	}
	return f
}

// activityPageData is the page of activity a, with the correction form f.
func (p *Pages) activityPageData(c echo.Context, a recert.Activity, f activityForm) (activityData, error) {
	docs, err := p.store.ActivityEvidence(ctxOf(c), []string{a.ID})
	if err != nil {
		return activityData{}, err
	}
	return activityData{Activity: activityRow{Activity: a, TypeWords: ledger.ActivityWords(a.Type), Evidence: docs[a.ID]}, Types: ledger.ActivityTypes(), Form: f}, nil
}

// activityPage shows one of the member's activities: its documents, a document to attach,
// the correction form and the withdrawal.
func (p *Pages) activityPage(c echo.Context) error {
	_, a, err := p.memberActivity(c)
	if err != nil {
		return p.fail(c, err)
	}
	d, err := p.activityPageData(c, a, activityFormOf(a))
	if err != nil {
		return p.fail(c, err)
	}
	return p.render(c, http.StatusOK, "activity", a.Title, d)
}

// activityAgain shows the activity's page with err said on its forms, and f as typed.
func (p *Pages) activityAgain(c echo.Context, a recert.Activity, f activityForm, err error) error {
	d, derr := p.activityPageData(c, a, f)
	if derr != nil {
		return p.fail(c, derr)
	}
	return p.redo(c, err, "activity", a.Title, d)
}

// withdrawnActivity is the answer to a change asked of a withdrawn activity.
func withdrawnActivity() error {
	return recert.Errorf(recert.ECONFLICT, "this activity is withdrawn: it can no longer be changed")
}

// correctActivity replaces the activity with the form, by the API's rules: a reviewed
// activity goes back to review.
func (p *Pages) correctActivity(c echo.Context) error {
	u, a, err := p.memberActivity(c)
	if err != nil {
		return p.fail(c, err)
	}
	f := readActivityForm(c)
	if a.Withdrawn {
		return p.activityAgain(c, a, f, withdrawnActivity())
	}
	in, err := activityOf(f, a, u)
	if err != nil {
		return p.activityAgain(c, a, f, err)
	}
	if _, err := p.records.ReplaceActivity(ctxOf(c), a.ID, in, u.ID); err != nil {
		return p.activityAgain(c, a, f, err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/activities/"+a.ID+"?done=activity-corrected")
}

// withdrawActivity withdraws the activity: it stops counting and stays on record.
func (p *Pages) withdrawActivity(c echo.Context) error {
	u, a, err := p.memberActivity(c)
	if err != nil {
		return p.fail(c, err)
	}
	if err := p.records.WithdrawActivity(ctxOf(c), a.ID, u.ID); err != nil {
		return p.activityAgain(c, a, activityFormOf(a), err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/activities?done=activity-withdrawn")
}

// attachEvidence attaches a document to the activity, by the report form's rules: a PDF,
// JPEG or PNG of at most 10 MB.
func (p *Pages) attachEvidence(c echo.Context) error {
	u, a, err := p.memberActivity(c)
	if err != nil {
		return p.fail(c, err)
	}
	doc, err := upload(c, "evidence")
	switch {
	case a.Withdrawn:
		err = withdrawnActivity()
	case err == nil && doc == nil:
		err = ledger.FieldError("#/evidence", "choose the document to attach")
	case err == nil:
		_, err = p.records.AddEvidence(ctxOf(c), recert.Evidence{MemberID: a.MemberID, ActivityID: a.ID}, doc, u.ID)
	}
	if err != nil {
		return p.activityAgain(c, a, activityFormOf(a), evidenceProblem(err))
	}
	return c.Redirect(http.StatusSeeOther, "/app/activities/"+a.ID+"?done=document-attached")
}
