package certificate

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/recert-dev/recert/internal/openbadges"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render"
)

// Attendances lists an event's attendance, a page at a time.
type Attendances interface {
	EventAttendance(ctx context.Context, eventID string, p recert.Page) ([]recert.Attendance, string, error)
}

// Credentials gives an attendance's credential as it stands, issuing it the first time.
type Credentials interface {
	Current(ctx context.Context, a recert.Attendance) (recert.Credential, error)
}

// EventPDF is every current attendance's certificate at an event, a page each, in the order
// of the attendees' names, for the organizer to print at the desk; verification addresses
// start with publicURL. An event with no current attendance has none (ECONFLICT).
func EventPDF(ctx context.Context, st Attendances, creds Credentials, e recert.Event, publicURL string, paper render.PageSize, now time.Time) ([]byte, error) {
	var list []recert.Credential
	pg := recert.Page{Limit: 500}
	for {
		as, next, err := st.EventAttendance(ctx, e.ID, pg)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			if a.Revoked {
				continue
			}
			c, err := creds.Current(ctx, a)
			if err != nil {
				return nil, err
			}
			list = append(list, c)
		}
		if next == "" {
			break
		}
		pg.After = next
	}
	if len(list) == 0 {
		return nil, recert.Errorf(recert.ECONFLICT, "event %s has no current attendance: no certificates", e.ID)
	}
	slices.SortStableFunc(list, func(a, b recert.Credential) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Statement.AttendeeName), strings.ToLower(b.Statement.AttendeeName)), cmp.Compare(a.ID, b.ID))
	})
	doc, err := render.NewDocument(paper, render.Info{Title: "Certificates of attendance: " + e.Title, Subject: e.Title, Created: now})
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		if err := Draw(doc, FromCredential(c, openbadges.VerifyURL(publicURL, c.ID))); err != nil {
			return nil, err
		}
	}
	return doc.Bytes()
}
