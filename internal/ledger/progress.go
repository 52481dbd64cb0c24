package ledger

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// ProgressStore is what evaluating a member's progress reads.
type ProgressStore interface {
	Member(ctx context.Context, id string) (recert.Member, error)
	// Programs returns the program documents administrators added.
	Programs(ctx context.Context) ([][]byte, error)
	// MemberRecord loads what a member's progress counts, dated in a window.
	MemberRecord(ctx context.Context, q RecordQuery) (Record, error)
	// ProgressSubject is the member, the Version of what their progress depends on besides the
	// date and the question, and whether scope sees them, in one read.
	ProgressSubject(ctx context.Context, memberID string, scope recert.Scope) (Subject, error)
	// ProgramCount is the number of program versions administrators added (never removed).
	ProgramCount(ctx context.Context) (int64, error)
	// MembersCredits is several members' credits dated from..to (zero: open) posted by the
	// scope's organizations, by member, and each one's first such credit, in one read each.
	MembersCredits(ctx context.Context, memberIDs []string, from, to recert.Date, scope recert.Scope, summed bool) (map[string][]recert.Credit, map[string]recert.Date, error)
	// MembersByID reads the members with these ids, in id order; one that does not exist is
	// left out.
	MembersByID(ctx context.Context, ids []string) ([]recert.Member, error)
}

// Version identifies the state a member's progress is evaluated from: any write their progress
// reads changes Ledger; an added program version changes Programs. Two evaluations of the same
// question at the same Version and date are the same.
type Version struct{ Ledger, Programs int64 }

// Subject is a member as their progress reads them, the Version it is evaluated from, and
// whether the scope that asked sees them (organizers and apps see the members related to their
// organizations; every organization sees all).
type Subject struct {
	Member  recert.Member
	Version Version
	Visible bool
}

// CallerRead names the caller a request reads: a user's account (usr_…) and the sign-in its
// token names ("" for none), or an API client (cli_…).
type CallerRead struct{ ID, SignIn string }

// Caller is a caller as read with another read: the user's account and whether its sign-in is
// live, or the client; and whether there is such a caller at all.
type Caller struct {
	User        recert.User
	Client      recert.Client
	Live, Found bool
}

// RecordQuery selects the part of a member's record that an evaluation reads.
type RecordQuery struct {
	MemberID string
	// From and To bound the dates loaded (inclusive); zero: open.
	From, To recert.Date
	// Scope limits the record to credit its organizations posted, for organizers and apps;
	// every organization's is the whole record, with self-reported activities, clinical
	// entries and leave.
	Scope recert.Scope
	// Brief leaves out what only describes a credit (its session's title): the answer lists
	// no credit.
	Brief bool
	// Summed, with Brief, reads a meeting's alike sessions of one day (an attendance's credit
	// classes) as one credit standing for all of them (recert.Credit.Count): a brief
	// evaluation counts them at once, and says when it needs each (progress.ErrSummed).
	Summed bool
}

// Record is a member's record as progress counts it: of each activity, clinical entry and
// leave period, what an evaluation reads.
type Record struct {
	// Credits are posted attendance credits dated in the window, not revoked.
	Credits []recert.Credit
	// Activities are self-reported activities dated in the window, not withdrawn (rejected ones
	// included, so that progress lists them as not counted).
	Activities []recert.Activity
	// Entries are clinical entries dated in the window, not withdrawn.
	Entries []recert.ClinicalEntry
	// Leave is every leave period of the member.
	Leave []recert.Leave
	// FirstCredit and FirstEntry are the earliest dates of the whole record (credits and
	// activities; clinical entries), where Recert's record of the member starts.
	FirstCredit, FirstEntry recert.Date
}

// Progress evaluates members' progress: it loads a member's record, enrolment and facts once,
// for progress, what-if and the filing report.
type Progress struct {
	store    ProgressStore
	programs ProgramStore // nil: programs are only read
	builtIn  []progress.Program
	now      func() time.Time
	// parsed is the catalogue as last read, with the count of added programs it holds:
	// programs are only ever added, so an unchanged count is an unchanged catalogue.
	parsed atomic.Pointer[parsedCatalogue]
}

type parsedCatalogue struct {
	added    int64
	programs []progress.Program
}

// NewProgress returns the progress use cases over st, with the built-in programs.
func NewProgress(st ProgressStore, builtIn []progress.Program, now func() time.Time) *Progress {
	return &Progress{store: st, builtIn: builtIn, now: now}
}

// Catalogue is every program version: the built-in ones and those administrators added, by id
// then version. The slice is shared: callers only read it.
func (p *Progress) Catalogue(ctx context.Context) ([]progress.Program, error) {
	n, err := p.store.ProgramCount(ctx)
	if err != nil {
		return nil, err
	}
	return p.catalogueOf(ctx, n)
}

// catalogueOf is the catalogue holding added programs, parsed again only when that changed.
func (p *Progress) catalogueOf(ctx context.Context, added int64) ([]progress.Program, error) {
	if c := p.parsed.Load(); c != nil && c.added == added {
		return c.programs, nil
	}
	docs, err := p.store.Programs(ctx)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(p.builtIn)
	for _, doc := range docs {
		prog, err := progress.ParseProgram(doc)
		if err != nil {
			// Stored programs were validated when added; one that no longer parses is a defect.
			return nil, fmt.Errorf("stored program: %w", err)
		}
		out = append(out, prog)
	}
	slices.SortFunc(out, func(a, b progress.Program) int { return cmp.Or(strings.Compare(a.ID, b.ID), a.Version-b.Version) })
	for i := range out {
		// Checked once here, not in every evaluation.
		if out[i], err = out[i].Check(); err != nil {
			return nil, fmt.Errorf("program %s version %d: %w", out[i].ID, out[i].Version, err)
		}
	}
	p.parsed.Store(&parsedCatalogue{added: int64(len(docs)), programs: out})
	return out, nil
}

// IsBuiltIn reports whether a program version ships with Recert.
func (p *Progress) IsBuiltIn(prog progress.Program) bool {
	return slices.ContainsFunc(p.builtIn, func(b progress.Program) bool { return b.ID == prog.ID && b.Version == prog.Version })
}

// Query is what a progress evaluation asks for.
type Query struct {
	MemberID string
	// Program is one program id, or "" for every program the member is enrolled in; with
	// Family, every program whose id starts with Program+"-" too (abcp-ccp: both ABCP reports).
	Program string
	Family  bool
	// AsOf is the date evaluated; zero: today in each program's time zone.
	AsOf recert.Date
	// Period chooses the periods by a date inside the current one (a report's period); zero:
	// AsOf. The periods are judged as of AsOf (Decision 20).
	Period recert.Date
	// Scope limits the record to its organizations' credits (organizers, apps); every
	// organization's is the whole record.
	Scope recert.Scope
	// Extra are hypothetical credits added to the record (what-if).
	Extra []progress.Credit
	// Subject is the member as the caller read them (ProgressSubject); nil: read it.
	Subject *Subject
	// Record is the member's whole record (no window) in Scope, read with Subject, brief and
	// summed as Brief says; nil: the record is read in the window the programs need. Evaluate
	// cuts it to that window; it is not read when Extra credits are evaluated.
	Record *Record
	// Change is a proposed change to the member's record, evaluated as if it were saved (the
	// effect of moving where the record starts, shown before saving).
	Change *recert.MemberChange
	// Brief leaves out what only a list of credits shows: each credit's allocation
	// (PeriodResult.Credits) and the descriptions in Result.About.
	Brief bool
	// Current evaluates the current period of each program only (every period when none is).
	Current bool
}

// Evaluated is one program's evaluation: CEU or Clinical, or the problem that stopped it.
type Evaluated struct {
	// Program is the catalogue's, shared and read-only: it is not copied for each evaluation.
	Program *progress.Program
	AsOf    recert.Date
	// Period is the date choosing the periods (zero: AsOf).
	Period   recert.Date
	CEU      *progress.Evaluation
	Clinical *progress.ClinicalEvaluation
	Problem  error
}

// Result is a member's progress in the programs asked for.
type Result struct {
	Member   recert.Member
	Programs []Evaluated
	// About describes each credit and clinical entry in people's words, by id.
	About map[string]string
}

// Evaluate loads the member, their programs and the part of their record the programs' periods
// read, and evaluates each program. A program that cannot be evaluated carries its Problem;
// when one program was asked for by name, that problem is the error (EINVALID).
func (p *Progress) Evaluate(ctx context.Context, q Query) (Result, error) {
	l, err := p.load(ctx, q, q.Brief && len(q.Extra) == 0)
	if err != nil {
		return Result{}, err
	}
	res, err := l.run(q, q.Extra)
	if errors.Is(err, progress.ErrSummed) { // rarely: each credit is read
		if l.rec, err = p.store.MemberRecord(ctx, l.read); err != nil {
			return Result{}, err
		}
		res, err = l.run(q, q.Extra)
	}
	return res, err
}

// WhatIf evaluates the member's programs without and with the hypothetical credits of q.Extra,
// over one load of their record, and says what changed in each period.
func (p *Progress) WhatIf(ctx context.Context, q Query) (before, after Result, changes []Change, err error) {
	l, err := p.load(ctx, q, false)
	if err != nil {
		return before, after, nil, err
	}
	if before, err = l.run(q, nil); err != nil {
		return before, after, nil, err
	}
	if after, err = l.run(q, q.Extra); err != nil {
		return before, after, nil, err
	}
	return before, after, Changes(before, after), nil
}

// loaded is a member, their selected programs and their record, ready to evaluate.
type loaded struct {
	member   recert.Member
	programs []Evaluated
	rec      Record
	read     RecordQuery // what rec was read as, each credit apart
}

// load reads the member and their record; summed reads alike session credits as one
// (RecordQuery.Summed).
func (p *Progress) load(ctx context.Context, q Query, summed bool) (loaded, error) {
	sub := q.Subject
	if sub == nil {
		read, err := p.store.ProgressSubject(ctx, q.MemberID, recert.AllOrganizations())
		if err != nil {
			return loaded{}, err
		}
		sub = &read
	}
	catalogue, err := p.catalogueOf(ctx, sub.Version.Programs)
	if err != nil {
		return loaded{}, err
	}
	m := sub.Member
	if q.Change != nil {
		m.Licenses = slices.Clone(m.Licenses)
		q.Change.Apply(&m)
	}
	l, w, reads, err := p.prepare(catalogue, m, q)
	if err == nil && reads {
		l.read = RecordQuery{MemberID: m.ID, Scope: q.Scope, From: w.from, To: w.to, Brief: q.Brief}
		if q.Record != nil && summed == q.Brief {
			l.rec = w.record(*q.Record)
			return l, nil
		}
		rq := l.read
		rq.Summed = summed
		l.rec, err = p.store.MemberRecord(ctx, rq)
	}
	return l, err
}

// prepare selects the member's programs that q asks for, as of its date, and the window of
// the record they read (reads is false when they read none).
func (p *Progress) prepare(catalogue []progress.Program, m recert.Member, q Query) (l loaded, w span, reads bool, err error) {
	today := recert.DateOf(p.now().UTC())
	if !q.AsOf.IsZero() {
		today = q.AsOf
	}
	selected, err := selectPrograms(catalogue, m, q, today)
	if err != nil {
		return loaded{}, span{}, false, err
	}
	l = loaded{member: m, programs: make([]Evaluated, 0, len(selected))}
	for _, prog := range selected {
		e := Evaluated{Program: prog, AsOf: q.AsOf, Period: q.Period}
		if e.AsOf.IsZero() {
			e.AsOf, e.Problem = progress.Today(*prog, p.now())
		}
		l.programs = append(l.programs, e)
	}
	w, reads = window(l.programs, m)
	return l, w, reads, nil
}

// run evaluates every program over the record and the extra credits. A program waiting for a
// fact about the member (the ABCP cycle) keeps that as its Problem even when asked for by name:
// it is a state to show (needs_setup), not an invalid question.
func (l loaded) run(q Query, extra []progress.Credit) (Result, error) {
	in := inputsOf(l.rec, extra, !q.Brief)
	res := Result{Member: l.member, About: in.about, Programs: slices.Clone(l.programs)}
	// Checked once for every program; invalid credits leave each program to report them.
	opts := progress.Options{Credits: !q.Brief, Current: q.Current}.Check(in.credits)
	for i := range res.Programs {
		e := &res.Programs[i]
		if e.Problem == nil {
			e.Problem = evaluate(e, factsFor(l.member, *e.Program, l.rec, in.leave), in, opts)
		}
		if errors.Is(e.Problem, progress.ErrSummed) {
			return res, e.Problem
		}
		if _, setup := progress.SetupSentence(e.Problem); e.Problem != nil && !setup && q.Program != "" && !q.Family {
			return res, &recert.Error{Code: recert.EINVALID, Message: e.Problem.Error(), Err: e.Problem}
		}
	}
	return res, nil
}

// span is a window of dates; zero ends are open.
type span struct{ from, to recert.Date }

// window is the union of the windows the programs' evaluations read; ok is false when they
// read nothing.
func window(programs []Evaluated, m recert.Member) (w span, ok bool) {
	for _, e := range programs {
		if e.Problem != nil {
			continue
		}
		from, to, reads, err := progress.Window(*e.Program, factsFor(m, *e.Program, Record{}, nil), e.at())
		if err != nil || !reads {
			continue // the evaluation reports the problem; it reads nothing
		}
		ok = true
		if w.from.IsZero() || from.Before(w.from) {
			w.from = from
		}
		if w.to.IsZero() || to.After(w.to) {
			w.to = to
		}
	}
	return w, ok
}

// at is the date choosing the evaluated periods.
func (e *Evaluated) at() recert.Date {
	if e.Period.IsZero() {
		return e.AsOf
	}
	return e.Period
}

// evaluate runs one program over the inputs.
func evaluate(e *Evaluated, f progress.Facts, in inputs, o progress.Options) error {
	if e.Program.Kind == progress.KindClinical {
		ev, err := progress.EvaluateClinicalWith(*e.Program, f, in.entries, e.at(), e.AsOf, o)
		e.Clinical = &ev
		return err
	}
	ev, err := progress.EvaluateWith(*e.Program, f, in.credits, e.at(), e.AsOf, o)
	e.CEU = &ev
	return err
}

// inputs is a record converted for the engine.
type inputs struct {
	credits []progress.Credit
	entries []progress.ClinicalEntry
	leave   []progress.Leave
	about   map[string]string
}

// inputsOf converts a record for the engine, with each credit's and entry's description when
// about (nil otherwise).
func inputsOf(rec Record, extra []progress.Credit, about bool) inputs {
	n := len(rec.Credits) + len(rec.Activities) + len(extra)
	in := inputs{leave: LeaveWeeks(rec.Leave),
		credits: make([]progress.Credit, 0, n), entries: make([]progress.ClinicalEntry, 0, len(rec.Entries))}
	if about {
		in.about = make(map[string]string, n+len(rec.Entries))
	}
	for _, c := range rec.Credits {
		in.credits = append(in.credits, progress.Credit{ID: c.ID, Date: c.Date, ActivityType: ActivityOf(c.Format),
			Category: progress.Category(c.Category), Amount: c.CEUs, Topics: c.Topics, ApprovedBy: c.ApprovedBy,
			Verified: c.Verified, ApprovalRef: c.ApprovalRef, Session: c.SessionID, Source: c.EventID, Count: c.Count})
		if about {
			in.about[c.ID] = describe(c.EventTitle, c.SessionTitle, c.OrganizationName, c.ApprovalRef)
		}
	}
	for _, a := range rec.Activities {
		in.credits = append(in.credits, progress.Credit{ID: a.ID, Date: a.Date, ActivityType: progress.ActivityType(a.Type),
			Category: progress.Category(a.Category), Amount: a.CEUs, Minutes: int64(a.Minutes), Topics: a.Topics,
			Verified: a.ReviewStatus == recert.ReviewVerified, ApprovalRef: a.ApprovalRef,
			ApprovedBy: a.ApprovedBy, Rejected: a.ReviewStatus == recert.ReviewRejected})
		if about {
			in.about[a.ID] = describe(a.Title, a.Citation, a.Provider, a.ApprovalRef) + " (self-reported)"
		}
	}
	in.credits = append(in.credits, extra...)
	for _, e := range rec.Entries {
		in.entries = append(in.entries, progress.ClinicalEntry{ID: e.ID, Date: e.Date, Type: e.Type, Role: progress.Role(e.Role), Count: e.Count})
		if about {
			in.about[e.ID] = ClinicalWords(e.Type)
		}
	}
	return in
}

// describe joins the non-empty parts of a credit's description.
func describe(parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(p string) bool { return strings.TrimSpace(p) == "" }), " — ")
}

// ActivityOf is the activity type of a credit from an event of the given format.
func ActivityOf(format string) progress.ActivityType {
	switch format {
	case "self_directed":
		return progress.SDCE
	case "simulation":
		return progress.Simulation
	}
	return progress.MeetingAttendance
}

// selectPrograms returns the programs the member is enrolled in — ABCP when they have an ABCP
// ID, each licence state's programs — or those asked for, in the version in force on asOf.
func selectPrograms(programs []progress.Program, m recert.Member, q Query, asOf recert.Date) ([]*progress.Program, error) {
	ids := map[string]bool{}
	for _, p := range programs {
		named := p.ID == q.Program || q.Family && strings.HasPrefix(p.ID, q.Program+"-")
		if q.Program == "" && enrolled(m, p.ID) || named {
			ids[p.ID] = true
		}
	}
	if q.Program != "" && len(ids) == 0 {
		return nil, recert.Errorf(recert.ENOTFOUND, "program %s not found", q.Program)
	}
	out := make([]*progress.Program, 0, len(ids))
	for id := range ids {
		if p := chosen(programs, id, asOf); p != nil {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *progress.Program) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// chosen is the version of program id in effect on d, else its latest; nil when the
// catalogue has none.
func chosen(programs []progress.Program, id string, d recert.Date) *progress.Program {
	if p := progress.Select(programs, id, d); p != nil {
		return p
	}
	var latest *progress.Program
	for i := range programs {
		if p := &programs[i]; p.ID == id && (latest == nil || p.Version > latest.Version) {
			latest = p
		}
	}
	return latest
}

func enrolled(m recert.Member, programID string) bool {
	if strings.HasPrefix(programID, "abcp-") {
		return m.ABCPID != ""
	}
	return licenseFor(m, programID) != nil
}

// licenseFor finds the licence a state program (us-<state>-…) is about.
func licenseFor(m recert.Member, programID string) *recert.License {
	for i, l := range m.Licenses {
		if strings.HasPrefix(programID, "us-"+strings.ToLower(l.State)+"-") {
			return &m.Licenses[i]
		}
	}
	return nil
}

// factsFor gives a program what it needs to know of the member: the tracking start is the
// member's tracking_since, else the earliest date of their record of the program's kind.
func factsFor(m recert.Member, p progress.Program, rec Record, leave []progress.Leave) progress.Facts {
	f := progress.Facts{ABCPCycle: m.ABCPCycle, BirthMonth: time.Month(m.BirthMonth), CertifiedOn: m.CertificationDate,
		ABCPCurrent:   m.ABCPID != "" && !m.CertificationDate.IsZero() && m.Status == "active",
		TrackingSince: m.TrackingSince, Leave: leave}
	if f.TrackingSince.IsZero() {
		f.TrackingSince = rec.FirstCredit
		if p.Kind == progress.KindClinical {
			f.TrackingSince = rec.FirstEntry
		}
	}
	if l := licenseFor(m, p.ID); l != nil && !l.IssuedOn.IsZero() {
		f.LicenseIssued = l.IssuedOn
		f.FirstLicensed = f.LicenseIssued
	}
	return f
}

// LeaveWeeks turns approved leave into weeks per clinical year (1 July – 30 June): the days
// of leave in each year, rounded up to whole weeks.
func LeaveWeeks(ls []recert.Leave) []progress.Leave {
	days := map[progress.Date]int{} // by the clinical year's last day
	for _, l := range ls {
		if !l.Approved {
			continue
		}
		for d := l.Start.Time(); !d.After(l.End.Time()); d = d.AddDate(0, 0, 1) {
			end := time.Date(d.Year(), time.June, 30, 0, 0, 0, 0, time.UTC)
			if d.After(end) {
				end = end.AddDate(1, 0, 0)
			}
			days[progress.DateOf(end)]++
		}
	}
	var out []progress.Leave
	for end, n := range days {
		out = append(out, progress.Leave{PeriodEnd: end, Weeks: (n + 6) / 7})
	}
	slices.SortFunc(out, func(a, b progress.Leave) int { return a.PeriodEnd.Compare(b.PeriodEnd) })
	return out
}
