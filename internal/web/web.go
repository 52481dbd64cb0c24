// Package web serves Recert's pages for people under /app: server-rendered HTML over the same
// use cases as the API (internal/ledger) and the same store, with a cookie session.
package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// RateLimit is a token bucket: Burst attempts at once, refilled at PerMinute a minute.
type RateLimit struct {
	PerMinute float64
	Burst     int
}

// Options configure the pages.
type Options struct {
	Store Store
	// Keys sign the session cookies; they are the service's token keys.
	Keys *auth.KeySet
	// PublicURL is the service's base URL; https makes the cookies Secure.
	PublicURL string
	// SessionTTL is how long a session lasts without a request; zero: as long as the keys
	// keep a rotated-out key (the access tokens' lifetime). Each page seen in the second half
	// of that time renews it.
	SessionTTL time.Duration
	// PasswordParams is the cost of the hash checked when an account does not exist.
	PasswordParams auth.Argon2Params
	// IPLimit and AccountLimit are the sign-in limits; the token endpoint shares their counts.
	IPLimit, AccountLimit RateLimit
	Logger                *slog.Logger
	Now                   func() time.Time
	// Outbox tells people what the pages changed, as the API does; nil: nobody is told.
	Outbox ledger.Outbox
	// CheckInKey signs members' check-in codes; zero: no check-in card is shown.
	CheckInKey auth.SigningKey
	// Ledger is the use cases, shared with the API and the jobs; nil: built here over Store,
	// with Outbox, PasswordParams and Now.
	Ledger *ledger.Ledger
}

// Pages serves the web pages.
type Pages struct {
	store         Store
	sessions      *auth.Issuer
	keys          *auth.KeySet
	publicHost    string
	secure        bool
	ttl           time.Duration
	ip, acct      RateLimit
	dummyHash     string
	rosters       *ledger.Rosters
	presence      *ledger.Presence
	idem          *ledger.Idempotency
	progress      *ledger.Progress
	records       *ledger.Records
	credentials   *ledger.Credentials // nil: no credential can be issued
	evs           *ledger.Events
	attend        *ledger.Attendances
	accounts      *ledger.Accounts
	links         *ledger.Links
	registry      *ledger.Registry
	memberRecords *ledger.Members
	shareLinks    *ledger.Shares
	publicURL     string
	checkInKey    auth.SigningKey
	desk          *ledger.CheckInBatches
	volunteers    *ledger.Volunteers
	now           func() time.Time
	log           *slog.Logger
	pages         map[string]*template.Template
}

// sessionAudience is the aud claim of session cookies: they are not API access tokens.
const sessionAudience = "recert-app"

// New builds the pages.
func New(o Options) (*Pages, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SessionTTL == 0 {
		o.SessionTTL = o.Keys.Retention() - auth.Leeway
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Outbox == nil {
		o.Outbox = ledger.Discard{}
	}
	sessions, err := auth.NewIssuer(o.Keys, auth.IssuerConfig{Issuer: o.PublicURL, Audience: sessionAudience, TTL: o.SessionTTL, Now: o.Now})
	if err != nil {
		return nil, err
	}
	// Verifying against this hash when an account does not exist takes as long as a real check.
	dummy, err := auth.UnusableHash(o.PasswordParams)
	if err != nil {
		return nil, err
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	lg := o.Ledger
	if lg == nil {
		return nil, errors.New("web: Options.Ledger is required")
	}
	return &Pages{
		store: o.Store, sessions: sessions, keys: o.Keys, publicHost: hostOf(o.PublicURL), secure: isHTTPS(o.PublicURL), ttl: o.SessionTTL,
		ip: o.IPLimit, acct: o.AccountLimit, dummyHash: dummy,
		rosters: lg.Rosters, presence: lg.Presence, idem: lg.Idempotency, progress: lg.Progress, now: lg.Now, log: o.Logger, pages: pages,
		records: lg.Records, links: lg.Links, credentials: lg.Credentials, evs: lg.Events, attend: lg.Attendances, accounts: lg.Accounts, registry: lg.Registry, memberRecords: lg.Members, shareLinks: lg.Shares, publicURL: strings.TrimSuffix(o.PublicURL, "/"),
		checkInKey: o.CheckInKey, desk: lg.CheckInBatches, volunteers: lg.Volunteers,
	}, nil
}

func isHTTPS(u string) bool { return strings.HasPrefix(u, "https://") }

// hostOf is the host:port of the public URL, to which a request's Origin may point.
func hostOf(publicURL string) string {
	u, err := url.Parse(publicURL)
	if err != nil {
		return ""
	}
	return u.Host
}

// Mount adds the pages' routes to e. Every page lives under /app.
func (p *Pages) Mount(e *echo.Echo) {
	assets, _ := fs.Sub(assetFS, "assets")
	e.GET("/app/assets/*", echo.WrapHandler(http.StripPrefix("/app/assets/", http.FileServerFS(assets))))

	g := e.Group("/app", p.csrf)
	g.GET("", p.home)
	g.GET("/", p.home)
	g.GET("/sign-in", p.signInPage)
	g.POST("/sign-in", p.signIn)
	g.POST("/sign-out", p.signOut)
	// The pages the e-mailed links open (see records.go).
	g.GET("/claim", p.claimPage)
	g.POST("/claim", p.claim)
	g.GET("/forgot", p.forgotPage)
	g.POST("/forgot", p.forgot)
	g.GET("/reset", p.resetPage)
	g.POST("/reset", p.reset)
	g.GET("/email", p.emailPage)
	g.POST("/email", p.confirmEmail)

	m := g.Group("", p.requireRole(recert.RoleMember))
	m.GET("/dashboard", p.dashboard)
	m.GET("/checkin-card", p.checkInCard)
	m.GET("/checkin", p.selfCheckInPage)
	m.POST("/checkin", p.selfCheckIn)
	m.POST("/checkin-card/reissue", p.reissueCheckInCard)
	m.GET("/credits", p.credits)
	m.GET("/credits.csv", p.creditsCSV)
	m.GET("/credits/:attendance_id/certificate.pdf", p.certificatePDF)
	m.GET("/credits/:attendance_id/linkedin", p.certificateLinkedIn)

	o := g.Group("", p.requireRole(recert.RoleOrganizer, recert.RoleAdmin))
	o.GET("/events", p.events)
	o.GET("/events/:event_id", p.event)
	o.GET("/standing", p.standing)
	o.POST("/events/:event_id/volunteers", p.inviteVolunteer)
	o.POST("/events/:event_id/volunteers/:volunteer_id/revoke", p.revokeVolunteer)
	// Check-in pages: an organizer of the event, or a volunteer invited to it (checkin.go).
	g.GET("/events/:event_id/scan", p.scanPage)
	g.POST("/events/:event_id/scan", p.scanSetup)
	g.POST("/events/:event_id/scan/manual", p.scanManual)
	g.GET("/events/:event_id/sessions/:session_id/code", p.projector)
	g.GET("/volunteer", p.volunteerPage)
	g.POST("/volunteer", p.claimVolunteer)
	// A check-in code's URL: what the phone's camera opens (see checkin.go).
	g.GET("/c/:token", p.code)
	g.POST("/c/:token", p.codeConfirm)
	o.GET("/events/:event_id/roster-template.csv", p.rosterTemplate)
	o.GET("/events/:event_id/attendance.csv", p.attendanceCSV)
	o.GET("/events/:event_id/certificates.pdf", p.eventCertificates)
	o.POST("/events/:event_id/roster", p.rosterPreview)
	o.POST("/events/:event_id/roster/confirm", p.rosterConfirm)
	o.POST("/events/:event_id/roster/skipped.csv", p.skippedCSV)
	o.POST("/events/:event_id/check-ins/preview", p.convertPreview)
	o.POST("/events/:event_id/check-ins/convert", p.convertCheckIns)
	o.POST("/attendance/:attendance_id/revoke", p.revoke)
	o.POST("/events/:event_id/cancel", p.cancelEvent)
	o.POST("/events/:event_id/postings/:posting_id/withdraw", p.withdrawPosting)

	a := g.Group("", p.requireRole(recert.RoleAdmin))
	a.GET("/members", p.members)
	a.GET("/members/:member_id", p.adminMember)
	a.POST("/members/:member_id", p.saveAdminMember)
	a.POST("/members/:member_id/invite", p.inviteMember)
	a.POST("/members/:member_id/sign-out", p.signOutMember)
	a.POST("/members/:member_id/check-in-code", p.replaceMemberCode)

	// The pages of members' own records (activities, clinical log, disputes, report), and the
	// pages that manage events, organizations and accounts.
	p.mountRecords(m, o, a)
	p.mountManage(m, o, a)
	p.mountApps(g, m, a)

	// Any other path under /app is a page that does not exist: say so as a page.
	g.Any("/*", func(c echo.Context) error { return p.fail(c, recert.Errorf(recert.ENOTFOUND, "no such page")) })
}

// home sends people to their role's first page, or to sign in.
func (p *Pages) home(c echo.Context) error {
	u, ok := p.user(c)
	if !ok {
		return c.Redirect(http.StatusSeeOther, "/app/sign-in")
	}
	return c.Redirect(http.StatusSeeOther, homeOf(u))
}

func homeOf(u recert.User) string {
	switch u.Role {
	case recert.RoleMember:
		return "/app/dashboard"
	case recert.RoleAdmin:
		return "/app/members"
	}
	return "/app/events"
}

// view is what every page template receives.
type view struct {
	Title string
	User  *recert.User
	CSRF  string
	Flash string
	Error string
	// Problems are the form's field problems, each shown beside its field.
	Problems []formProblem
	Data     any
	// Path is the request's path, for the navigation to mark the current page.
	Path string
	// Refresh, when not zero, reloads the page every so many seconds (a projector's code).
	Refresh int
}

// refresher is page data that asks to be reloaded, without JavaScript.
type refresher interface{ RefreshSeconds() int }

// render writes a page with status.
func (p *Pages) render(c echo.Context, status int, name, title string, data any) error {
	t, ok := p.pages[name]
	if !ok {
		return errors.New("no page " + name)
	}
	v := view{Title: title, CSRF: csrfToken(c), Data: data, Flash: flashes[c.QueryParam("done")],
		Path: c.Request().URL.Path}
	if r, ok := data.(refresher); ok {
		v.Refresh = r.RefreshSeconds()
	}
	if u, ok := p.user(c); ok {
		v.User = &u
	}
	if msg, ok := c.Get(errorKey).(string); ok {
		v.Error = msg
	}
	if msg, ok := c.Get(flashKey).(string); ok {
		v.Flash = msg
	}
	if ps, ok := c.Get(problemsKey).([]formProblem); ok {
		v.Problems = ps
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(status)
	return t.ExecuteTemplate(c.Response(), "layout", v)
}

const errorKey = "web.error"

// flashKey confirms what a page rendered in answer to a form did, where no redirect asks it to.
const flashKey = "web.flash"

// flashes are the confirmations a redirect may ask a page to show (?done=…).
var flashes = map[string]string{
	"app-revoked":        "The app's access is revoked.",
	"signed-out":         "You are signed out.",
	"posted":             "The roster is posted.",
	"converted":          "The check-ins are converted to credit.",
	"checked-in":         "You are checked in.",
	"checked-out":        "You are checked out.",
	"volunteer-revoked":  "The volunteer's access is withdrawn.",
	"checkin-reissued":   "Your check-in code is replaced: the old one no longer works.",
	"revoked":            "The attendance is revoked.",
	"corrected":          "The attendance is corrected.",
	"created":            "The event is created as a draft. Publish it when it is ready.",
	"saved":              "The event is saved.",
	"published":          "The event is published.",
	"org":                "The organization is created.",
	"organizer":          "The organizer's account is created.",
	"org-added":          "The organizer acts for this organization too.",
	"approved":           "The leave is approved.",
	"rejected":           "The leave is rejected.",
	"client-revoked":     "The API client is revoked.",
	"app-deleted":        "The app is deleted; no member is connected to it any more.",
	"claimed":            "Welcome: your login is ready and you are signed in.",
	"password-set":       "Your new password is set. Sign in with it.",
	"activity-added":     "The activity is recorded; an administrator reviews it.",
	"clinical-logged":    "The cases are logged.",
	"disputed":           "Your dispute is filed; the event's organizer decides it.",
	"decided":            "The dispute is decided; the member is told.",
	"reviewed":           "The activity is reviewed; the member is told.",
	"preferences-saved":  "Your preferences are saved.",
	"cancelled":          "The event is cancelled.",
	"withdrawn":          "The posting is withdrawn: what it credited is revoked, and each member is told.",
	"profile-saved":      "Your profile is saved.",
	"share-revoked":      "The link is revoked: it no longer opens your record.",
	"member-saved":       "The member's record is saved.",
	"activity-corrected": "The activity is corrected; it counts while an administrator reviews it.",
	"activity-withdrawn": "The activity is withdrawn: it no longer counts toward your progress, and stays on record.",
	"document-attached":  "The document is attached; an administrator sees it when reviewing the activity.",
}

// A pageError is what a page says of an error code: the status it answers with, whether the
// person can correct it on the form they sent, and its words (empty: the error's message).
type pageError struct {
	status  int
	onForm  bool
	message string
}

// pageErrors is the one table of errors the pages show, beside the API's problem table;
// any other code is the service's failure, logged and never shown.
var pageErrors = map[string]pageError{
	recert.ENOTFOUND:     {http.StatusNotFound, false, "That page does not exist, or it is not yours to see."},
	recert.EFORBIDDEN:    {http.StatusForbidden, false, "Your account may not do that."},
	recert.EINVALID:      {http.StatusBadRequest, true, ""},
	recert.EBADREQUEST:   {http.StatusBadRequest, true, ""},
	recert.ECONFLICT:     {http.StatusBadRequest, true, ""},
	recert.ETOOLARGE:     {http.StatusBadRequest, true, ""},
	recert.EPRECONDITION: {http.StatusBadRequest, true, "Someone changed this since you opened it. Open it again to see their changes, then make yours."},
	recert.ERATELIMITED:  {http.StatusTooManyRequests, false, ""},
}

// words is what the page says of err.
func (e pageError) words(err error) string {
	if e.message != "" {
		return e.message
	}
	return message(err)
}

// onForm reports whether err is one the person corrects on the form they sent, and sets
// what the form says of it.
func onForm(c echo.Context, err error) bool {
	e, ok := pageErrors[recert.ErrorCode(err)]
	if ok && e.onForm && (e.message != "" || !setProblems(c, err)) {
		c.Set(errorKey, e.words(err))
	}
	return ok && e.onForm
}

// fail renders the error page for err: what people may read, never internals.
func (p *Pages) fail(c echo.Context, err error) error {
	e, ok := pageErrors[recert.ErrorCode(err)]
	if !ok {
		p.log.ErrorContext(c.Request().Context(), "page failed", "path", c.Request().URL.Path, "err", err)
		e = pageError{status: http.StatusInternalServerError, message: "Something went wrong on our side. Please try again."}
	}
	return p.problem(c, e.status, e.words(err))
}

// problemTitles head the error page, by status, so that it reads top-down: what happened,
// then why, then where to go.
var problemTitles = map[int]string{
	http.StatusNotFound:        "Page not found",
	http.StatusForbidden:       "Not allowed",
	http.StatusTooManyRequests: "Too many attempts",
	http.StatusBadRequest:      "That did not work",
}

// problem renders the error page: a heading for the status, then the message.
func (p *Pages) problem(c echo.Context, status int, msg string) error {
	title, ok := problemTitles[status]
	if !ok {
		title = "Something went wrong"
	}
	return p.render(c, status, "error", title, msg)
}

func ctxOf(c echo.Context) context.Context { return c.Request().Context() }

// message is what an error tells people: its message and each field's problem.
func message(err error) string {
	var e *recert.Error
	if !errors.As(err, &e) {
		return "The request could not be handled."
	}
	msg := e.Message
	for _, f := range e.Fields {
		if !strings.Contains(msg, f.Detail) { // a field's problem is often the message itself
			msg += "; " + f.Detail
		}
	}
	return msg
}
