// Package openbadges writes Recert's credentials as Open Badges 3.0 OpenBadgeCredentials
// (Verifiable Credentials Data Model 2.0), signed as VC-JWTs: a compact JWS whose payload is
// the credential itself with the registered claims iss, jti and nbf (Open Badges 3.0,
// "JSON Web Token Proof Format"), RS256 with a key that its kid URL answers as a JWK.
//
// What Recert states, and how it maps onto the Open Badges vocabulary:
//
//   - the issuer is the sponsoring organization's Profile, at an HTTPS address Recert serves
//     (Recert signs for the sponsor);
//   - the achievement is the event: its name, a description with its dates and format, a
//     criteria narrative, the ABCP approval reference as an otherIdentifier of type
//     "ext:ABCPApprovalReference", and one resultDescription (resultType "ext:CEUs") per
//     session attended and per ABCP category;
//   - the subject is the member, known only by a salted SHA-256 of their e-mail address
//     (identifier, identityType "emailAddress"; never the ABCP ID, whose six digits are
//     easily reversed); it has no id, and the JWT then has no sub claim;
//   - the results are the CEUs earned per session attended and per category, and
//     creditsEarned the total;
//   - credentialStatus is a BitstringStatusListEntry (statusPurpose "revocation") at a random
//     position of one of the sponsor's revocation lists (W3C Bitstring Status List v1.0),
//     each list itself a signed credential (StatusList).
package openbadges

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The contexts of every credential, in the order Open Badges 3.0 requires.
const (
	ContextVC = "https://www.w3.org/ns/credentials/v2"
	ContextOB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

// SchemaID is the JSON Schema of an OpenBadgeCredential, named in credentialSchema.
const SchemaID = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"

// MediaType is the Content-Type of a VC-JWT served as a web resource (Open Badges 3.0,
// "Document Formats": the compact JWS, as text/plain).
const MediaType = "text/plain"

// Algorithm is the JWS algorithm every credential is signed with.
const Algorithm = "RS256"

// Attendance is what one credential states: an attendance at an event, as Recert issued it.
type Attendance struct {
	// CredentialID is the credential's id (and jti): the address of its verification page.
	CredentialID string
	IssuedAt     time.Time
	Issuer       Issuer
	// AchievementID identifies the event as an achievement.
	AchievementID string
	EventTitle    string
	Format        string // as people say it: "In person"
	StartDate     time.Time
	EndDate       time.Time
	ApprovalRef   string
	// Sessions are the sessions described as results (those attended); Attended the CEUs
	// earned at each, by session id.
	Sessions []Session
	Attended []Earned
	// ByCategory is the CEUs per ABCP category ("I", "II", "III", "none"); TotalCEUs their sum.
	// A Session's Category is one of these too.
	ByCategory []CategoryCEUs
	TotalCEUs  string
	// StatusListURL and StatusIndex are the credential's position in its sponsor's
	// revocation list; an empty StatusListURL leaves credentialStatus out.
	StatusListURL string
	StatusIndex   int
	// Email identifies the member, hashed with Salt; empty: the subject has no identifier.
	Email string
	Salt  string
}

// Issuer is the sponsoring organization.
type Issuer struct {
	ID    string // an HTTPS address Recert serves
	Name  string
	Email string
}

// Session is one session of the event.
type Session struct {
	ID       string
	Title    string
	Date     time.Time
	Category string
	CEUs     string
}

// Earned is the CEUs earned at one session.
type Earned struct {
	SessionID string
	CEUs      string
}

// CategoryCEUs is the CEUs earned in one ABCP category.
type CategoryCEUs struct {
	Category string
	CEUs     string
}

// Credential is an OpenBadgeCredential as JSON.
type Credential struct {
	Context           []string           `json:"@context"`
	ID                string             `json:"id"`
	Type              []string           `json:"type"`
	Issuer            Profile            `json:"issuer"`
	ValidFrom         string             `json:"validFrom"`
	Name              string             `json:"name"`
	CredentialSubject AchievementSubject `json:"credentialSubject"`
	CredentialSchema  []CredentialSchema `json:"credentialSchema"`
	CredentialStatus  *CredentialStatus  `json:"credentialStatus,omitempty"`
}

// CredentialStatus is a credential's entry in a revocation list (W3C Bitstring Status List:
// a BitstringStatusListEntry).
type CredentialStatus struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"`
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

// Profile is the issuer.
type Profile struct {
	ID    string   `json:"id"`
	Type  []string `json:"type"`
	Name  string   `json:"name"`
	Email string   `json:"email,omitempty"`
}

// AchievementSubject is the member and what they earned.
type AchievementSubject struct {
	ID                string           `json:"id,omitempty"`
	Type              []string         `json:"type"`
	Identifier        []IdentityObject `json:"identifier,omitempty"`
	Achievement       Achievement      `json:"achievement"`
	ActivityStartDate string           `json:"activityStartDate,omitempty"`
	ActivityEndDate   string           `json:"activityEndDate,omitempty"`
	CreditsEarned     json.Number      `json:"creditsEarned,omitempty"`
	Result            []Result         `json:"result,omitempty"`
}

// IdentityObject identifies the member by a salted hash.
type IdentityObject struct {
	Type         string `json:"type"`
	Hashed       bool   `json:"hashed"`
	IdentityHash string `json:"identityHash"`
	IdentityType string `json:"identityType"`
	Salt         string `json:"salt,omitempty"`
}

// Achievement is the event.
type Achievement struct {
	ID                string              `json:"id"`
	Type              []string            `json:"type"`
	AchievementType   string              `json:"achievementType"`
	Name              string              `json:"name"`
	Description       string              `json:"description"`
	Criteria          Criteria            `json:"criteria"`
	OtherIdentifier   []IdentifierEntry   `json:"otherIdentifier,omitempty"`
	ResultDescription []ResultDescription `json:"resultDescription,omitempty"`
}

// Criteria says how the achievement is earned.
type Criteria struct {
	Narrative string `json:"narrative"`
}

// IdentifierEntry is another identifier of the achievement, such as its approval reference.
type IdentifierEntry struct {
	Type           string `json:"type"`
	Identifier     string `json:"identifier"`
	IdentifierType string `json:"identifierType"`
}

// ResultDescription describes a result the achievement can have.
type ResultDescription struct {
	ID         string   `json:"id"`
	Type       []string `json:"type"`
	Name       string   `json:"name"`
	ResultType string   `json:"resultType"`
}

// Result is one result the member earned.
type Result struct {
	Type              []string `json:"type"`
	ResultDescription string   `json:"resultDescription"`
	Value             string   `json:"value"`
}

// CredentialSchema names the schema the credential follows.
type CredentialSchema struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// Identifier types and result types of Recert's own vocabulary ("ext:" names, as Open
// Badges 3.0 extends its enumerations).
const (
	IdentifierApprovalRef = "ext:ABCPApprovalReference"
	ResultTypeCEUs        = "ext:CEUs"
)

// dateTime writes t as Open Badges' DateTimeZ, to the second, in UTC.
func dateTime(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// IdentityHash is the Open Badges IdentityHash of an e-mail address with salt:
// "sha256$" and the hex SHA-256 of the lower-cased address followed by the salt.
func IdentityHash(email, salt string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email)) + salt))
	return "sha256$" + hex.EncodeToString(sum[:])
}

// New returns the OpenBadgeCredential that states a.
func New(a Attendance) Credential {
	ach := NewAchievement(a)
	subject := AchievementSubject{Type: []string{"AchievementSubject"}, Achievement: ach,
		ActivityStartDate: dateTime(a.StartDate), ActivityEndDate: dateTime(a.EndDate), CreditsEarned: json.Number(a.TotalCEUs)}
	if a.Email != "" {
		subject.Identifier = []IdentityObject{{Type: "IdentityObject", Hashed: true, IdentityHash: IdentityHash(a.Email, a.Salt),
			IdentityType: "emailAddress", Salt: a.Salt}}
	}
	for _, e := range a.Attended {
		subject.Result = append(subject.Result, Result{Type: []string{"Result"}, ResultDescription: sessionResultID(a.AchievementID, e.SessionID), Value: e.CEUs})
	}
	for _, c := range a.ByCategory {
		subject.Result = append(subject.Result, Result{Type: []string{"Result"}, ResultDescription: categoryResultID(a.AchievementID, c.Category), Value: c.CEUs})
	}
	var status *CredentialStatus
	if a.StatusListURL != "" {
		index := strconv.Itoa(a.StatusIndex)
		status = &CredentialStatus{ID: a.StatusListURL + "#" + index, Type: "BitstringStatusListEntry", StatusPurpose: "revocation",
			StatusListIndex: index, StatusListCredential: a.StatusListURL}
	}
	return Credential{
		CredentialStatus: status,
		Context:          []string{ContextVC, ContextOB}, ID: a.CredentialID, Type: []string{"VerifiableCredential", "OpenBadgeCredential"},
		Issuer:    Profile{ID: a.Issuer.ID, Type: []string{"Profile"}, Name: a.Issuer.Name, Email: a.Issuer.Email},
		ValidFrom: dateTime(a.IssuedAt), Name: "Certificate of attendance: " + a.EventTitle, CredentialSubject: subject,
		CredentialSchema: []CredentialSchema{{ID: SchemaID, Type: "1EdTechJsonSchemaValidator2019"}},
	}
}

// categoryLabel names an ABCP category: "ABCP Category I", or "no ABCP category" for "none".
func categoryLabel(c string) string {
	if c == "none" {
		return "no ABCP category"
	}
	return "ABCP Category " + c
}

func sessionResultID(achievement, session string) string { return achievement + "#session-" + session }
func categoryResultID(achievement, category string) string {
	return achievement + "#category-" + category
}

func dates(from, to time.Time) string {
	if to.IsZero() || to.Equal(from) {
		return from.Format("January 2, 2006")
	}
	return from.Format("January 2, 2006") + " to " + to.Format("January 2, 2006")
}

// claims is the JWT payload: the credential with the registered claims that repeat it.
type claims struct {
	Credential
	jwt.RegisteredClaims
}

// Sign returns c as a VC-JWT: JOSE header exactly alg RS256, kid and typ JWT; payload the
// credential with iss = issuer.id, jti = id, nbf = validFrom, and sub = credentialSubject.id
// only when the subject has an id.
func Sign(c Credential, key *rsa.PrivateKey, kid string) (string, error) {
	if key == nil || kid == "" {
		return "", errors.New("openbadges: a credential needs a signing key and its kid")
	}
	validFrom, err := time.Parse(time.RFC3339, c.ValidFrom)
	if err != nil {
		return "", fmt.Errorf("openbadges: validFrom: %w", err)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims{Credential: c, RegisteredClaims: jwt.RegisteredClaims{
		Issuer: c.Issuer.ID, ID: c.ID, NotBefore: jwt.NewNumericDate(validFrom), Subject: c.CredentialSubject.ID,
	}})
	tok.Header = map[string]any{"alg": Algorithm, "kid": kid, "typ": "JWT"}
	return tok.SignedString(key)
}

// NewAchievement is the event a states as an Achievement: a result description per session
// described and per category.
func NewAchievement(a Attendance) Achievement {
	ach := Achievement{
		ID: a.AchievementID, Type: []string{"Achievement"}, AchievementType: "CertificateOfCompletion",
		Name:        a.EventTitle,
		Description: strings.TrimSpace(fmt.Sprintf("Attendance at %s, %s. %s", a.EventTitle, dates(a.StartDate, a.EndDate), a.Format)),
		Criteria: Criteria{Narrative: "Attendance at the event's sessions, as posted by " + a.Issuer.Name +
			", the sponsor; the results give the CEUs earned per session attended and per ABCP category."},
	}
	if a.ApprovalRef != "" {
		ach.OtherIdentifier = []IdentifierEntry{{Type: "IdentifierEntry", Identifier: a.ApprovalRef, IdentifierType: IdentifierApprovalRef}}
	}
	for _, s := range a.Sessions {
		ach.ResultDescription = append(ach.ResultDescription, ResultDescription{ID: sessionResultID(a.AchievementID, s.ID),
			Type: []string{"ResultDescription"}, ResultType: ResultTypeCEUs,
			Name: fmt.Sprintf("CEUs: %s (%s, %s, %s CEUs available)", s.Title, s.Date.Format("January 2, 2006"), categoryLabel(s.Category), s.CEUs)})
	}
	for _, c := range a.ByCategory {
		ach.ResultDescription = append(ach.ResultDescription, ResultDescription{ID: categoryResultID(a.AchievementID, c.Category),
			Type: []string{"ResultDescription"}, ResultType: ResultTypeCEUs, Name: "CEUs in " + categoryLabel(c.Category)})
	}
	return ach
}
