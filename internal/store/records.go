package store

import (
	"context"

	"github.com/recert-dev/recert/internal/recert"
)

// ReviewQueue lists the self-reported activities awaiting review, oldest first, at most limit.
func (s *Store) ReviewQueue(ctx context.Context, limit int) ([]recert.Activity, error) {
	var rows []activityRow
	err := s.conn(ctx).Where("review_status = ? AND withdrawn_at IS NULL", recert.ReviewPending).
		Order("created_at, id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, TranslateError(err, "activities")
	}
	out := make([]recert.Activity, len(rows))
	for i, r := range rows {
		out[i] = r.activity()
	}
	return out, nil
}

// ActivityEvidence lists the documents attached to the activities, without their bytes,
// by activity id, oldest first.
func (s *Store) ActivityEvidence(ctx context.Context, activityIDs []string) (map[string][]recert.Evidence, error) {
	out := map[string][]recert.Evidence{}
	if len(activityIDs) == 0 {
		return out, nil
	}
	var rows []evidenceRow
	err := s.conn(ctx).Omit("data").Where("activity_id IN ?", activityIDs).Order("created_at, id").Find(&rows).Error
	if err != nil {
		return nil, TranslateError(err, "evidence")
	}
	for _, r := range rows {
		e := r.evidence()
		out[e.ActivityID] = append(out[e.ActivityID], e)
	}
	return out, nil
}

// MemberDisputes lists a member's disputes, newest first.
func (s *Store) MemberDisputes(ctx context.Context, memberID string) ([]recert.Dispute, error) {
	var rows []disputeRow
	if err := s.conn(ctx).Where("member_id = ?", memberID).Order("created_at DESC, id").Limit(200).Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "disputes")
	}
	out := make([]recert.Dispute, len(rows))
	for i, r := range rows {
		out[i] = r.dispute()
	}
	return out, nil
}

// OpenDisputes lists the open disputes about the events of the scope's organizations,
// oldest first, at most limit.
func (s *Store) OpenDisputes(ctx context.Context, scope recert.Scope, limit int) ([]recert.Dispute, error) {
	return s.scopeDisputes(ctx, scope, "disputes.status = 'open'", "disputes.created_at, disputes.id", limit)
}

// DecidedDisputes lists the decided disputes about the events of the scope's organizations,
// the latest decision first, at most limit.
func (s *Store) DecidedDisputes(ctx context.Context, scope recert.Scope, limit int) ([]recert.Dispute, error) {
	return s.scopeDisputes(ctx, scope, "disputes.status <> 'open'", "disputes.resolved_at DESC, disputes.id", limit)
}

func (s *Store) scopeDisputes(ctx context.Context, scope recert.Scope, where, order string, limit int) ([]recert.Dispute, error) {
	q := s.conn(ctx).Table("disputes").Select("disputes.*").Where(where)
	if !scope.All() {
		q = inScope(q.Joins("JOIN events ON events.id = disputes.event_id"), "events.organization_id", scope)
	}
	var rows []disputeRow
	if err := q.Order(order).Limit(limit).Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "disputes")
	}
	out := make([]recert.Dispute, len(rows))
	for i, r := range rows {
		out[i] = r.dispute()
	}
	return out, nil
}

// EventTallies counts, for each of the events, its attendance that counts and its open
// disputes, in one statement.
func (s *Store) EventTallies(ctx context.Context, eventIDs []string) (map[string]recert.EventTally, error) {
	out := map[string]recert.EventTally{}
	if len(eventIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ID                      string
		Attendees, OpenDisputes int
	}
	err := s.conn(ctx).Raw(`SELECT e.id,
		(SELECT COUNT(*) FROM attendance a WHERE a.event_id = e.id AND a.revoked_at IS NULL) AS attendees,
		(SELECT COUNT(*) FROM disputes d WHERE d.event_id = e.id AND d.status = 'open') AS open_disputes
		FROM events e WHERE e.id IN ?`, eventIDs).Scan(&rows).Error
	if err != nil {
		return nil, TranslateError(err, "events")
	}
	for _, r := range rows {
		out[r.ID] = recert.EventTally{Attendees: r.Attendees, OpenDisputes: r.OpenDisputes}
	}
	return out, nil
}
