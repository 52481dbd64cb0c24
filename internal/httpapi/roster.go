package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/roster"
)

func init() {
	// A CSV roster is read once, by the roster reader, from the bytes as sent: the request
	// validator must not parse it as CSV of its own (it refuses a byte-order mark before a
	// quoted header cell that the reader accepts), so it only takes the body as text.
	openapi3filter.RegisterBodyDecoder("text/csv", openapi3filter.FileBodyDecoder)
}

// rosterBodyLimit is the body limit of a roster post: 10,000 rows fit with room to spare.
const rosterBodyLimit = 8 << 20

// PostRoster reads a JSON or CSV roster and hands it to the ledger, under the request's
// Idempotency-Key when it has one.
func (s *Server) PostRoster(ctx context.Context, req api.PostRosterRequestObject) (api.PostRosterResponseObject, error) {
	p := principalFrom(ctx)
	if _, err := s.managedEvent(ctx, req.EventID); err != nil {
		return nil, err
	}
	in, raw, err := readRoster(req)
	if err != nil {
		return nil, err
	}
	mode := string(value(req.Params.Mode))
	if mode == "" {
		mode = "atomic"
	}
	in.EventID, in.Actor = req.EventID, p.Subject
	in.Partial, in.DryRun, in.Override = mode == "partial", value(req.Params.DryRun), value(req.Params.Override)
	in.AllSessions = value(req.Params.AllSessions)
	in.Viewer = p.Scope()

	var key *ledger.IdempotencyKey
	if k := value(req.Params.IdempotencyKey); k != "" && !in.DryRun {
		if req.JSONBody != nil { // a JSON roster is identified by its rows, re-encoded only when a key needs them
			if raw, err = json.Marshal(*req.JSONBody); err != nil {
				return nil, err
			}
		}
		key = &ledger.IdempotencyKey{Principal: p.Subject, Key: k,
			RequestHash: requestHash(req.EventID, mode, strconv.FormatBool(in.Override), strconv.FormatBool(in.AllSessions), raw)}
	}
	res, err := s.idem.Do(ctx, key, func(ctx context.Context) (ledger.Response, error) {
		out, err := s.rosters.Post(ctx, in)
		if err != nil {
			return ledger.Response{}, err
		}
		body, err := json.Marshal(rosterResult(out, mode, in))
		return ledger.Response{Status: http.StatusOK, Body: body}, err
	})
	if err != nil {
		return nil, err
	}
	return rawResponse(res), nil
}

// readRoster reads the request's rows (syntax only) and, for a CSV file, the bytes that
// identify it.
func readRoster(req api.PostRosterRequestObject) (ledger.RosterInput, []byte, error) {
	if req.JSONBody != nil {
		return jsonRoster(*req.JSONBody)
	}
	raw, err := io.ReadAll(req.Body)
	if err != nil {
		return ledger.RosterInput{}, nil, recert.Wrap(err, recert.EBADREQUEST, "the roster could not be read")
	}
	in, err := ledger.CSVRoster(raw)
	return in, raw, err
}

func jsonRoster(body api.RosterInput) (ledger.RosterInput, []byte, error) {
	if len(body.Rows) > roster.MaxRows {
		return ledger.RosterInput{}, nil, recert.Errorf(recert.ETOOLARGE, "the roster has %d rows; at most %d are accepted per request", len(body.Rows), roster.MaxRows)
	}
	in := ledger.RosterInput{Invalid: map[int][]recert.FieldError{}, Rows: make([]recert.RosterRow, 0, len(body.Rows))}
	for i, r := range body.Rows {
		row := recert.RosterRow{Index: i, ABCPID: strings.TrimSpace(value(r.ABCPID)), Email: strings.TrimSpace(value(r.Email)),
			Name: strings.TrimSpace(value(r.Name)), Sessions: r.Sessions}
		if r.Ceus != nil {
			u, err := recert.ParseUnits(*r.Ceus)
			if err != nil {
				in.Invalid[i] = append(in.Invalid[i], row.Field("ceus", err.Error()))
			}
			row.CEUs = &u
		}
		if fe := roster.CheckRow(row); len(fe) > 0 {
			in.Invalid[i] = append(in.Invalid[i], fe...)
		}
		in.Rows = append(in.Rows, row)
	}
	return in, nil, nil
}

// rosterResult converts the ledger's report.
func rosterResult(r ledger.RosterResult, mode string, in ledger.RosterInput) api.RosterResult {
	res := api.RosterResult{EventID: r.EventID, PostingID: optional(r.PostingID), Mode: api.RosterResultMode(mode),
		DryRun: in.DryRun, Override: in.Override, Warnings: r.Warnings, IgnoredColumns: r.Ignored,
		NotListed: make([]api.RosterNotListed, len(r.NotListed)), Rows: make([]api.RosterRowResult, len(r.Rows))}
	for i, n := range r.NotListed {
		res.NotListed[i] = api.RosterNotListed{AttendanceID: n.AttendanceID, Member: rosterMember(n.Member)}
	}
	for i, row := range r.Rows {
		res.Rows[i] = rosterRow(row)
	}
	t := &res.Totals
	t.Rows, t.Created, t.Updated, t.Unchanged = len(r.Rows), r.Totals[ledger.RowCreated], r.Totals[ledger.RowUpdated], r.Totals[ledger.RowUnchanged]
	t.Kept, t.Rejected, t.MembersCreated = r.Totals[ledger.RowKept], r.Totals[ledger.RowRejected], r.Totals["members_created"]
	return res
}

func rosterRow(r ledger.RowResult) api.RosterRowResult {
	out := api.RosterRowResult{Status: api.RosterRowResultStatus(r.Status), AttendanceID: optional(r.AttendanceID),
		Reason: optional(r.Reason), Warnings: r.Warnings, Name: optional(r.Row.Name)}
	if c := r.Credit; c != nil {
		out.Sessions, out.Ceus = c.Sessions, ptr(c.CEUs.String())
	}
	if r.Row.Line > 0 {
		out.Line = ptr(r.Row.Line)
	} else {
		out.Row = ptr(r.Row.Index + 1)
	}
	if r.Member != nil {
		out.Member = ptr(rosterMember(*r.Member))
	}
	if r.ProposedABCPID != "" {
		out.Proposed = &struct {
			ABCPID *string `json:"abcp_id,omitempty"`
		}{ABCPID: ptr(r.ProposedABCPID)}
	}
	if c := r.Changes; c != nil {
		out.Changes = changes(c)
	}
	for _, f := range r.Errors {
		out.Errors = appendField(out.Errors, f.Location, f.Pointer, f.Detail)
	}
	return out
}

func rosterMember(m ledger.RowMember) api.RosterMember {
	out := api.RosterMember{ID: optional(m.ID), Name: optional(m.Name), Created: m.Created}
	if m.MatchedBy != "" {
		out.MatchedBy = ptr(api.RosterMemberMatchedBy(m.MatchedBy))
	}
	return out
}

func changes(c *ledger.AttendanceChanges) *api.AttendanceChanges {
	out := &api.AttendanceChanges{}
	if c.Sessions {
		out.Sessions = &struct {
			After  []string `json:"after"`
			Before []string `json:"before"`
		}{After: c.SessionsAfter, Before: c.SessionsBefore}
	}
	if c.CEUs {
		out.Ceus = &struct {
			After  api.CEUs `json:"after"`
			Before api.CEUs `json:"before"`
		}{After: c.CEUsAfter.String(), Before: c.CEUsBefore.String()}
	}
	if c.Revoked {
		out.Revoked = &struct {
			After  bool `json:"after"`
			Before bool `json:"before"`
		}{After: c.RevokedAfter, Before: c.RevokedBefore}
	}
	return out
}

// requestHash identifies a request by its parts, so a key reused for another is caught.
func requestHash(parts ...any) string {
	h := sha256.New()
	for _, p := range parts {
		switch v := p.(type) {
		case []byte:
			h.Write(v)
		case string:
			h.Write([]byte(v))
		}
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// idempotencyKey is the caller's key for a request made of parts (nil without a key).
func (s *Server) idempotencyKey(ctx context.Context, key string, parts ...any) *ledger.IdempotencyKey {
	if key == "" {
		return nil
	}
	var raw []any
	for _, p := range parts {
		if b, err := json.Marshal(p); err == nil {
			raw = append(raw, b)
		}
	}
	return &ledger.IdempotencyKey{Principal: principalFrom(ctx).Subject, Key: key, RequestHash: requestHash(raw...)}
}

// jsonResponse renders v as a response to store and replay.
func jsonResponse(status int, v any) (ledger.Response, error) {
	b, err := json.Marshal(v)
	return ledger.Response{Status: status, Body: b}, err
}

// rawResponse writes a rendered (or replayed) JSON response as is; it answers any
// operation whose response objects it implements.
type rawResponse ledger.Response

func (r rawResponse) write(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(r.Body))) // one write, not chunked
	if r.Replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(r.Status)
	_, err := w.Write(r.Body)
	return err
}

func (r rawResponse) VisitPostRosterResponse(w http.ResponseWriter) error          { return r.write(w) }
func (r rawResponse) VisitCreateActivityResponse(w http.ResponseWriter) error      { return r.write(w) }
func (r rawResponse) VisitCreateClinicalEntryResponse(w http.ResponseWriter) error { return r.write(w) }

// GetRosterTemplate gives a grid roster's header for the event, and one example row.
func (s *Server) GetRosterTemplate(ctx context.Context, req api.GetRosterTemplateRequestObject) (api.GetRosterTemplateResponseObject, error) {
	ev, err := s.managedEvent(ctx, req.EventID)
	if err != nil {
		return nil, err
	}
	b := bytes.NewReader(roster.Template(ev))
	return api.GetRosterTemplate200TextCsvResponse{Body: b, ContentLength: b.Size()}, nil
}

// ListRosterPostings lists the rosters posted for an event.
func (s *Server) ListRosterPostings(ctx context.Context, req api.ListRosterPostingsRequestObject) (api.ListRosterPostingsResponseObject, error) {
	if _, err := s.managedEvent(ctx, req.EventID); err != nil {
		return nil, err
	}
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	ps, err := s.rosters.Postings(ctx, req.EventID)
	if err != nil {
		return nil, err
	}
	ps, next, err := pageOf(ps, func(p recert.RosterPosting) string { return p.ID }, pg)
	if err != nil {
		return nil, err
	}
	out := api.RosterPostingList{Items: make([]api.RosterPosting, len(ps)), NextCursor: next}
	for i, p := range ps {
		out.Items[i] = toPosting(p)
	}
	return api.ListRosterPostings200JSONResponse(out), nil
}

// WithdrawRosterPosting revokes every attendance a roster created.
func (s *Server) WithdrawRosterPosting(ctx context.Context, req api.WithdrawRosterPostingRequestObject) (api.WithdrawRosterPostingResponseObject, error) {
	if _, err := s.managedEvent(ctx, req.EventID); err != nil {
		return nil, err
	}
	p, err := s.rosters.Withdraw(ctx, req.EventID, req.PostingID, strings.TrimSpace(req.Body.Reason), principalFrom(ctx).Subject)
	if err != nil {
		return nil, err
	}
	return api.WithdrawRosterPosting200JSONResponse(toPosting(p)), nil
}

func toPosting(p recert.RosterPosting) api.RosterPosting {
	out := api.RosterPosting{ID: p.ID, EventID: p.EventID, Rows: p.Rows, Created: p.Created, Updated: p.Updated,
		CreatedAt: p.CreatedAt, CreatedBy: p.CreatedBy, WithdrawnBy: optional(p.WithdrawnBy), WithdrawReason: optional(p.WithdrawReason)}
	if !p.WithdrawnAt.IsZero() {
		out.WithdrawnAt = ptr(p.WithdrawnAt)
	}
	return out
}
