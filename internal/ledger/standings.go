package ledger

import (
	"context"
	"errors"
	"sort"

	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// Standings evaluates several members' programs as one organization sees them (its own
// credits), from one read of their credits: a page of an organization's standing list. A
// program that cannot be evaluated for a member keeps its Problem; program, when not "",
// keeps that program only. The members are evaluated in parallel; each (when not nil) is
// handed a member's result as soon as it is final, on the goroutine that evaluated it, so
// that what the caller makes of it is done in parallel too.
func (p *Progress) Standings(ctx context.Context, members []recert.Member, scope recert.Scope, program string, each func(Result) error) ([]Result, error) {
	if scope.All() || scope.None() {
		return nil, errors.New("standings are an organization's: give its scope")
	}
	n, err := p.store.ProgramCount(ctx)
	if err != nil {
		return nil, err
	}
	return p.standings(ctx, members, n, nil, scope, program, each)
}

// StandingsOf is Standings of the members a page of versions names (MemberVersions), read by
// id at the same time as their credits: the credits are read whole (their windows follow from
// the members) on a connection of their own, so that a page waits for the longer of the two
// reads rather than for both. The versions give the catalogue's.
func (p *Progress) StandingsOf(ctx context.Context, subjects []Subject, scope recert.Scope, program string, each func(Result) error) ([]Result, error) {
	if scope.All() || scope.None() {
		return nil, errors.New("standings are an organization's: give its scope")
	}
	if len(subjects) == 0 {
		return nil, nil
	}
	ids := make([]string, len(subjects))
	for i, sub := range subjects {
		ids[i] = sub.Member.ID
	}
	var members []recert.Member
	var read pageCredits
	err := both(func() (err error) {
		members, err = p.store.MembersByID(ctx, ids)
		return err
	}, func() (err error) {
		read.credits, read.firsts, err = p.store.MembersCredits(ctx, ids, recert.Date{}, recert.Date{}, scope, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(members) != len(ids) {
		return nil, recert.Errorf(recert.ECONFLICT, "a member of the page is gone; read the page again")
	}
	return p.standings(ctx, members, subjects[0].Version.Programs, &read, scope, program, each)
}

// pageCredits are a page's summed credits and first credits, by member.
type pageCredits struct {
	credits map[string][]recert.Credit
	firsts  map[string]recert.Date
}

// standings evaluates the members with the catalogue of added programs, from their credits
// read (summed, whole) or, when nil, read here in the window the members' programs need.
func (p *Progress) standings(ctx context.Context, members []recert.Member, added int64, read *pageCredits, scope recert.Scope, program string, each func(Result) error) ([]Result, error) {
	catalogue, err := p.catalogueOf(ctx, added)
	if err != nil {
		return nil, err
	}
	ls, windows := make([]loaded, len(members)), make([]span, len(members))
	reads := make([]bool, len(members))
	err = inParallel(len(members), func(i int) (err error) {
		m := members[i]
		ls[i], windows[i], reads[i], err = p.prepare(catalogue, m, Query{MemberID: m.ID, Program: program, Scope: scope})
		return err
	})
	if err != nil {
		return nil, err
	}
	var ids []string
	var all span
	for i, m := range members {
		if reads[i] {
			ids = append(ids, m.ID)
			all = all.union(windows[i], len(ids) == 1)
		}
	}
	out := make([]Result, len(members))
	again := make([]bool, len(members)) // members whose summed credits must be read one by one
	// evaluate runs the members of want (all, when nil) over the credits read.
	evaluate := func(credits map[string][]recert.Credit, firsts map[string]recert.Date, want []bool) error {
		return inParallel(len(members), func(i int) (err error) {
			if want != nil && !want[i] {
				return nil
			}
			l := ls[i]
			if reads[i] {
				l.rec = Record{Credits: windows[i].credits(credits[l.member.ID]), FirstCredit: firsts[l.member.ID]}
			}
			// A standing shows the current period (Result.Standings).
			out[i], err = l.run(Query{Brief: true, Current: true}, nil)
			if want == nil && errors.Is(err, progress.ErrSummed) {
				again[i] = true
				return nil
			}
			if err == nil && each != nil {
				err = each(out[i])
			}
			return err
		})
	}
	credits, firsts := map[string][]recert.Credit{}, map[string]recert.Date{}
	switch {
	case read != nil:
		credits, firsts = read.credits, read.firsts
	case len(ids) > 0:
		if credits, firsts, err = p.store.MembersCredits(ctx, ids, all.from, all.to, scope, true); err != nil {
			return nil, err
		}
	}
	if err := evaluate(credits, firsts, nil); err != nil {
		return nil, err
	}
	var readAgain []string
	for i, m := range members {
		if again[i] {
			readAgain = append(readAgain, m.ID)
		}
	}
	if len(readAgain) == 0 {
		return out, nil
	}
	if credits, _, err = p.store.MembersCredits(ctx, readAgain, all.from, all.to, scope, false); err != nil {
		return nil, err
	}
	if err := evaluate(credits, firsts, again); err != nil {
		return nil, err
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
	return within(w, cs, func(c recert.Credit) recert.Date { return c.Date })
}

// record is a whole record as a read in the window would load it: its credits, activities and
// clinical entries dated in the window (each in date order, as MemberRecord gives them); leave
// and where the record starts are read whole either way.
func (w span) record(rec Record) Record {
	rec.Credits = w.credits(rec.Credits)
	rec.Activities = within(w, rec.Activities, func(a recert.Activity) recert.Date { return a.Date })
	rec.Entries = within(w, rec.Entries, func(e recert.ClinicalEntry) recert.Date { return e.Date })
	return rec
}

// within is the run of xs, in date order, dated in the window.
func within[T any](w span, xs []T, date func(T) recert.Date) []T {
	lo, hi := 0, len(xs)
	if !w.from.IsZero() {
		lo = sort.Search(len(xs), func(i int) bool { return !date(xs[i]).Before(w.from) })
	}
	if !w.to.IsZero() {
		hi = sort.Search(len(xs), func(i int) bool { return date(xs[i]).After(w.to) })
	}
	return xs[lo:max(lo, hi):max(lo, hi)] // nothing appended to it reaches a later one
}
