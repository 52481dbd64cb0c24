package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// disputeData is the dispute form about one event: what is on file and what was typed.
type disputeData struct {
	Event    recert.Event
	Posted   bool // the member's attendance is posted (and not revoked)
	Kind     string
	Sessions map[string]bool
	Message  string
}

// publishedEvent is an event of the public catalogue; a draft is not found.
func (p *Pages) publishedEvent(c echo.Context, id string) (recert.Event, error) {
	e, err := p.store.Event(ctxOf(c), id)
	if err == nil && e.Status == recert.EventDraft {
		err = recert.Errorf(recert.ENOTFOUND, "no such event")
	}
	return e, err
}

// disputePage is the form that disputes the member's attendance at an event: wrong when it
// is posted, missing when it is not.
func (p *Pages) disputePage(c echo.Context) error {
	u, _ := p.user(c)
	e, err := p.publishedEvent(c, c.QueryParam("event"))
	if err != nil {
		return p.fail(c, err)
	}
	d := disputeData{Event: e, Kind: ledger.DisputeMissing, Sessions: map[string]bool{}}
	a, found, err := p.store.AttendanceOf(ctxOf(c), e.ID, u.MemberID)
	if err != nil {
		return p.fail(c, err)
	}
	if found && !a.Revoked {
		d.Posted, d.Kind = true, ledger.DisputeWrong
		for _, s := range a.Sessions {
			d.Sessions[s.SessionID] = true
		}
	}
	return p.render(c, http.StatusOK, "dispute", "Dispute a credit", d)
}

// fileDispute files the dispute by the API's rules.
func (p *Pages) fileDispute(c echo.Context) error {
	u, _ := p.user(c)
	e, err := p.publishedEvent(c, c.FormValue("event"))
	if err != nil {
		return p.fail(c, err)
	}
	form, _ := c.FormParams()
	in := ledger.DisputeInput{EventID: e.ID, MemberID: u.MemberID, Kind: c.FormValue("kind"), Message: strings.TrimSpace(c.FormValue("message"))}
	d := disputeData{Event: e, Kind: in.Kind, Message: in.Message, Sessions: map[string]bool{}}
	for _, s := range form["session"] {
		if !slices.Contains(in.SessionIDs, s) {
			in.SessionIDs = append(in.SessionIDs, s)
		}
		d.Sessions[s] = true
	}
	if a, found, _ := p.store.AttendanceOf(ctxOf(c), e.ID, u.MemberID); found && !a.Revoked {
		d.Posted = true
	}
	if u.MemberID == "" {
		return p.fail(c, recert.Errorf(recert.ENOTFOUND, "no member record"))
	}
	if _, err := p.records.FileDispute(ctxOf(c), in, u.ID); err != nil {
		return p.redo(c, err, "dispute", "Dispute a credit", d)
	}
	return c.Redirect(http.StatusSeeOther, "/app/credits?done=disputed")
}

type catalogueData struct {
	Q      string
	Past   bool
	Events []recert.Event
}

// catalogue lists the published events to come, soonest first, or (past) those of the last
// year, where a member finds an event whose credit is missing; searchable by words.
func (p *Pages) catalogue(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	if len(q) > 200 {
		q = q[:200]
	}
	d := catalogueData{Q: q, Past: c.QueryParam("past") == "1"}
	f := recert.EventFilter{Page: recert.Page{Limit: 50}, Text: q, Statuses: []string{recert.EventPublished}, From: recert.DateOf(p.now()), Scope: recert.AllOrganizations()}
	if d.Past {
		f.From, f.To = recert.DateOf(p.now().AddDate(-1, 0, 0)), recert.DateOf(p.now().AddDate(0, 0, -1))
	}
	list, _, err := p.store.Events(ctxOf(c), f)
	if err != nil {
		return p.fail(c, err)
	}
	d.Events = list
	return p.render(c, http.StatusOK, "catalogue", "Event catalogue", d)
}

type whatIfData struct {
	Event   recert.Event
	Changes []ledger.Change
	Same    []ledger.Change
	// Started: the event has begun, so a member may have attended it.
	Started bool
}

// whatIf says what attending every session of an event would change, by the API's what-if.
func (p *Pages) whatIf(c echo.Context) error {
	u, _ := p.user(c)
	e, err := p.publishedEvent(c, c.Param("event_id"))
	if err != nil {
		return p.fail(c, err)
	}
	d := whatIfData{Event: e, Started: !recert.DateOf(p.now()).Before(e.StartDate)}
	if u.MemberID != "" {
		_, _, changes, err := p.progress.WhatIf(ctxOf(c), ledger.Query{MemberID: u.MemberID, Extra: ledger.EventCredits(e), Scope: recert.AllOrganizations()})
		if err != nil {
			return p.fail(c, err)
		}
		for _, ch := range changes {
			if ch.Changed {
				d.Changes = append(d.Changes, ch)
			} else if ch.Relation == "current" {
				d.Same = append(d.Same, ch)
			}
		}
	}
	return p.render(c, http.StatusOK, "whatif", "If I attend "+e.Title, d)
}

// memberDispute is one of the member's disputes, in words.
type memberDispute struct {
	recert.Dispute
	Event, Filed string
}

// memberDisputes are the member's disputes with their events' titles.
func (p *Pages) memberDisputes(c echo.Context, u recert.User) ([]memberDispute, error) {
	if u.MemberID == "" {
		return nil, nil
	}
	ctx := ctxOf(c)
	list, err := p.store.MemberDisputes(ctx, u.MemberID)
	if err != nil {
		return nil, err
	}
	titles := map[string]string{}
	out := make([]memberDispute, len(list))
	for i, d := range list {
		if _, ok := titles[d.EventID]; !ok {
			e, err := p.store.Event(ctx, d.EventID)
			if err != nil {
				return nil, err
			}
			titles[d.EventID] = e.Title
		}
		out[i] = memberDispute{Dispute: d, Event: titles[d.EventID], Filed: d.CreatedAt.Format("2 January 2006")}
	}
	return out, nil
}

// inboxItem is one open dispute, in words.
type inboxItem struct {
	recert.Dispute
	Event    string
	Member   string
	Sessions []string
	Filed    string
	Decided  string // when, for a decided one
	// Presence is the member's check-ins at the event, the evidence a converted attendance
	// rests on, in words.
	Presence []string
}

type inboxData struct {
	Decided bool // the "Decided" tab
	Items   []inboxItem
}

// disputeInbox lists the open disputes about the events of the organizer's organizations
// (every event's, for administrators), or under ?tab=decided the decided ones.
func (p *Pages) disputeInbox(c echo.Context) error {
	d := inboxData{Decided: c.QueryParam("tab") == "decided"}
	var err error
	if d.Items, err = p.inbox(c, d.Decided); err != nil {
		return p.fail(c, err)
	}
	return p.render(c, http.StatusOK, "inbox", "Disputes", d)
}

func (p *Pages) inbox(c echo.Context, decided bool) ([]inboxItem, error) {
	u, _ := p.user(c)
	ctx := ctxOf(c)
	scope := u.Scope()
	if scope.None() {
		return nil, nil
	}
	list, err := p.store.OpenDisputes(ctx, scope, 200)
	if decided {
		list, err = p.store.DecidedDisputes(ctx, scope, 200)
	}
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, d := range list {
		ids = append(ids, d.MemberID)
	}
	refs, err := p.store.FindMembers(ctx, nil, nil, ids)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, r := range refs {
		names[r.ID] = r.Name
	}
	events := map[string]recert.Event{}
	out := make([]inboxItem, 0, len(list))
	for _, d := range list {
		e, ok := events[d.EventID]
		if !ok {
			if e, err = p.store.Event(ctx, d.EventID); err != nil {
				return nil, err
			}
			events[d.EventID] = e
		}
		it := inboxItem{Dispute: d, Event: e.Title, Member: names[d.MemberID], Filed: d.CreatedAt.Format("2 January 2006")}
		if !d.ResolvedAt.IsZero() {
			it.Decided = d.ResolvedAt.Format("2 January 2006")
		}
		for _, s := range e.Sessions {
			if slices.Contains(d.SessionIDs, s.ID) {
				it.Sessions = append(it.Sessions, cmpOr(s.Code, s.Title))
			}
		}
		if it.Presence, err = p.presenceWords(ctx, e, d.MemberID); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// decideDispute accepts or rejects a dispute about an event the user organizes, as the
// API's decision does.
func (p *Pages) decideDispute(c echo.Context) error {
	u, _ := p.user(c)
	d, err := p.store.Dispute(ctxOf(c), c.Param("dispute_id"))
	if err == nil {
		_, _, err = p.managed(c, d.EventID)
	}
	if err != nil {
		return p.fail(c, recert.Errorf(recert.ENOTFOUND, "no such dispute"))
	}
	if _, err := p.records.DecideDispute(ctxOf(c), d, c.FormValue("decision"), c.FormValue("reason"), u.ID); err != nil {
		items, ierr := p.inbox(c, false)
		if ierr != nil {
			return p.fail(c, ierr)
		}
		return p.redo(c, err, "inbox", "Disputes", inboxData{Items: items})
	}
	return c.Redirect(http.StatusSeeOther, "/app/dispute-inbox?done=decided")
}
