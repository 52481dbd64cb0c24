package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/recert"
)

// manifest is CheckInManifest as it is built: the generated type's nested items are
// anonymous, so the manifest is written in these and read back into it.
type manifest struct {
	EventID              string             `json:"event_id"`
	Title                string             `json:"title"`
	TimeZone             string             `json:"time_zone"`
	ExpiresAt            time.Time          `json:"expires_at"`
	RegistrationRequired bool               `json:"registration_required"`
	Key                  manifestKey        `json:"key"`
	Sessions             []manifestSession  `json:"sessions"`
	Registrants          []manifestPerson   `json:"registrants"`
	Replaced             []manifestReplaced `json:"replaced_codes"`
}

type manifestKey struct {
	Kid       string `json:"kid"`
	Algorithm string `json:"algorithm"`
	PublicKey string `json:"public_key"`
}

type manifestSession struct {
	ID           string `json:"id"`
	Code         string `json:"code"`
	Title        string `json:"title"`
	Date         string `json:"date"`
	StartTime    string `json:"start_time,omitempty"`
	EndTime      string `json:"end_time,omitempty"`
	CheckInFrom  string `json:"check_in_from,omitempty"`
	CheckInUntil string `json:"check_in_until,omitempty"`
}

type manifestPerson struct {
	MemberID string `json:"member_id"`
	Name     string `json:"name"`
}

type manifestReplaced struct {
	MemberID       string `json:"member_id"`
	CurrentVersion int    `json:"current_version"`
}

// GetCheckInManifest gives an offline scanner of one event what it needs, with an ETag of
// its content.
func (s *Server) GetCheckInManifest(ctx context.Context, req api.GetCheckInManifestRequestObject) (api.GetCheckInManifestResponseObject, error) {
	ev, err := s.managedEvent(ctx, req.EventID)
	if err != nil {
		return nil, err
	}
	if s.checkInKey.IsZero() {
		return nil, recert.Errorf(recert.ECONFLICT, "check-in codes are not set up on this service")
	}
	people, err := s.store.Registrants(ctx, ev.ID)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(buildManifest(ev, people, s.checkInKey.ID(), []byte(s.checkInKey.Public())))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	tag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	if req.Params.IfNoneMatch != nil && etagListHas(*req.Params.IfNoneMatch, tag) {
		return api.GetCheckInManifest304Response{Headers: api.GetCheckInManifest304ResponseHeaders{ETag: &tag}}, nil
	}
	var out api.CheckInManifest
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return api.GetCheckInManifest200JSONResponse{Body: out, Headers: api.GetCheckInManifest200ResponseHeaders{ETag: &tag}}, nil
}

func buildManifest(ev recert.Event, people []recert.Registrant, kid string, pub []byte) manifest {
	m := manifest{EventID: ev.ID, Title: ev.Title, TimeZone: ev.TimeZone, RegistrationRequired: ev.CheckIn.RegistrationRequired,
		ExpiresAt: ev.CheckInExpiry(),
		Key:       manifestKey{Kid: kid, Algorithm: "EdDSA", PublicKey: base64.RawURLEncoding.EncodeToString(pub)},
		Sessions:  []manifestSession{}, Registrants: []manifestPerson{}, Replaced: []manifestReplaced{}}
	for _, s := range ev.Sessions {
		m.Sessions = append(m.Sessions, manifestSession{ID: s.ID, Code: s.Code, Title: s.Title, Date: s.Date.String(),
			StartTime: s.StartTime, EndTime: s.EndTime, CheckInFrom: s.CheckInFrom, CheckInUntil: s.CheckInUntil})
	}
	for _, p := range people {
		m.Registrants = append(m.Registrants, manifestPerson{MemberID: p.MemberID, Name: p.Name})
		if p.CodeVersion > 1 {
			m.Replaced = append(m.Replaced, manifestReplaced{MemberID: p.MemberID, CurrentVersion: p.CodeVersion})
		}
	}
	return m
}
