package store

import (
	"context"
	"time"
)

// AllowAttempt counts an attempt under key against a limit of perMinute attempts a minute
// with burst at once, shared by every instance on the database. It says whether the attempt
// is allowed and, when not, how long until one would be. One statement decides and records,
// so concurrent attempts cannot both take the last one.
// The limit is read on the primary, where it is counted.
func (s *Store) AllowAttempt(ctx context.Context, key string, perMinute float64, burst int) (bool, time.Duration, error) {
	ctx = onPrimary(ctx)
	now := s.now().UnixMicro()
	emission := int64(60e6 / perMinute)
	tolerance := emission * int64(burst)
	var tat []int64
	err := s.conn(ctx).Raw(`INSERT INTO rate_limits (key, tat_us) VALUES (?, ?)
ON CONFLICT (key) DO UPDATE SET tat_us = (CASE WHEN rate_limits.tat_us > ? THEN rate_limits.tat_us ELSE ? END) + ?
WHERE (CASE WHEN rate_limits.tat_us > ? THEN rate_limits.tat_us ELSE ? END) + ? - ? <= ?
RETURNING tat_us`, key, now+emission, now, now, emission, now, now, emission, now, tolerance).Scan(&tat).Error
	if err != nil {
		return false, 0, TranslateError(err, "rate limits")
	}
	if len(tat) == 1 {
		return true, 0, nil
	}
	var stored int64
	if err := s.conn(ctx).Raw("SELECT tat_us FROM rate_limits WHERE key = ?", key).Scan(&stored).Error; err != nil {
		return false, 0, TranslateError(err, "rate limits")
	}
	return false, time.Duration(stored+emission-tolerance-now) * time.Microsecond, nil
}

// PurgeRateLimits forgets keys whose limit has fully recovered.
func (s *Store) PurgeRateLimits(ctx context.Context) (int64, error) {
	res := s.conn(ctx).Exec("DELETE FROM rate_limits WHERE tat_us < ?", s.now().UnixMicro())
	return res.RowsAffected, TranslateError(res.Error, "rate limits")
}
