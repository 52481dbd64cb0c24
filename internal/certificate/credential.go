package certificate

import (
	"github.com/recert-dev/recert/internal/openbadges"
	"github.com/recert-dev/recert/internal/recert"
)

// FromCredential is what a credential's certificate prints: what the credential states as
// issued, with the address of its verification page.
func FromCredential(cred recert.Credential, verifyURL string) Certificate {
	st := cred.Statement
	c := Certificate{
		AttendeeName: st.AttendeeName, EventTitle: st.EventTitle, Format: openbadges.FormatWords[st.Format],
		StartDate: st.StartDate.Time(), EndDate: st.EndDate.Time(), TotalCEUs: st.Total.String(),
		ApprovalRef: st.ApprovalRef, Sponsor: st.Sponsor, Contact: st.SponsorContact, IssuedOn: cred.IssuedAt, VerifyURL: verifyURL,
		AttendancePolicy: st.AttendancePolicy,
	}
	for _, ses := range st.Sessions {
		c.Sessions = append(c.Sessions, Session{Title: ses.Title, Date: ses.Date.Time(), Category: CategoryWords(ses.Category), CEUs: ses.CEUs.String()})
	}
	for _, b := range st.ByCategory {
		c.ByCategory = append(c.ByCategory, CategoryCEUs{Category: CategoryWords(b.Category), CEUs: b.CEUs.String()})
	}
	return c
}

// CategoryWords names an ABCP category as a certificate states it after "Category".
func CategoryWords(c string) string {
	if c == "none" { // a session ABCP did not categorise
		return "none (not an ABCP category)"
	}
	return c
}
