package openbadges

import (
	"strconv"
	"strings"
	"time"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/recert"
)

// Addresses Recert serves for its credentials, under its public URL.

// VerifyURL is the address of a credential's verification page, and its id.
func VerifyURL(publicURL, credentialID string) string { return publicURL + "/verify/" + credentialID }

// IssuerURL is the address of a sponsor's issuer profile, its credentials' issuer.id.
func IssuerURL(publicURL, orgID string) string { return publicURL + "/issuers/" + orgID }

// StatusListURL is the address of a sponsor's revocation list number list.
func StatusListURL(publicURL, orgID string, list int) string {
	return IssuerURL(publicURL, orgID) + "/status/" + strconv.Itoa(list)
}

// KeyURL is the address that answers the credential key kid as a JWK: the kid of the JOSE
// header of every credential that key signs.
func KeyURL(publicURL, kid string) string { return publicURL + "/keys/" + kid }

// FormatWords names the ways an event is held, as a credential and a certificate state them.
var FormatWords = map[string]string{
	"in_person": "In person", "live_webinar": "Live webinar", "self_directed": "Self-directed", "simulation": "Simulation",
}

// Signer signs Recert's credentials with the credential key, for their sponsors.
type Signer struct {
	PublicURL string
	Key       auth.RSAKey
}

// SignCredential returns c as a signed VC-JWT; email identifies the member, hashed with the
// credential's own random id as the salt (public, as Open Badges salts are, and different
// for every credential, so equal hashes never link two of them).
func (s Signer) SignCredential(c recert.Credential, email string) (string, error) {
	st := c.Statement
	issuer := IssuerURL(s.PublicURL, st.OrganizationID)
	a := Attendance{
		CredentialID: VerifyURL(s.PublicURL, c.ID), IssuedAt: c.IssuedAt,
		Issuer:        Issuer{ID: issuer, Name: st.Sponsor, Email: st.SponsorContact},
		AchievementID: AchievementURL(s.PublicURL, st.OrganizationID, st.EventID), EventTitle: st.EventTitle, Format: FormatWords[st.Format],
		StartDate: st.StartDate.Time(), EndDate: st.EndDate.Time(), ApprovalRef: st.ApprovalRef, TotalCEUs: st.Total.String(),
		Email: email, Salt: strings.TrimPrefix(c.ID, recert.PrefixCredential+"_"),
		StatusListURL: StatusListURL(s.PublicURL, st.OrganizationID, c.StatusList), StatusIndex: c.StatusIndex,
	}
	for _, ses := range st.Sessions {
		a.Sessions = append(a.Sessions, Session{ID: ses.ID, Title: ses.Title, Date: ses.Date.Time(), Category: ses.Category, CEUs: ses.CEUs.String()})
		a.Attended = append(a.Attended, Earned{SessionID: ses.ID, CEUs: ses.CEUs.String()})
	}
	for _, b := range st.ByCategory {
		a.ByCategory = append(a.ByCategory, CategoryCEUs{Category: b.Category, CEUs: b.CEUs.String()})
	}
	return Sign(New(a), s.Key.Signer(), KeyURL(s.PublicURL, s.Key.ID()))
}

// SignStatusList signs a sponsor's revocation list with the positions set, as of now.
func (s Signer) SignStatusList(orgID string, list int, set []int, now time.Time) (string, error) {
	l, err := StatusList(IssuerURL(s.PublicURL, orgID), StatusListURL(s.PublicURL, orgID, list), recert.StatusListSize, set, now)
	if err != nil {
		return "", err
	}
	return SignStatusList(l, s.Key.Signer(), KeyURL(s.PublicURL, s.Key.ID()))
}

// AchievementURL is the address of a sponsor's event as an Achievement.
func AchievementURL(publicURL, orgID, eventID string) string {
	return IssuerURL(publicURL, orgID) + "/events/" + eventID
}

// EventAchievement is a published event as the Achievement its credentials name, with every
// session and category it offers: what its address answers.
func EventAchievement(publicURL string, org recert.Organization, e recert.Event) Achievement {
	a := Attendance{Issuer: Issuer{ID: IssuerURL(publicURL, org.ID), Name: org.Name},
		AchievementID: AchievementURL(publicURL, org.ID, e.ID), EventTitle: e.Title, Format: FormatWords[e.Format],
		StartDate: e.StartDate.Time(), EndDate: e.EndDate.Time(), ApprovalRef: e.ApprovalRef}
	seen := map[string]bool{}
	for _, ses := range e.Sessions {
		cat := e.SessionCategory(ses)
		a.Sessions = append(a.Sessions, Session{ID: ses.ID, Title: ses.Title, Date: ses.Date.Time(), Category: cat, CEUs: ses.CEUs.String()})
		if !seen[cat] {
			seen[cat] = true
			a.ByCategory = append(a.ByCategory, CategoryCEUs{Category: cat})
		}
	}
	return NewAchievement(a)
}
