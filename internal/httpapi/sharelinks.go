package httpapi

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"strings"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/openbadges"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/transcript"
)

// shareMember is the caller's member record; only a member shares their record.
func shareMember(ctx context.Context) (string, error) {
	p := principalFrom(ctx)
	if p.MemberID == "" || p.Role != recert.RoleMember {
		return "", forbidden("only a member shares their record")
	}
	return p.MemberID, nil
}

// CreateShareLink makes a read-only link to one period of the caller's record.
func (s *Server) CreateShareLink(ctx context.Context, req api.CreateShareLinkRequestObject) (api.CreateShareLinkResponseObject, error) {
	memberID, err := shareMember(ctx)
	if err != nil {
		return nil, err
	}
	in := ledger.ShareInput{MemberID: memberID, ProgramID: req.Body.ProgramID, Label: req.Body.Label, ExpiresAt: req.Body.ExpiresAt}
	if req.Body.Period != nil {
		in.Period = recert.DateOf(req.Body.Period.Time)
	}
	l, plain, err := s.shareLinks.Create(ctx, in)
	if err != nil {
		return nil, err
	}
	v := shareLink(l, s.now())
	return api.CreateShareLink201JSONResponse{ID: v.ID, Label: v.Label, ProgramID: v.ProgramID, ProgramName: v.ProgramName,
		PeriodStart: v.PeriodStart, PeriodEnd: v.PeriodEnd, Status: v.Status, CreatedAt: v.CreatedAt,
		ExpiresAt: v.ExpiresAt, ViewCount: v.ViewCount, URL: s.publicURL + "/share/" + plain}, nil
}

// ListShareLinks lists the caller's links with their views.
func (s *Server) ListShareLinks(ctx context.Context, req api.ListShareLinksRequestObject) (api.ListShareLinksResponseObject, error) {
	memberID, err := shareMember(ctx)
	if err != nil {
		return nil, err
	}
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	links, err := s.store.ShareLinks(ctx, memberID)
	if err != nil {
		return nil, err
	}
	links, next, err := pageOf(links, func(l recert.ShareLink) string { return l.ID }, pg)
	if err != nil {
		return nil, err
	}
	out := api.ListShareLinks200JSONResponse{Items: make([]api.ShareLink, len(links)), NextCursor: next}
	for i, l := range links {
		out.Items[i] = shareLink(l, s.now())
	}
	return out, nil
}

// RevokeShareLink ends one of the caller's links.
func (s *Server) RevokeShareLink(ctx context.Context, req api.RevokeShareLinkRequestObject) (api.RevokeShareLinkResponseObject, error) {
	memberID, err := shareMember(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.shareLinks.Revoke(ctx, memberID, req.ShareLinkID); err != nil {
		return nil, err
	}
	return api.RevokeShareLink204Response{}, nil
}

func shareLink(l recert.ShareLink, now time.Time) api.ShareLink {
	return api.ShareLink{ID: l.ID, Label: l.Label, ProgramID: l.ProgramID, ProgramName: l.ProgramName,
		PeriodStart: openapi_types.Date{Time: l.PeriodStart.Time()}, PeriodEnd: openapi_types.Date{Time: l.PeriodEnd.Time()},
		Status: api.ShareLinkStatus(l.Status(now)), CreatedAt: l.CreatedAt, ExpiresAt: l.ExpiresAt, RevokedAt: l.RevokedAt,
		ViewCount: l.Views, LastViewedAt: l.LastViewedAt}
}

// GetSharedRecord answers the page behind a share link: the member's name and the period's
// transcript, nothing else of them.
func (s *Server) GetSharedRecord(ctx context.Context, req api.GetSharedRecordRequestObject) (api.GetSharedRecordResponseObject, error) {
	noindex, noStore := "noindex", "no-store"
	l, err := s.shareLinks.Open(ctx, req.ShareToken)
	if errors.Is(err, ledger.ErrShareGone) && !wantsHTML(requestInfoFrom(ctx).accept) {
		return nil, recert.Errorf(recert.EGONE, "the share link was revoked or has expired")
	}
	if errors.Is(err, ledger.ErrShareGone) {
		var b bytes.Buffer
		if err := shareGonePage.Execute(&b, nil); err != nil {
			return nil, err
		}
		return api.GetSharedRecord410TextHTMLResponse{Body: &b, ContentLength: int64(b.Len()),
			Headers: api.GetSharedRecord410ResponseHeaders{XRobotsTag: &noindex, CacheControl: &noStore}}, nil
	}
	if err != nil {
		return nil, err
	}
	view, err := s.sharedView(ctx, l)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := sharedPage.Execute(&b, view); err != nil {
		return nil, err
	}
	return api.GetSharedRecord200TextHTMLResponse{Body: &b, ContentLength: int64(b.Len()),
		Headers: api.GetSharedRecord200ResponseHeaders{XRobotsTag: &noindex, CacheControl: &noStore}}, nil
}

type sharedViewData struct {
	Name, Period, Expires string
	Program               transcript.Program
	Certificates          []sharedCertificate
}

type sharedCertificate struct{ Date, Event, URL string }

// sharedView is the period's transcript and the certificates of its events, as the member's
// filing report states them. The transcript's ABCP ID is dropped here: the page never shows it.
func (s *Server) sharedView(ctx context.Context, l recert.ShareLink) (sharedViewData, error) {
	rep, err := s.progress.Report(ctx, ledger.Query{MemberID: l.MemberID, Program: l.ProgramID, Period: l.PeriodStart, Scope: recert.AllOrganizations()})
	if err != nil {
		return sharedViewData{}, err
	}
	t := transcript.FromReport(rep)
	if len(t.Programs) != 1 {
		return sharedViewData{}, recert.Errorf(recert.ENOTFOUND, "the shared period is no longer on record")
	}
	d := sharedViewData{Name: t.MemberName, Program: t.Programs[0], Expires: l.ExpiresAt.Format("2 January 2006"),
		Period: l.PeriodStart.Time().Format("2 January 2006") + " to " + l.PeriodEnd.Time().Format("2 January 2006")}
	d.Certificates, err = s.periodCertificates(ctx, l)
	return d, err
}

// periodCertificates links each certificate of the period's events to its verification
// page; a page its member took down, and a revoked attendance, are left out.
func (s *Server) periodCertificates(ctx context.Context, l recert.ShareLink) ([]sharedCertificate, error) {
	if s.credentials == nil {
		return nil, nil
	}
	credits, err := s.store.Credits(ctx, recert.CreditFilter{MemberID: l.MemberID, From: l.PeriodStart, To: l.PeriodEnd, Scope: recert.AllOrganizations()})
	if err != nil {
		return nil, err
	}
	var out []sharedCertificate
	seen := map[string]bool{}
	for _, c := range credits {
		if seen[c.AttendanceID] {
			continue
		}
		seen[c.AttendanceID] = true
		a, err := s.store.Attendance(ctx, c.AttendanceID)
		if err != nil {
			return nil, err
		}
		if a.Revoked {
			continue
		}
		cred, err := s.credentials.Current(ctx, a)
		if err != nil {
			return nil, err
		}
		if cred.PageWithdrawn.IsZero() {
			out = append(out, sharedCertificate{Date: c.Date.Time().Format("2 Jan 2006"), Event: c.EventTitle, URL: openbadges.VerifyURL(s.publicURL, cred.ID)})
		}
	}
	return out, nil
}

// wantsHTML reports whether a request is a browser's, asking for a page before JSON.
func wantsHTML(accept string) bool {
	return strings.Contains(accept, "text/html") && !wantsJSONOnly(accept)
}

// verificationWords says who vouches for a credit.
func verificationWords(v string) string {
	if v == "Verified" {
		return "Sponsor-verified"
	}
	return v
}

var sharedFuncs = template.FuncMap{"verification": verificationWords, "day": func(t time.Time) string { return t.Format("2 Jan 2006") }}

// sharedPage shows one period of a member's record to whoever has the link, without
// scripts, in the pages' style sheet.
var sharedPage = template.Must(template.New("shared").Funcs(sharedFuncs).Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>{{.Name}} · {{.Program.Name}} · Recert</title>
<link rel="stylesheet" href="/app/assets/app.css">
</head>
<body>
<header class="top"><span class="brand">Recert</span></header>
<main id="main">
<h1>{{.Name}}</h1>
<p>Continuing education for <strong>{{.Program.Name}}</strong>, {{.Period}}, as recorded in Recert.{{with .Program.Status}} Status: <strong>{{.}}</strong>.{{end}}</p>
<p class="hint">Shared by {{.Name}} with a private link that works until {{.Expires}}. <strong>Sponsor-verified</strong> credits were posted by the event's sponsor; <strong>self-reported</strong> ones the member entered.</p>
<div class="scroll" role="region" aria-label="Credits" tabindex="0">
<table>
<caption>Credits of the period ({{.Program.UnitName}})</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Credit</th><th scope="col" class="num">Counted</th></tr></thead>
<tbody>
{{range .Program.Lines}}<tr><td>{{day .Date}}</td><td>{{.Description}}<br><strong>{{verification .Verification}}</strong><span class="hint">{{with .Category}} · Category {{.}}{{end}}{{with .Activity}} · {{.}}{{end}}</span></td><td class="num">{{.Counted}}</td></tr>
{{else}}<tr><td colspan="3">No credits in this period yet.</td></tr>
{{end}}</tbody>
</table>
</div>
{{if .Program.Totals}}<div class="scroll" role="region" aria-label="Totals" tabindex="0">
<table>
<caption>Totals</caption>
<thead><tr><th scope="col">Requirement</th><th scope="col" class="num">Required</th><th scope="col" class="num">Counted</th></tr></thead>
<tbody>
{{range .Program.Totals}}<tr><th scope="row">{{.What}}</th><td class="num">{{.Required}}</td><td class="num">{{.Counted}}</td></tr>
{{end}}</tbody>
</table>
</div>{{end}}
<h2>Certificates</h2>
{{if .Certificates}}<ul>
{{range .Certificates}}<li><a href="{{.URL}}">{{.Event}}</a>, {{.Date}}: check the certificate</li>
{{end}}</ul>{{else}}<p>No certificates of attendance in this period.</p>{{end}}
</main>
</body>
</html>
`))

// shareGonePage says a link no longer works, and nothing about whose it was.
var shareGonePage = template.Must(template.New("gone").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>This link no longer works · Recert</title>
<link rel="stylesheet" href="/app/assets/app.css">
</head>
<body>
<header class="top"><span class="brand">Recert</span></header>
<main id="main">
<h1>This link no longer works</h1>
<p>The person who shared it revoked it, or it has expired. Ask them for a new link.</p>
</main>
</body>
</html>
`))
