package httpapi

import (
	"bytes"
	"context"
	"html/template"
	"strings"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	certpdf "github.com/recert-dev/recert/internal/certificate"
	"github.com/recert-dev/recert/internal/openbadges"
	"github.com/recert-dev/recert/internal/recert"
)

// GetVerification answers a credential's public verification page, or its JSON for a
// request that asks for application/json: what the certificate states as issued, and its
// status now, decided by its attendance (revoked, or changed since).
func (s *Server) GetVerification(ctx context.Context, req api.GetVerificationRequestObject) (api.GetVerificationResponseObject, error) {
	cred, err := s.store.Credential(ctx, req.CredentialID)
	if err != nil {
		return nil, err
	}
	if !cred.PageWithdrawn.IsZero() {
		return nil, recert.Errorf(recert.ENOTFOUND, "the member took the page of certificate %s down", cred.ID)
	}
	a, err := s.store.Attendance(ctx, cred.AttendanceID)
	if err != nil {
		return nil, err
	}
	v := verification(cred)
	switch cred.Status(a) {
	case recert.CredentialRevoked:
		v.Status = api.VerificationStatusRevoked
		at := a.UpdatedAt.UTC()
		v.RevokedAt = &at
	case recert.CredentialSuperseded:
		v.Status = api.VerificationStatusSuperseded
		latest, err := s.store.LatestCredential(ctx, a.ID)
		if err != nil && recert.ErrorCode(err) != recert.ENOTFOUND {
			return nil, err
		}
		if err == nil && latest.ID != cred.ID && latest.Status(a) == recert.CredentialValid {
			next := openbadges.VerifyURL(s.publicURL, latest.ID)
			v.SupersededBy = &next
		}
	}
	noindex := "noindex"
	headers := api.GetVerification200ResponseHeaders{XRobotsTag: &noindex}
	if wantsJSONOnly(requestInfoFrom(ctx).accept) {
		return api.GetVerification200JSONResponse{Body: v, Headers: headers}, nil
	}
	var b bytes.Buffer
	if err := verificationPage.Execute(&b, verificationView(v)); err != nil {
		return nil, err
	}
	return api.GetVerification200TextHTMLResponse{Body: &b, ContentLength: int64(b.Len()), Headers: headers}, nil
}

// wantsJSONOnly reports whether an Accept header asks for JSON before (or without) HTML.
func wantsJSONOnly(accept string) bool {
	jsonAt, htmlAt := strings.Index(accept, "application/json"), strings.Index(accept, "text/html")
	return jsonAt >= 0 && (htmlAt < 0 || jsonAt < htmlAt)
}

// verification is what a credential states, as its verification answers it; its status is
// valid until the caller says otherwise.
func verification(cred recert.Credential) api.Verification {
	st := cred.Statement
	v := api.Verification{
		CredentialID: cred.ID, Status: api.VerificationStatusValid, IssuedAt: cred.IssuedAt.UTC(), AttendeeName: st.AttendeeName,
		Sponsor: st.Sponsor, EventTitle: st.EventTitle, Format: api.EventFormat(st.Format),
		StartDate: openapi_types.Date{Time: st.StartDate.Time()}, EndDate: openapi_types.Date{Time: st.EndDate.Time()},
		ApprovalRef: optional(st.ApprovalRef), TotalCeus: st.Total.String(), VcJwt: cred.VCJWT,
	}
	v.Sessions = make([]struct {
		Category api.VerificationSessionsCategory `json:"category"`
		Ceus     api.CEUs                         `json:"ceus"`
		Date     openapi_types.Date               `json:"date"`
		Title    string                           `json:"title"`
	}, len(st.Sessions))
	for i, ses := range st.Sessions {
		v.Sessions[i].Category, v.Sessions[i].Ceus = api.VerificationSessionsCategory(ses.Category), ses.CEUs.String()
		v.Sessions[i].Date, v.Sessions[i].Title = openapi_types.Date{Time: ses.Date.Time()}, ses.Title
	}
	v.CeusByCategory = make([]struct {
		Category api.VerificationCeusByCategoryCategory `json:"category"`
		Ceus     api.CEUs                               `json:"ceus"`
	}, len(st.ByCategory))
	for i, c := range st.ByCategory {
		v.CeusByCategory[i].Category, v.CeusByCategory[i].Ceus = api.VerificationCeusByCategoryCategory(c.Category), c.CEUs.String()
	}
	return v
}

// verificationView is what the page shows, in people's words.
type verificationViewData struct {
	V            api.Verification
	StatusClass  string
	StatusWords  string
	StatusDetail string
	Format       string
	Dates        string
	Issued       string
	Sessions     []sessionLine
	Categories   []sessionLine
}

type sessionLine struct{ Date, Title, Category, CEUs string }

func verificationView(v api.Verification) verificationViewData {
	d := verificationViewData{V: v, Format: openbadges.FormatWords[string(v.Format)], Issued: v.IssuedAt.Format("January 2, 2006")}
	d.Dates = v.StartDate.Format("January 2, 2006")
	if !v.EndDate.Equal(v.StartDate.Time) {
		d.Dates += " to " + v.EndDate.Format("January 2, 2006")
	}
	switch v.Status {
	case api.VerificationStatusValid:
		d.StatusClass, d.StatusWords = "flash", "Valid"
		d.StatusDetail = "The attendance this certificate states is on record, unchanged."
	case api.VerificationStatusRevoked:
		d.StatusClass, d.StatusWords = "error", "Revoked"
		d.StatusDetail = "The sponsor revoked this attendance on " + v.RevokedAt.Format("January 2, 2006") + ": the certificate no longer stands."
	case api.VerificationStatusSuperseded:
		d.StatusClass, d.StatusWords = "warning", "Superseded"
		d.StatusDetail = "The sponsor corrected this attendance after the certificate was issued; what follows is the certificate as it was issued."
	}
	for _, s := range v.Sessions {
		d.Sessions = append(d.Sessions, sessionLine{Date: s.Date.Format("Jan 2, 2006"), Title: s.Title, Category: certpdf.CategoryWords(string(s.Category)), CEUs: s.Ceus})
	}
	for _, c := range v.CeusByCategory {
		d.Categories = append(d.Categories, sessionLine{Category: certpdf.CategoryWords(string(c.Category)), CEUs: c.Ceus})
	}
	return d
}

// verificationPage shows a certificate and its status to anyone, in the pages' style sheet,
// without scripts. It says nothing about the member but their name.
var verificationPage = template.Must(template.New("verify").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>Certificate of attendance · {{.StatusWords}} · Recert</title>
<link rel="stylesheet" href="/app/assets/app.css">
</head>
<body>
<header class="top"><span class="brand">Recert</span></header>
<main id="main">
<h1>Certificate of attendance</h1>
<p class="{{.StatusClass}}"><strong>{{.StatusWords}}.</strong> {{.StatusDetail}}{{with .V.SupersededBy}} <a href="{{.}}">The certificate issued since</a>.{{end}}</p>
<p><strong>{{.V.AttendeeName}}</strong> attended <strong>{{.V.EventTitle}}</strong>{{with .Format}} ({{.}}){{end}}, {{.Dates}}, sponsored by {{.V.Sponsor}}{{with .V.ApprovalRef}}, ABCP approval reference {{.}}{{end}}.</p>
<div class="scroll">
<table>
<caption>Sessions attended</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Session</th><th scope="col">Category</th><th scope="col" class="num">CEUs</th></tr></thead>
<tbody>
{{range .Sessions}}<tr><td>{{.Date}}</td><td>{{.Title}}</td><td>{{.Category}}</td><td class="num">{{.CEUs}}</td></tr>
{{else}}<tr><td colspan="4">CEUs awarded for the event as a whole.</td></tr>
{{end}}</tbody>
<tfoot>
{{range .Categories}}<tr><th scope="row" colspan="3">Category {{.Category}}</th><td class="num">{{.CEUs}}</td></tr>
{{end}}<tr><th scope="row" colspan="3">Total</th><td class="num">{{.V.TotalCeus}}</td></tr>
</tfoot>
</table>
</div>
<p>Issued on {{.Issued}} by Recert for {{.V.Sponsor}}. Certificate {{.V.CredentialID}}.</p>
<h2>The signed credential</h2>
<p class="hint">An Open Badges 3.0 credential (VC-JWT) that anyone can check with the sponsor's published key, without trusting this page.</p>
<label for="vc">VC-JWT</label>
<textarea id="vc" readonly rows="6">{{.V.VcJwt}}</textarea>
</main>
</body>
</html>
`))

// SetCredentialPage takes a credential's verification page down or puts it back up: the
// member's choice, or an administrator's.
func (s *Server) SetCredentialPage(ctx context.Context, req api.SetCredentialPageRequestObject) (api.SetCredentialPageResponseObject, error) {
	cred, err := s.store.Credential(ctx, req.CredentialID)
	if err != nil {
		return nil, err
	}
	a, _, err := s.visibleAttendance(ctx, cred.AttendanceID)
	if recert.ErrorCode(err) == recert.ENOTFOUND {
		return nil, recert.Errorf(recert.ENOTFOUND, "credential %s not found", req.CredentialID)
	}
	if err != nil {
		return nil, err
	}
	if p := principalFrom(ctx); !p.IsAdmin() && (p.Role != recert.RoleMember || p.MemberID != a.MemberID) {
		return nil, recert.Errorf(recert.EFORBIDDEN, "only the member whose certificate it is, or an administrator, decides whether its page is public")
	}
	cred, err = s.credentials.SetPage(ctx, cred.ID, req.Body.Public)
	if err != nil {
		return nil, err
	}
	out := api.SetCredentialPage200JSONResponse{CredentialID: cred.ID, Public: cred.PageWithdrawn.IsZero(), URL: openbadges.VerifyURL(s.publicURL, cred.ID)}
	if !cred.PageWithdrawn.IsZero() {
		at := cred.PageWithdrawn
		out.WithdrawnAt = &at
	}
	return out, nil
}
