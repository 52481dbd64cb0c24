package ledger

import (
	"context"
	"errors"
	"slices"
	"sort"

	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// Standings evaluates several members' programs as one organization sees them (its own
// credits), from one read of their credits: a page of an organization's standing list. A
// program that cannot be evaluated for a member keeps its Problem; program, when not "",
// keeps that program only.
func (p *Progress) Standings(ctx context.Context, members []recert.Member, scope recert.Scope, program string) ([]Result, error) {
	if scope.All() || scope.None() {
		return nil, errors.New("standings are an organization's: give its scope")
	}
	n, err := p.store.ProgramCount(ctx)
	if err != nil {
		return nil, err
	}
	catalogue, err := p.catalogueOf(ctx, n)
	if err != nil {
		return nil, err
	}
	ls, windows := make([]loaded, len(members)), make([]span, len(members))
	reads := make([]bool, len(members))
	var ids []string
	var all span
	for i, m := range members {
		if ls[i], windows[i], reads[i], err = p.prepare(catalogue, m, Query{MemberID: m.ID, Program: program, Scope: scope}); err != nil {
			return nil, err
		}
		if reads[i] {
			ids = append(ids, m.ID)
			all = all.union(windows[i], len(ids) == 1)
		}
	}
	credits, firsts := map[string][]recert.Credit{}, map[string]recert.Date{}
	if len(ids) > 0 {
		if credits, firsts, err = p.store.MembersCredits(ctx, ids, all.from, all.to, scope, true); err != nil {
			return nil, err
		}
	}
	out := make([]Result, len(members))
	var again []string // members whose summed credits must be read one by one
	for i, l := range ls {
		if reads[i] {
			l.rec = Record{Credits: windows[i].credits(credits[l.member.ID]), FirstCredit: firsts[l.member.ID]}
		}
		// A standing shows the current period (Result.Standings).
		out[i], err = l.run(Query{Brief: true, Current: true}, nil)
		if errors.Is(err, progress.ErrSummed) {
			again = append(again, l.member.ID)
		} else if err != nil {
			return nil, err
		}
	}
	if len(again) == 0 {
		return out, nil
	}
	if credits, _, err = p.store.MembersCredits(ctx, again, all.from, all.to, scope, false); err != nil {
		return nil, err
	}
	for i, l := range ls {
		if reads[i] && slices.Contains(again, l.member.ID) {
			l.rec = Record{Credits: windows[i].credits(credits[l.member.ID]), FirstCredit: firsts[l.member.ID]}
			if out[i], err = l.run(Query{Brief: true, Current: true}, nil); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// union is the window covering w and o; first says w holds nothing yet.
func (w span) union(o span, first bool) span {
	if first {
		return o
	}
	if w.from.IsZero() || o.from.IsZero() {
		w.from = recert.Date{}
	} else if o.from.Before(w.from) {
		w.from = o.from
	}
	if w.to.IsZero() || o.to.IsZero() {
		w.to = recert.Date{}
	} else if o.to.After(w.to) {
		w.to = o.to
	}
	return w
}

// credits keeps the credits dated in the window, as a member's own read would load them:
// credits in date order (as MembersCredits gives them) are the run of them in the window.
func (w span) credits(cs []recert.Credit) []recert.Credit {
	lo, hi := 0, len(cs)
	if !w.from.IsZero() {
		lo = sort.Search(len(cs), func(i int) bool { return !cs[i].Date.Before(w.from) })
	}
	if !w.to.IsZero() {
		hi = sort.Search(len(cs), func(i int) bool { return cs[i].Date.After(w.to) })
	}
	return cs[lo:max(lo, hi):max(lo, hi)] // nothing appended to it reaches a later credit
}
