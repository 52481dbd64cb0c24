package ledger

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// minPostTestScore is the SDCE post-test pass mark (rules.md §1.3).
const minPostTestScore = 80

// ActivityInput is an activity as a member reports it.
type ActivityInput struct {
	Type                string
	Date                recert.Date
	CEUs                *string // the CEUs claimed, or
	Minutes             int     // the minutes spent
	Category            string  // "": the type's own
	Title               string
	Citation, Provider  string
	ApprovalRef         string
	ApprovedBy          []string
	PostTestScore       *int
	Topics              []string
	DocumentationStatus string // "": none
}

// NewActivity applies the rules of a reported activity: CEUs or minutes, the category the
// type fixes, the SDCE pass mark, who may mark documentation verified.
func NewActivity(in ActivityInput, admin bool) (recert.Activity, error) {
	a := recert.Activity{
		Type: in.Type, Date: in.Date, Minutes: in.Minutes, Title: strings.TrimSpace(in.Title),
		Citation: in.Citation, Provider: in.Provider, ApprovalRef: in.ApprovalRef,
		PostTestScore: in.PostTestScore, Topics: in.Topics, DocumentationStatus: "none", ApprovedBy: in.ApprovedBy,
	}
	if in.DocumentationStatus != "" {
		a.DocumentationStatus = in.DocumentationStatus
	}
	// What the contract states for the API, said again for the pages' forms; every problem
	// is reported at once.
	var p Problems
	if activityWords[a.Type] == "" {
		p.Add("#/type", "choose the kind of activity")
	}
	if a.Date.IsZero() {
		p.Add("#/date", "give the completion date")
	}
	if a.Title == "" {
		p.Add("#/title", "give a title")
	} else if utf8.RuneCountInString(a.Title) > 300 {
		p.Add("#/title", "at most 300 characters")
	}
	if utf8.RuneCountInString(a.Citation) > 2000 {
		p.Add("#/citation", "at most 2,000 characters")
	}
	if utf8.RuneCountInString(a.Provider) > 300 {
		p.Add("#/provider", "at most 300 characters")
	}
	if a.PostTestScore != nil && (*a.PostTestScore < 0 || *a.PostTestScore > 100) {
		p.Add("#/post_test_score", "a score from 0 to 100")
	}
	if a.DocumentationStatus == "verified" && !admin {
		p.Add("#/documentation_status", "only an administrator marks documentation verified")
	}
	a.CEUs = activityCEUs(in, a.Minutes, &p)
	// The rules fix the category of every type but other, which may name one and otherwise
	// has none (a course only a state body approved).
	fixed := string(progress.ActivityType(a.Type).DefaultCategory())
	switch given := in.Category; {
	case a.Type == string(progress.OtherActivity) && given != "":
		a.Category = given
	case given != "" && given != fixed:
		p.Add("#/category", a.Type+" is Category "+fixed)
	default:
		a.Category = fixed
	}
	if a.Type == "sdce" && (a.PostTestScore == nil || *a.PostTestScore < minPostTestScore) {
		p.Add("#/post_test_score", "an SDCE module counts with a post-test score of at least 80")
	}
	return a, p.Err()
}

// activityCEUs are the CEUs claimed, or those the minutes spent make.
func activityCEUs(in ActivityInput, minutes int, p *Problems) recert.Units {
	switch {
	case in.CEUs != nil:
		u, err := recert.ParseUnits(*in.CEUs)
		if err != nil || u <= 0 {
			p.Add("#/ceus", "must be more than zero")
		}
		return u
	case minutes > 0:
		u := progress.FromMinutes(int64(minutes), progress.MinutesPerCEU)
		if u <= 0 {
			p.Add("#/minutes", "too few minutes for 0.01 CEU")
		}
		return u
	}
	p.Add("#/ceus", "give the CEUs claimed or the minutes spent")
	return 0
}

// ActivityTypes are the kinds of activity a member may report, with their names for people.
func ActivityTypes() [][2]string {
	out := make([][2]string, 0, len(activityOrder))
	for _, t := range activityOrder {
		out = append(out, [2]string{t, activityWords[t]})
	}
	return out
}

var activityOrder = []string{"meeting_attendance", "publication", "presentation", "editorial_review", "poster",
	"knowledge_base_survey", "simulation", "clinical_instructor", "sdce", "category_ii_meeting", "category_iii_self_study", "other"}

// ReviewActivity verifies or rejects a self-reported activity, with a reason for a
// rejection, and tells the member.
func (r *Records) ReviewActivity(ctx context.Context, id, decision, reason, actor string) (recert.Activity, error) {
	if err := CheckReview(decision, reason); err != nil {
		return recert.Activity{}, err
	}
	reason = strings.TrimSpace(reason)
	var a recert.Activity
	err := r.notifying(ctx, func(ctx context.Context) (_ []Notice, err error) {
		a, err = r.store.UpdateActivity(ctx, id, decision, reason, actor, func(a *recert.Activity) error {
			a.ReviewStatus, a.ReviewReason = decision, reason
			return nil
		})
		return []Notice{{Type: NoticeActivityReviewed, MemberID: a.MemberID, ActivityID: a.ID, Reason: reason, Decision: decision}}, err
	})
	return a, err
}

// CheckReview checks a review decision: verified, or rejected with a reason.
func CheckReview(decision, reason string) error {
	switch {
	case decision != recert.ReviewVerified && decision != recert.ReviewRejected:
		return FieldError("#/decision", "verify or reject the activity")
	case decision == recert.ReviewRejected && strings.TrimSpace(reason) == "":
		return FieldError("#/reason", "a rejection needs a reason")
	case utf8.RuneCountInString(reason) > 500:
		return FieldError("#/reason", "at most 500 characters")
	}
	return nil
}

// EvidenceLimit is the largest document a member may attach.
const EvidenceLimit = 10 << 20

// evidenceTypes are the document types accepted, as sniffed from the content.
var evidenceTypes = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true}

// EvidenceTypes are the media types of the documents accepted.
func EvidenceTypes() []string { return []string{"application/pdf", "image/jpeg", "image/png"} }

// AddEvidence checks a document by its content and stores it for ev's activity or
// attendance; an activity's documentation becomes attached.
func (r *Records) AddEvidence(ctx context.Context, ev recert.Evidence, data []byte, actor string) (recert.Evidence, error) {
	if len(data) == 0 {
		return ev, FieldError("#", "the document is empty")
	}
	if len(data) > EvidenceLimit {
		return ev, recert.Errorf(recert.ETOOLARGE, "the document is larger than 10 MB")
	}
	// The name and the Content-Type header are the sender's word; the bytes are not.
	ct := http.DetectContentType(data)
	if !evidenceTypes[ct] {
		return ev, FieldError("#", "not a PDF, JPEG or PNG document (its content looks like "+ct+")")
	}
	sum := sha256.Sum256(data)
	ev.ContentType, ev.SHA256, ev.Data = ct, hex.EncodeToString(sum[:]), data
	return r.store.AddEvidence(ctx, ev, actor)
}

// ClinicalInput is one line of a member's clinical case log.
type ClinicalInput struct {
	Date          recert.Date
	Type          string
	Role          string // primary or secondary
	Count         int    // shifts for ECMO and VAD; zero: 1
	CaseReference string // an institutional case number; only its hash is kept
	// Line is where the case is on the member's form, from 1; zero: its place in the list.
	Line int
}

// NewClinicalEntry checks a clinical case for the member's log.
func NewClinicalEntry(memberID string, in ClinicalInput) (recert.ClinicalEntry, error) {
	e := recert.ClinicalEntry{MemberID: memberID, Date: in.Date, Type: in.Type, Role: in.Role, Count: in.Count}
	if e.Count == 0 {
		e.Count = 1
	}
	ref := strings.TrimSpace(in.CaseReference)
	// Every problem of the case at once.
	var p Problems
	if e.Date.IsZero() {
		p.Add("#/date", "give the date of the case")
	}
	if clinicalWords[e.Type] == "" {
		p.Add("#/type", "choose the kind of case")
	}
	if e.Role != "primary" && e.Role != "secondary" {
		p.Add("#/role", "primary or secondary")
	}
	if e.Count < 1 || e.Count > 100 {
		p.Add("#/count", "from 1 to 100")
	}
	if utf8.RuneCountInString(ref) > 200 {
		p.Add("#/case_reference", "at most 200 characters")
	}
	if err := p.Err(); err != nil {
		return e, err
	}
	if ref != "" {
		// Only a hash is kept: enough to spot a case claimed twice, nothing to identify a patient by.
		h := sha256.Sum256([]byte(memberID + "\x00" + strings.ToUpper(ref)))
		e.CaseRefHash = h[:]
	}
	return e, nil
}

// ClinicalTypes are the kinds of clinical case, with their names for people.
func ClinicalTypes() [][2]string {
	order := []string{"bypass_primary", "instructor", "veno_venous_bypass", "organ_perfusion", "cps", "ecmo", "vad", "standby", "first_assistant", "other"}
	out := make([][2]string, 0, len(order))
	for _, t := range order {
		out = append(out, [2]string{t, clinicalWords[t]})
	}
	return out
}

// LogClinical logs several cases at once: all of them, or none when one is wrong (its
// problems name each case by its line on the member's form).
func (r *Records) LogClinical(ctx context.Context, memberID string, in []ClinicalInput, actor string) ([]recert.ClinicalEntry, error) {
	if err := CheckClinical(memberID, in); err != nil {
		return nil, err
	}
	entries := make([]recert.ClinicalEntry, len(in))
	for i, c := range in {
		entries[i], _ = NewClinicalEntry(memberID, c)
	}
	err := r.store.InTx(ctx, func(ctx context.Context) error {
		for i, e := range entries {
			created, err := r.store.CreateClinicalEntry(ctx, e, actor)
			if err != nil {
				return err
			}
			entries[i] = created
		}
		return nil
	})
	return entries, err
}

// CheckClinical checks several cases for the member's log, every problem of every case at
// once: a case's field is at #/lines/{n}/{field}, n counting the form's lines from 0 (the
// line numbered n+1 on the form).
func CheckClinical(memberID string, in []ClinicalInput) error {
	var p Problems
	for i, c := range in {
		_, err := NewClinicalEntry(memberID, c)
		var e *recert.Error
		if !errors.As(err, &e) {
			continue
		}
		for _, f := range e.Fields {
			p.Add(fmt.Sprintf("#/lines/%d/%s", cmp.Or(c.Line, i+1)-1, strings.TrimPrefix(f.Pointer, "#/")), f.Detail)
		}
	}
	return p.Err()
}
