package recert

import "time"

// PrefixShareLink starts a share link's id.
const PrefixShareLink = "shr"

// How long a share link works: ShareLinkDefault unless the member says, never more than
// ShareLinkMax.
const (
	ShareLinkDefault = 30 * 24 * time.Hour
	ShareLinkMax     = 365 * 24 * time.Hour
)

// ShareLink is a member's read-only link to one program period of their record.
type ShareLink struct {
	ID, MemberID           string
	Label                  string
	ProgramID, ProgramName string
	PeriodStart, PeriodEnd Date
	CreatedAt, ExpiresAt   time.Time
	RevokedAt              *time.Time
	Views                  int
	LastViewedAt           *time.Time
}

// Share link statuses.
const (
	ShareActive  = "active"
	ShareExpired = "expired"
	ShareRevoked = "revoked"
)

// Status says whether the link works at now.
func (l ShareLink) Status(now time.Time) string {
	switch {
	case l.RevokedAt != nil:
		return ShareRevoked
	case !now.Before(l.ExpiresAt):
		return ShareExpired
	}
	return ShareActive
}

// ShareExpiry is when a link made at now stops: asked (nil: the default), which must lie
// ahead and within ShareLinkMax.
func ShareExpiry(asked *time.Time, now time.Time) (time.Time, error) {
	if asked == nil {
		return now.Add(ShareLinkDefault), nil
	}
	field := func(detail string) error {
		return &Error{Code: EINVALID, Message: "expires_at: " + detail,
			Fields: []FieldError{{Location: "body", Pointer: "#/expires_at", Detail: detail}}}
	}
	switch {
	case !asked.After(now):
		return time.Time{}, field("must lie ahead")
	case asked.Sub(now) > ShareLinkMax:
		return time.Time{}, field("must be at most a year ahead")
	}
	return *asked, nil
}
