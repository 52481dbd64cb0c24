package httpapi

import (
	"bytes"
	"context"
	"io"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

func init() {
	// Documents arrive as their own media type; the contract describes them as binary strings.
	for _, ct := range ledger.EvidenceTypes() {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
	}
}

// UploadActivityEvidence stores a certificate or document for an activity.
func (s *Server) UploadActivityEvidence(ctx context.Context, req api.UploadActivityEvidenceRequestObject) (api.UploadActivityEvidenceResponseObject, error) {
	a, err := s.visibleActivity(ctx, req.MemberID, req.ActivityID)
	if err != nil {
		return nil, err
	}
	ev, err := s.addEvidence(ctx, req.Body, recert.Evidence{MemberID: a.MemberID, ActivityID: a.ID})
	if err != nil {
		return nil, err
	}
	return api.UploadActivityEvidence201JSONResponse(toEvidence(ev)), nil
}

// UploadAttendanceEvidence stores the certificate of the member's own attendance.
func (s *Server) UploadAttendanceEvidence(ctx context.Context, req api.UploadAttendanceEvidenceRequestObject) (api.UploadAttendanceEvidenceResponseObject, error) {
	a, err := s.store.Attendance(ctx, req.AttendanceID)
	if err != nil {
		return nil, err
	}
	if p := principalFrom(ctx); !p.IsAdmin() && !(p.Role == recert.RoleMember && p.MemberID == a.MemberID) {
		return nil, notFound("attendance", req.AttendanceID)
	}
	ev, err := s.addEvidence(ctx, req.Body, recert.Evidence{MemberID: a.MemberID, AttendanceID: a.ID})
	if err != nil {
		return nil, err
	}
	return api.UploadAttendanceEvidence201JSONResponse(toEvidence(ev)), nil
}

// addEvidence reads a document and hands it to the ledger, which checks it by its content.
func (s *Server) addEvidence(ctx context.Context, body io.Reader, ev recert.Evidence) (recert.Evidence, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return ev, err
	}
	return s.records.AddEvidence(ctx, ev, data, principalFrom(ctx).Subject)
}

// DownloadEvidence returns a document to the member it belongs to or an administrator.
func (s *Server) DownloadEvidence(ctx context.Context, req api.DownloadEvidenceRequestObject) (api.DownloadEvidenceResponseObject, error) {
	ev, err := s.store.Evidence(ctx, req.EvidenceID)
	if err != nil {
		return nil, err
	}
	p := principalFrom(ctx)
	if !p.IsAdmin() && !(p.Role == recert.RoleMember && p.MemberID == ev.MemberID) {
		return nil, notFound("evidence", req.EvidenceID)
	}
	return api.DownloadEvidence200AsteriskResponse{Body: bytes.NewReader(ev.Data), ContentType: ev.ContentType,
		ContentLength: int64(len(ev.Data))}, nil
}

func toEvidence(e recert.Evidence) api.Evidence {
	return api.Evidence{ID: e.ID, MemberID: e.MemberID, ActivityID: optional(e.ActivityID), AttendanceID: optional(e.AttendanceID),
		ContentType: api.EvidenceContentType(e.ContentType),
		Size:        e.Size, Sha256: e.SHA256, CreatedAt: e.CreatedAt, CreatedBy: e.CreatedBy}
}
