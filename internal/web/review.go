package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// reviewItem is one activity awaiting review, with its member and documents.
type reviewItem struct {
	recert.Activity
	Member, ABCPID, TypeWords string
	Evidence                  []recert.Evidence
}

// reviewQueue lists the self-reported activities awaiting review, oldest first.
func (p *Pages) reviewQueue(c echo.Context) error {
	items, err := p.queue(c)
	if err != nil {
		return p.fail(c, err)
	}
	return p.render(c, http.StatusOK, "review", "Review queue", items)
}

func (p *Pages) queue(c echo.Context) ([]reviewItem, error) {
	ctx := ctxOf(c)
	list, err := p.store.ReviewQueue(ctx, 100)
	if err != nil {
		return nil, err
	}
	var ids, members []string
	for _, a := range list {
		ids, members = append(ids, a.ID), append(members, a.MemberID)
	}
	docs, err := p.store.ActivityEvidence(ctx, ids)
	if err != nil {
		return nil, err
	}
	refs, err := p.store.FindMembers(ctx, nil, nil, members)
	if err != nil {
		return nil, err
	}
	who := map[string]ledger.MemberRef{}
	for _, r := range refs {
		who[r.ID] = r
	}
	out := make([]reviewItem, len(list))
	for i, a := range list {
		out[i] = reviewItem{Activity: a, Member: who[a.MemberID].Name, ABCPID: who[a.MemberID].ABCPID,
			TypeWords: ledger.ActivityWords(a.Type), Evidence: docs[a.ID]}
	}
	return out, nil
}

// review verifies or rejects an activity, as the API's review does.
func (p *Pages) review(c echo.Context) error {
	u, _ := p.user(c)
	if _, err := p.store.Activity(ctxOf(c), c.Param("activity_id")); err != nil {
		return p.fail(c, err)
	}
	if _, err := p.records.ReviewActivity(ctxOf(c), c.Param("activity_id"), c.FormValue("decision"), c.FormValue("reason"), u.ID); err != nil {
		items, qerr := p.queue(c)
		if qerr != nil {
			return p.fail(c, qerr)
		}
		return p.redo(c, err, "review", "Review queue", items)
	}
	return c.Redirect(http.StatusSeeOther, "/app/review?done=reviewed")
}

// reviewEvidence downloads a document for the administrator reviewing it.
func (p *Pages) reviewEvidence(c echo.Context) error {
	ev, err := p.store.Evidence(ctxOf(c), c.Param("evidence_id"))
	if err != nil {
		return p.fail(c, err)
	}
	return sendEvidence(c, ev)
}
