package httpapi

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/recert"
)

// Converters between the contract's types (api) and the vocabulary (recert).

func toOrganization(o recert.Organization, organizers []string) api.Organization {
	if organizers == nil {
		organizers = []string{}
	}
	return api.Organization{
		ID: o.ID, Name: o.Name, Code: o.Code, ContactEmail: optional(o.ContactEmail), ContactPhone: optional(o.ContactPhone),
		OrganizerIds: organizers, Version: o.Version,
		CreatedAt: o.CreatedAt, CreatedBy: o.CreatedBy, UpdatedAt: o.UpdatedAt, UpdatedBy: o.UpdatedBy,
	}
}

func toUser(u recert.User) api.User {
	return api.User{
		ID: u.ID, Email: u.Email, Name: u.Name, Role: api.UserRole(u.Role), MemberID: optional(u.MemberID),
		OrganizationIds: u.OrganizationIDs, Disabled: u.Disabled,
		CreatedAt: u.CreatedAt, CreatedBy: u.CreatedBy, UpdatedAt: u.UpdatedAt, UpdatedBy: u.UpdatedBy,
	}
}

func toMember(m recert.Member) api.Member {
	out := api.Member{
		ID: m.ID, Name: m.Name, Email: optional(m.Email), Status: api.MemberStatus(m.Status),
		Claimed: m.Claimed, Version: m.Version, Licenses: make([]api.License, 0, len(m.Licenses)),
		CreatedAt: m.CreatedAt, CreatedBy: m.CreatedBy, UpdatedAt: m.UpdatedAt, UpdatedBy: m.UpdatedBy,
		CertificationDate: toDate(m.CertificationDate), ABCPCycle: optionalInt(m.ABCPCycle), BirthMonth: optionalInt(m.BirthMonth),
		TrackingSince: toDate(m.TrackingSince),
	}
	if m.ABCPID != "" {
		out.ABCPID = ptr(api.ABCPID(m.ABCPID))
	}
	if m.SocietyClass != "" {
		out.SocietyClass = ptr(api.SocietyClass(m.SocietyClass))
	}
	for _, l := range m.Licenses {
		out.Licenses = append(out.Licenses, api.License{State: l.State, Number: l.Number,
			IssuedOn: toDate(l.IssuedOn), ExpiresOn: toDate(l.ExpiresOn)})
	}
	return out
}

func fromLicenses(ls []api.License) []recert.License {
	out := make([]recert.License, 0, len(ls))
	for _, l := range ls {
		out = append(out, recert.License{State: l.State, Number: l.Number, IssuedOn: fromDate(l.IssuedOn), ExpiresOn: fromDate(l.ExpiresOn)})
	}
	return out
}

func toClient(c recert.Client) api.APIClient {
	scopes := make([]api.APIClientScope, len(c.Scopes))
	for i, s := range c.Scopes {
		scopes[i] = api.APIClientScope(s)
	}
	return api.APIClient{
		ID: c.ID, Name: c.Name, OrganizationID: optional(c.OrganizationID), Scopes: scopes, Revoked: c.Revoked,
		CreatedAt: c.CreatedAt, CreatedBy: c.CreatedBy, UpdatedAt: c.UpdatedAt, UpdatedBy: c.UpdatedBy,
	}
}

func toClientWithSecret(c recert.Client, secret string) api.APIClientWithSecret {
	a := toClient(c)
	return api.APIClientWithSecret{
		ID: a.ID, Name: a.Name, OrganizationID: a.OrganizationID, Scopes: a.Scopes, Revoked: a.Revoked, ClientSecret: secret,
		CreatedAt: a.CreatedAt, CreatedBy: a.CreatedBy, UpdatedAt: a.UpdatedAt, UpdatedBy: a.UpdatedBy,
	}
}

func toDate(d recert.Date) *openapi_types.Date {
	if d.IsZero() {
		return nil
	}
	return &openapi_types.Date{Time: d.Time()}
}

func fromDate(d *openapi_types.Date) recert.Date {
	if d == nil {
		return recert.Date{}
	}
	return recert.DateOf(d.Time)
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optionalInt(v int) *int {
	if v == 0 {
		return nil
	}
	return &v
}

func value[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// etag is an object's version as an HTTP entity tag.
func etag(version int) string { return fmt.Sprintf(`"v%d"`, version) }

// ifMatch reads the version an If-Match header names; none means any version.
func ifMatch(h *string) (int, error) {
	if h == nil || *h == "" || *h == "*" {
		return 0, nil
	}
	tag := strings.TrimPrefix(strings.TrimSpace(*h), "W/")
	v, err := strconv.Atoi(strings.TrimPrefix(strings.Trim(tag, `"`), "v"))
	if err != nil || v < 1 {
		return 0, recert.Errorf(recert.EPRECONDITION, "If-Match %s is not an ETag this API issued", *h)
	}
	return v, nil
}

const defaultLimit = 50

// page reads the pagination parameters; the cursor is the last id of the previous page.
func page(limit *int, cursor *string) (recert.Page, error) {
	p := recert.Page{Limit: defaultLimit}
	if limit != nil {
		p.Limit = *limit
	}
	if cursor != nil && *cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(*cursor)
		if err != nil || !cursorText(b) {
			return p, &recert.Error{Code: recert.EBADREQUEST, Message: "the cursor is not one this API issued",
				Fields: []recert.FieldError{{Location: "query", Pointer: "#/cursor", Detail: "not a cursor from next_cursor"}}}
		}
		p.After = string(b)
	}
	return p, nil
}

// cursorShape is what a cursor this API issues decodes to: an id, after an event's date; a
// credit's id (its attendance's, then its session's); or a program's id.
var cursorShape = regexp.MustCompile(`^((\d{4}-\d{2}-\d{2}\|)?[a-z]{2,5}_[a-z2-7]{24}(:[a-z]{2,5}_[a-z2-7]{24})?|[a-z0-9][a-z0-9-]{1,63})$`)

// cursorText reports whether a decoded cursor could be one this API issued.
func cursorText(b []byte) bool { return cursorShape.Match(b) }

func nextCursor(after string) *string {
	if after == "" {
		return nil
	}
	return ptr(base64.RawURLEncoding.EncodeToString([]byte(after)))
}
