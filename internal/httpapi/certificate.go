package httpapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/recert-dev/recert/api"
)

// certificateResponse answers with the certificate and an ETag of its content, or 304 when
// If-None-Match already names that ETag. The tag covers the whole content, so a renamed
// sponsor or attendee gives a new one even though the attendance did not change.
func certificateResponse(c api.Certificate, ifNoneMatch *string) (api.GetCertificateResponseObject, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	tag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	if ifNoneMatch != nil && etagListHas(*ifNoneMatch, tag) {
		return api.GetCertificate304Response{Headers: api.GetCertificate304ResponseHeaders{ETag: &tag}}, nil
	}
	return api.GetCertificate200JSONResponse{Body: c, Headers: api.GetCertificate200ResponseHeaders{ETag: &tag}}, nil
}

// etagListHas reports whether an If-None-Match value names tag; it compares weakly, as
// RFC 9110 section 13.1.2 asks, and "*" matches any current representation.
func etagListHas(list, tag string) bool {
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == tag || t == "*" {
			return true
		}
	}
	return false
}
