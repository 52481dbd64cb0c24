package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/recert"
)

// recordsStore is what the pages of members' own records read and write beyond Store.
type recordsStore interface {
	Activities(ctx context.Context, memberID string, p recert.Page, counting bool) ([]recert.Activity, string, error)
	ClinicalEntries(ctx context.Context, memberID string, from, to recert.Date) ([]recert.ClinicalEntry, error)
	Evidence(ctx context.Context, id string) (recert.Evidence, error)
	// ActivityEvidence lists the documents of the activities, without their bytes.
	ActivityEvidence(ctx context.Context, activityIDs []string) (map[string][]recert.Evidence, error)
	// ReviewQueue lists the activities awaiting review, oldest first.
	ReviewQueue(ctx context.Context, limit int) ([]recert.Activity, error)
	// OpenDisputes lists the open disputes about the events of the scope's organizations.
	OpenDisputes(ctx context.Context, scope recert.Scope, limit int) ([]recert.Dispute, error)
	// DecidedDisputes lists the decided ones, the latest decision first.
	DecidedDisputes(ctx context.Context, scope recert.Scope, limit int) ([]recert.Dispute, error)
	Dispute(ctx context.Context, id string) (recert.Dispute, error)
	// MemberDisputes lists a member's disputes, newest first.
	MemberDisputes(ctx context.Context, memberID string) ([]recert.Dispute, error)
	DeadlineReminders(ctx context.Context, userID string) (bool, error)
}

// mountRecords adds the pages of members' own records: m for members, o for organizers (and
// administrators), a for administrators.
func (p *Pages) mountRecords(m, o, a *echo.Group) {
	m.GET("/activities", p.activities)
	m.POST("/activities", p.addActivity)
	m.GET("/activities/evidence/:evidence_id", p.memberEvidence)
	m.GET("/activities/:activity_id", p.activityPage)
	m.POST("/activities/:activity_id", p.correctActivity)
	m.POST("/activities/:activity_id/withdraw", p.withdrawActivity)
	m.POST("/activities/:activity_id/evidence", p.attachEvidence)
	m.GET("/clinical", p.clinical)
	m.POST("/clinical", p.logClinical)
	m.GET("/dispute", p.disputePage)
	m.POST("/dispute", p.fileDispute)
	m.GET("/catalogue", p.catalogue)
	m.GET("/catalogue/:event_id", p.whatIf)
	m.GET("/report", p.report)
	m.GET("/report.csv", p.reportCSV)
	m.GET("/report.pdf", p.reportPDF)
	m.GET("/report/audit-packet.zip", p.auditPacket)
	m.GET("/profile", p.profile)
	m.POST("/profile", p.saveProfile)
	m.POST("/profile/calendar", p.calendarAddress)
	m.GET("/shares", p.shares)
	m.POST("/shares", p.createShare)
	m.POST("/shares/:share_link_id/revoke", p.revokeShare)
	m.POST("/profile/email", p.requestEmailChange)
	m.GET("/preferences", p.preferencesPage)
	m.POST("/preferences", p.setPreferences)

	o.GET("/dispute-inbox", p.disputeInbox)
	o.POST("/dispute-inbox/:dispute_id", p.decideDispute)

	a.GET("/review", p.reviewQueue)
	a.POST("/review/:activity_id", p.review)
	a.GET("/review/evidence/:evidence_id", p.reviewEvidence)
}

// redo shows a form page again with what was wrong with its input; any other failure is
// the error page.
func (p *Pages) redo(c echo.Context, err error, name, title string, data any) error {
	if onForm(c, err) {
		return p.render(c, http.StatusBadRequest, name, title, data)
	}
	return p.fail(c, err)
}

// noReferrer keeps the token in a link's address from leaking to other sites.
func noReferrer(c echo.Context) { c.Response().Header().Set("Referrer-Policy", "no-referrer") }

type claimForm struct {
	Token, Email string
	Usable       bool
}

// claimPage is where the invitation e-mail leads: choose the login of a member record.
func (p *Pages) claimPage(c echo.Context) error {
	noReferrer(c)
	f := claimForm{Token: c.QueryParam("token")}
	if err := p.links.CheckClaim(ctxOf(c), f.Token); err != nil {
		return p.redo(c, err, "claim", "Claim your record", f)
	}
	f.Usable = true
	return p.render(c, http.StatusOK, "claim", "Claim your record", f)
}

// claim creates the member's login as the API's claim does, under the sign-in limits, and
// signs them in.
func (p *Pages) claim(c echo.Context) error {
	noReferrer(c)
	f := claimForm{Token: c.FormValue("token"), Email: strings.TrimSpace(c.FormValue("email")), Usable: true}
	if err := p.limit(c); err != nil {
		return p.fail(c, err)
	}
	u, err := p.links.Claim(ctxOf(c), f.Token, f.Email, c.FormValue("password"))
	if err != nil {
		f.Usable = recert.ErrorCode(err) != recert.EINVALID || !strings.Contains(message(err), "claim token")
		return p.redo(c, err, "claim", "Claim your record", f)
	}
	if u, err = p.store.User(ctxOf(c), u.ID); err != nil {
		return p.fail(c, err)
	}
	if err := p.startSession(c, u); err != nil {
		return p.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/dashboard?done=claimed")
}

type resetForm struct {
	Token  string
	Usable bool
}

// resetPage is where the password reset e-mail leads; a used or expired link says so at once.
func (p *Pages) resetPage(c echo.Context) error {
	noReferrer(c)
	f := resetForm{Token: c.QueryParam("token")}
	var err error
	if f.Usable, err = p.resetUsable(c, f.Token); err != nil {
		return p.fail(c, err)
	}
	return p.render(c, http.StatusOK, "reset", "Choose a new password", f)
}

// reset sets the new password as the API's reset does; every sign-in ends, and the apps
// the member approved are disconnected only if they ticked the box.
func (p *Pages) reset(c echo.Context) error {
	noReferrer(c)
	f := resetForm{Token: c.FormValue("token"), Usable: true}
	if err := p.limit(c); err != nil {
		return p.fail(c, err)
	}
	if _, err := p.links.ResetPassword(ctxOf(c), f.Token, c.FormValue("password"), c.FormValue("end_app_grants") == "yes"); err != nil {
		f.Usable = recert.ErrorCode(err) != recert.EINVALID || !strings.Contains(message(err), "reset token")
		return p.redo(c, err, "reset", "Choose a new password", f)
	}
	c.SetCookie(p.cookie(sessionCookie, "", -1))
	return c.Redirect(http.StatusSeeOther, "/app/sign-in?done=password-set")
}

// limit counts an attempt with an e-mailed link against the client address's sign-in limit,
// as the API's claim and reset do.
func (p *Pages) limit(c echo.Context) error {
	wait, err := p.allow(c, "ip:"+c.RealIP())
	if err == nil && wait > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(wait))
		err = recert.Errorf(recert.ERATELIMITED, "Too many attempts. Try again in %d seconds.", wait)
	}
	return err
}

// preferencesPage shows the reminder preferences.
func (p *Pages) preferencesPage(c echo.Context) error {
	u, _ := p.user(c)
	on, err := p.store.DeadlineReminders(ctxOf(c), u.ID)
	if err != nil {
		return p.fail(c, err)
	}
	return p.render(c, http.StatusOK, "preferences", "Reminders", on)
}

// setPreferences saves them, as the API's UpdateMe does.
func (p *Pages) setPreferences(c echo.Context) error {
	u, _ := p.user(c)
	if err := p.registry.SetDeadlineReminders(ctxOf(c), u.ID, c.FormValue("deadline_reminders") == "on"); err != nil {
		return p.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/preferences?done=preferences-saved")
}
