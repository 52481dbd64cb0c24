package store

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

// recordActivity appends a step to an activity's history, with its state before and after.
func recordActivity(tx *gorm.DB, before *recert.Activity, after recert.Activity, action, reason, actor string, at time.Time) error {
	row := historyRow{ID: recert.NewID(recert.PrefixChange), ActivityID: &after.ID, At: at, Actor: actor,
		Action: action, Reason: nullable(reason)}
	b, err := json.Marshal(toActivityRow(after))
	if err != nil {
		return err
	}
	row.AfterState = string(b)
	if before != nil {
		b, err := json.Marshal(toActivityRow(*before))
		if err != nil {
			return err
		}
		row.BeforeState = nullable(string(b))
	}
	return TranslateError(tx.Create(&row).Error, "activity history")
}

// ActivityHistory returns an activity's history, oldest first.
func (s *Store) ActivityHistory(ctx context.Context, id string) ([]recert.ActivityChange, error) {
	var rows []historyRow
	if err := s.conn(ctx).Where("activity_id = ?", id).Order("at, id").Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "activity history")
	}
	out := make([]recert.ActivityChange, len(rows))
	for i, r := range rows {
		c := recert.ActivityChange{ID: r.ID, At: r.At.UTC(), Actor: r.Actor, Action: r.Action, Reason: deref(r.Reason)}
		var after activityRow
		if err := json.Unmarshal([]byte(r.AfterState), &after); err != nil {
			return nil, err
		}
		c.After = after.activity()
		if r.BeforeState != nil {
			var before activityRow
			if err := json.Unmarshal([]byte(*r.BeforeState), &before); err != nil {
				return nil, err
			}
			b := before.activity()
			c.Before = &b
		}
		out[i] = c
	}
	return out, nil
}
