package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/roster"
)

// rosterBodyLimit is the body limit of a roster post: 10,000 rows fit with room to spare.
const rosterBodyLimit = 8 << 20

// PostRoster upserts an event's attendance from a JSON or CSV roster.
func (s *Server) PostRoster(ctx context.Context, req api.PostRosterRequestObject) (api.PostRosterResponseObject, error) {
	p := principalFrom(ctx)
	if _, err := s.managedEvent(ctx, req.EventID); err != nil {
		return nil, err
	}
	in, err := readRoster(req)
	if err != nil {
		return nil, err
	}
	mode := string(value(req.Params.Mode))
	if mode == "" {
		mode = "atomic"
	}
	dry := value(req.Params.DryRun)
	key := value(req.Params.IdempotencyKey)
	if key == "" || dry {
		body, err := s.applyRoster(ctx, req.EventID, in, mode, dry, nil)
		if err != nil {
			return nil, err
		}
		return rosterResponse{body: body}, nil
	}

	hash := requestHash(req.EventID, mode, in.raw)
	if res, err := s.replay(ctx, p.Subject, key, hash); res != nil || err != nil {
		return res, err
	}
	release, ok := s.inflight.acquire(p.Subject + "\x00" + key)
	if !ok {
		return nil, recert.Errorf(recert.ECONFLICT, "a request with this Idempotency-Key is still being processed; retry shortly")
	}
	defer release()
	if res, err := s.replay(ctx, p.Subject, key, hash); res != nil || err != nil {
		return res, err // it finished while this one waited for the key
	}
	idem := &recert.IdempotencyKey{Principal: p.Subject, Key: key, RequestHash: hash}
	body, err := s.applyRoster(ctx, req.EventID, in, mode, false, idem)
	if err != nil {
		return nil, err
	}
	return rosterResponse{body: body}, nil
}

// rosterInput is a parsed roster: its rows, the field errors of rows the parser already
// knows are bad, and the bytes the request is identified by.
type rosterInput struct {
	rows    []recert.RosterRow
	invalid map[int][]recert.FieldError
	raw     []byte
}

func readRoster(req api.PostRosterRequestObject) (rosterInput, error) {
	if req.JSONBody != nil {
		return jsonRoster(*req.JSONBody)
	}
	raw, err := io.ReadAll(req.Body)
	if err != nil {
		return rosterInput{}, recert.Wrap(err, recert.EBADREQUEST, "the roster could not be read")
	}
	rows, err := roster.ReadCSV(bytes.NewReader(raw))
	invalid := roster.Invalid(err)
	if err != nil && invalid == nil {
		return rosterInput{}, err
	}
	return rosterInput{rows: rows, invalid: invalid, raw: raw}, nil
}

func jsonRoster(body api.RosterInput) (rosterInput, error) {
	if len(body.Rows) > roster.MaxRows {
		return rosterInput{}, recert.Errorf(recert.ETOOLARGE, "the roster has %d rows; at most %d are accepted per request", len(body.Rows), roster.MaxRows)
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return rosterInput{}, err
	}
	in := rosterInput{raw: raw, invalid: map[int][]recert.FieldError{}}
	for i, r := range body.Rows {
		row := recert.RosterRow{Index: i, ABCPID: strings.TrimSpace(value(r.ABCPID)), Email: strings.TrimSpace(value(r.Email)),
			Name: strings.TrimSpace(value(r.Name)), SessionIDs: r.Sessions}
		if r.Ceus != nil {
			u, err := recert.ParseUnits(*r.Ceus)
			if err != nil {
				in.invalid[i] = append(in.invalid[i], recert.FieldError{Location: "body", Pointer: pointerf("#/rows/%d/ceus", i), Detail: err.Error()})
			}
			row.CEUs = &u
		}
		if fe := roster.CheckRow(row); len(fe) > 0 {
			in.invalid[i] = append(in.invalid[i], fe...)
		}
		in.rows = append(in.rows, row)
	}
	return in, nil
}

// applyRoster applies the rows the parser found valid and reports on all of them. In atomic
// mode a roster with bad rows is refused whole, listing every bad row: those the parser
// found and those the store would reject.
func (s *Server) applyRoster(ctx context.Context, eventID string, in rosterInput, mode string, dry bool, idem *recert.IdempotencyKey) ([]byte, error) {
	valid := slices.DeleteFunc(slices.Clone(in.rows), func(r recert.RosterRow) bool { return in.invalid[r.Index] != nil })
	opts := recert.RosterOptions{Partial: mode == "partial", DryRun: dry, Actor: principalFrom(ctx).Subject}
	if len(in.invalid) > 0 && !opts.Partial {
		opts.DryRun, opts.Partial = true, true // only to learn which other rows are bad
		outcomes, err := s.store.ApplyRoster(ctx, eventID, valid, opts)
		if err != nil {
			return nil, err
		}
		return nil, rejectRoster(in, mergeOutcomes(in, outcomes))
	}
	var body []byte
	render := func(outcomes []recert.RosterOutcome) (int, []byte, error) {
		b, err := json.Marshal(rosterResult(eventID, mode, dry, in, mergeOutcomes(in, outcomes)))
		body = b
		return http.StatusOK, b, err
	}
	if idem != nil {
		opts.Respond, opts.Idempotency = render, idem
	}
	outcomes, err := s.store.ApplyRoster(ctx, eventID, valid, opts)
	if err != nil {
		return nil, err
	}
	if body == nil {
		if _, _, err := render(outcomes); err != nil {
			return nil, err
		}
	}
	return body, nil
}

// mergeOutcomes puts the parser's rejections and the store's outcomes back in roster order.
func mergeOutcomes(in rosterInput, stored []recert.RosterOutcome) []recert.RosterOutcome {
	out := slices.Clone(stored)
	for i, fields := range in.invalid {
		out = append(out, recert.RosterOutcome{Index: i, Status: recert.RowRejected, Reason: fields[0].Detail, Fields: fields})
	}
	slices.SortFunc(out, func(a, b recert.RosterOutcome) int { return a.Index - b.Index })
	return out
}

func rejectRoster(in rosterInput, outcomes []recert.RosterOutcome) error {
	var fields []recert.FieldError
	for _, o := range outcomes {
		if o.Status == recert.RowRejected {
			fields = append(fields, o.Fields...)
		}
	}
	return &recert.Error{Code: recert.EINVALID, Fields: fields,
		Message: pointerf("%d of %d rows are invalid; nothing was written (mode=partial writes the valid rows)", countRejected(outcomes), len(in.rows))}
}

func countRejected(outcomes []recert.RosterOutcome) int {
	n := 0
	for _, o := range outcomes {
		if o.Status == recert.RowRejected {
			n++
		}
	}
	return n
}

func rosterResult(eventID, mode string, dry bool, in rosterInput, outcomes []recert.RosterOutcome) api.RosterResult {
	res := api.RosterResult{EventID: eventID, Mode: api.RosterResultMode(mode), DryRun: dry, Rows: make([]api.RosterRowResult, len(outcomes))}
	lines := make(map[int]int, len(in.rows))
	for _, r := range in.rows {
		lines[r.Index] = r.Line
	}
	res.Totals.Rows = len(outcomes)
	for i, o := range outcomes {
		row := api.RosterRowResult{Index: o.Index, Status: api.RosterRowResultStatus(o.Status), MemberID: optional(o.MemberID),
			AttendanceID: optional(o.AttendanceID), Reason: optional(o.Reason)}
		if l := lines[o.Index]; l > 0 {
			row.Line = ptr(l)
		}
		if o.MemberCreated {
			row.MemberCreated = ptr(true)
			res.Totals.MembersCreated++
		}
		for _, f := range o.Fields {
			row.Errors = appendField(row.Errors, f.Location, f.Pointer, f.Detail)
		}
		res.Rows[i] = row
		switch o.Status {
		case recert.RowCreated:
			res.Totals.Created++
		case recert.RowUpdated:
			res.Totals.Updated++
		case recert.RowUnchanged:
			res.Totals.Unchanged++
		case recert.RowRejected:
			res.Totals.Rejected++
		}
	}
	return res
}

// requestHash identifies a roster post, so a key reused for another request is caught.
func requestHash(eventID, mode string, raw []byte) string {
	h := sha256.New()
	h.Write([]byte(eventID + "\x00" + mode + "\x00"))
	h.Write(raw)
	return hex.EncodeToString(h.Sum(nil))
}

// replay answers a retried request with the stored response, or refuses a key reused for
// a different request.
func (s *Server) replay(ctx context.Context, principal, key, hash string) (api.PostRosterResponseObject, error) {
	stored, status, body, found, err := s.store.IdempotentResponse(ctx, principal, key)
	if err != nil || !found {
		return nil, err
	}
	if stored != hash {
		return nil, &recert.Error{Code: recert.EINVALID, Message: "this Idempotency-Key was used for a different request",
			Fields: []recert.FieldError{{Location: "header", Pointer: "#/Idempotency-Key", Detail: "already used with another body or query"}}}
	}
	return rosterResponse{status: status, body: body, replayed: true}, nil
}

// rosterResponse writes a rendered (or stored) roster result as is.
type rosterResponse struct {
	status   int
	body     []byte
	replayed bool
}

func (r rosterResponse) VisitPostRosterResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	if r.replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	if r.status == 0 {
		r.status = http.StatusOK
	}
	w.WriteHeader(r.status)
	_, err := w.Write(r.body)
	return err
}

// inflight holds the idempotency keys of requests being processed by this instance, so a
// concurrent duplicate is refused (409) instead of waiting on the first one's transaction.
type inflight struct {
	mu   sync.Mutex
	keys map[string]bool
}

func (f *inflight) acquire(key string) (release func(), ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.keys == nil {
		f.keys = map[string]bool{}
	}
	if f.keys[key] {
		return nil, false
	}
	f.keys[key] = true
	return func() {
		f.mu.Lock()
		delete(f.keys, key)
		f.mu.Unlock()
	}, true
}
