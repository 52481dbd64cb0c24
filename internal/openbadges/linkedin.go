package openbadges

import (
	"net/url"
	"strconv"

	"github.com/recert-dev/recert/internal/recert"
)

// LinkedInAddURL is LinkedIn's add-to-profile address, filled in with a certificate: the
// event as the certification's name, its sponsor as the organization, the month and year the
// event ended (when the attendance was earned, whenever the credential was first asked
// for), the verification page and the credential's id. Only the member's own view of a
// certificate offers it.
func LinkedInAddURL(cred recert.Credential, verifyURL string) string {
	st := cred.Statement
	v := url.Values{}
	v.Set("startTask", "CERTIFICATION_NAME")
	v.Set("name", st.EventTitle)
	v.Set("organizationName", st.Sponsor)
	v.Set("issueYear", strconv.Itoa(st.EndDate.Year))
	v.Set("issueMonth", strconv.Itoa(int(st.EndDate.Month)))
	v.Set("certUrl", verifyURL)
	v.Set("certId", cred.ID)
	return "https://www.linkedin.com/profile/add?" + v.Encode()
}
