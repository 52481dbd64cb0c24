package httpapi_test

import (
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// pageFetch asks for one page of a list: its ids and the next page's cursor.
type pageFetch func(t *testing.T, limit int, cursor *string) ([]string, *string)

// TestListsPage walks lists that used to answer whole, two items a page, and checks the
// pages together are the whole list, in its order, each item once, with no cursor after
// the last page.
func TestListsPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		for day := 1; day <= 5; day++ {
			if _, err := st.CreateLeave(ctx, recert.Leave{MemberID: w.member.ID, Type: "jury_duty",
				Start: recert.Date{Year: 2025, Month: 1, Day: day}, End: recert.Date{Year: 2025, Month: 1, Day: day}}, "test"); err != nil {
				t.Fatal(err)
			}
			if _, err := st.CreateClinicalEntry(ctx, recert.ClinicalEntry{MemberID: w.member.ID,
				Date: recert.Date{Year: 2026, Month: 3, Day: day}, Type: "bypass_primary", Role: "primary", Count: 1}, "test"); err != nil {
				t.Fatal(err)
			}
		}
		hooks := []recert.Webhook{w.webhook(t), w.webhook(t), w.webhook(t)}
		for range 5 {
			if _, err := st.CreateDelivery(ctx, recert.WebhookDelivery{SubscriptionID: hooks[0].ID, EventType: "attendance.revoked",
				Payload: []byte(`{"type":"attendance.revoked"}`)}); err != nil {
				t.Fatal(err)
			}
		}
		events := []recert.Event{w.publishedEvent(t), w.publishedEvent(t)}
		for _, e := range events {
			w.attend(t, e, w.member) // two sessions each: four credits
		}
		for range 2 {
			w.attend(t, events[0], w.unclaimedMemberOfA(t)) // three postings of the first event
		}
		member, organizer := w.as("member"), w.as("organizer A")
		var totals []string // the credit list's total_ceus on each page
		var wholeSum string // the sum of the whole list's credits

		lists := map[string]pageFetch{
			"leave": func(t *testing.T, limit int, cursor *string) ([]string, *string) {
				res, err := w.env.Client.ListLeaveWithResponse(ctx, w.member.ID, &api.ListLeaveParams{Limit: &limit, Cursor: cursor}, member)
				if err != nil || res.JSON200 == nil {
					t.Fatalf("leave: %v %s", err, res.Body)
				}
				return ids(res.JSON200.Items, func(l api.Leave) string { return l.ID }), res.JSON200.NextCursor
			},
			"clinical activities": func(t *testing.T, limit int, cursor *string) ([]string, *string) {
				res, err := w.env.Client.ListClinicalEntriesWithResponse(ctx, w.member.ID, &api.ListClinicalEntriesParams{Limit: &limit, Cursor: cursor}, member)
				if err != nil || res.JSON200 == nil {
					t.Fatalf("clinical activities: %v %s", err, res.Body)
				}
				return ids(res.JSON200.Items, func(e api.ClinicalEntry) string { return e.ID }), res.JSON200.NextCursor
			},
			"credits": func(t *testing.T, limit int, cursor *string) ([]string, *string) {
				res, err := w.env.Client.ListCreditsWithResponse(ctx, w.member.ID, &api.ListCreditsParams{Limit: &limit, Cursor: cursor}, member)
				if err != nil || res.JSON200 == nil {
					t.Fatalf("credits: %v %s", err, res.Body)
				}
				totals = append(totals, res.JSON200.TotalCeus)
				if limit == 500 {
					sum := 0.0
					for _, c := range res.JSON200.Items {
						v, _ := strconv.ParseFloat(c.Ceus, 64)
						sum += v
					}
					wholeSum = fmt.Sprintf("%.2f", sum)
				}
				return ids(res.JSON200.Items, func(c api.Credit) string { return c.ID }), res.JSON200.NextCursor
			},
			"roster postings": func(t *testing.T, limit int, cursor *string) ([]string, *string) {
				res, err := w.env.Client.ListRosterPostingsWithResponse(ctx, events[0].ID, &api.ListRosterPostingsParams{Limit: &limit, Cursor: cursor}, organizer)
				if err != nil || res.JSON200 == nil {
					t.Fatalf("postings: %v %s", err, res.Body)
				}
				return ids(res.JSON200.Items, func(p api.RosterPosting) string { return p.ID }), res.JSON200.NextCursor
			},
			"programs": func(t *testing.T, limit int, cursor *string) ([]string, *string) {
				res, err := w.env.Client.ListProgramsWithResponse(ctx, &api.ListProgramsParams{Limit: &limit, Cursor: cursor})
				if err != nil || res.JSON200 == nil {
					t.Fatalf("programs: %v %s", err, res.Body)
				}
				return ids(res.JSON200.Items, func(p api.ProgramSummary) string { return p.ID }), res.JSON200.NextCursor
			},
			"webhooks": func(t *testing.T, limit int, cursor *string) ([]string, *string) {
				res, err := w.env.Client.ListWebhooksWithResponse(ctx, &api.ListWebhooksParams{Limit: &limit, Cursor: cursor}, organizer)
				if err != nil || res.JSON200 == nil {
					t.Fatalf("webhooks: %v %s", err, res.Body)
				}
				return ids(res.JSON200.Items, func(h api.Webhook) string { return h.ID }), res.JSON200.NextCursor
			},
			"webhook deliveries": func(t *testing.T, limit int, cursor *string) ([]string, *string) {
				res, err := w.env.Client.ListWebhookDeliveriesWithResponse(ctx, hooks[0].ID, &api.ListWebhookDeliveriesParams{Limit: &limit, Cursor: cursor}, organizer)
				if err != nil || res.JSON200 == nil {
					t.Fatalf("deliveries: %v %s", err, res.Body)
				}
				return ids(res.JSON200.Items, func(d api.WebhookDelivery) string { return d.ID }), res.JSON200.NextCursor
			},
		}
		for name, fetch := range lists {
			t.Run(name, func(t *testing.T) {
				whole, next := fetch(t, 500, nil)
				if next != nil || len(whole) < 3 {
					t.Fatalf("the whole list: %d items, next %v; want 3 or more on one page", len(whole), next)
				}
				var walked []string
				var cursor *string
				for pages := 1; ; pages++ {
					got, next := fetch(t, 2, cursor)
					if len(got) == 0 || len(got) > 2 {
						t.Fatalf("page %d holds %d items", pages, len(got))
					}
					walked = append(walked, got...)
					if next == nil {
						break
					}
					if pages > len(whole) {
						t.Fatal("the pages do not end")
					}
					cursor = next
				}
				if !slices.Equal(walked, whole) {
					t.Errorf("paged: %v\nwhole: %v", walked, whole)
				}
			})
		}

		// Every page of credits gives the total of all of them.
		if len(totals) < 3 || slices.ContainsFunc(totals, func(s string) bool { return s != wholeSum }) {
			t.Errorf("total_ceus by page: %v, want %s, the sum of every credit, on every page", totals, wholeSum)
		}

		// A cursor from another list names nothing in this one: a 400 on the cursor, not a
		// silent first page.
		_, other := lists["clinical activities"](t, 1, nil)
		res, err := w.env.Client.ListLeaveWithResponse(ctx, w.member.ID, &api.ListLeaveParams{Cursor: other}, member)
		if err != nil || res.ApplicationProblemJSON400 == nil {
			t.Fatalf("a foreign cursor: %v %d %s", err, res.StatusCode(), res.Body)
		}
		if p := res.ApplicationProblemJSON400; len(p.Errors) != 1 || p.Errors[0].Pointer != "#/cursor" {
			t.Errorf("a foreign cursor: %+v, want one error on #/cursor", p.Errors)
		}
		// So is a delivery of another subscription on a subscription's log.
		_, delivery := lists["webhook deliveries"](t, 1, nil)
		log, err := w.env.Client.ListWebhookDeliveriesWithResponse(ctx, hooks[1].ID, &api.ListWebhookDeliveriesParams{Cursor: delivery}, organizer)
		if err != nil || log.ApplicationProblemJSON400 == nil {
			t.Errorf("another subscription's delivery as cursor: %v %d %s", err, log.StatusCode(), log.Body)
		}
	})
}

func ids[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}
