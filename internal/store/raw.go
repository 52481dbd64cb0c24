package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// rows runs a raw query as gorm's Raw(query, args...).Rows() does, with its placeholders
// bound once per query text and length of its lists rather than on every call: gorm rebuilds
// the text byte by byte each time, and the member's record and subject statements, read on
// every progress request, are kilobytes long. The statement still runs through gorm's
// callbacks (a read replica's choice of pool among them); queries gorm must read itself (see
// bind) are handed to it whole.
func (s *Store) rows(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q, flat, ok := s.bound.bind(query, args, s.engine == Postgres)
	if !ok {
		return s.conn(ctx).Raw(query, args...).Rows()
	}
	tx := s.conn(ctx).Raw("")
	tx.Statement.SQL.WriteString(q)
	tx.Statement.Vars = flat
	return tx.Rows()
}

// boundQueries holds query texts as their engine reads them, by text and list lengths.
type boundQueries struct {
	m sync.Map // boundKey → string
	n atomic.Int32
}

type boundKey struct {
	query, lists string
	dollars      bool
}

// maxBound bounds the texts kept: queries are built from a few fixed shapes; one seen past
// the bound is bound again on every call.
const maxBound = 512

// bind returns the query with gorm's placeholders as the engine takes them (PostgreSQL's $n)
// and each list expanded to a placeholder an element, "(NULL)" when empty, as gorm expands
// IN ?; and the arguments with the lists flattened. ok is false when gorm must read the
// query: it names arguments (@), its placeholders are not one an argument, or an argument is
// neither a plain value nor a list of strings.
func (b *boundQueries) bind(query string, args []any, dollars bool) (string, []any, bool) {
	if strings.Contains(query, "@") || strings.Count(query, "?") != len(args) {
		return "", nil, false
	}
	var lists []byte
	n := len(args)
	for _, a := range args {
		switch v := a.(type) {
		case gorm.Valuer, clause.Expression: // gorm writes these itself
			return "", nil, false
		case []string:
			lists = strconv.AppendInt(append(lists, ','), int64(len(v)), 10)
			n += len(v) - 1
		case nil, string, []byte, bool, int, int32, int64, float64, time.Time, driver.Valuer:
		default:
			return "", nil, false
		}
	}
	if !dollars && lists == nil {
		return query, args, true
	}
	flat := args
	if lists != nil {
		flat = make([]any, 0, n)
		for _, a := range args {
			if v, ok := a.([]string); ok {
				for _, s := range v {
					flat = append(flat, s)
				}
				continue
			}
			flat = append(flat, a)
		}
	}
	key := boundKey{query, string(lists), dollars}
	if q, ok := b.m.Load(key); ok {
		return q.(string), flat, true
	}
	q := rebind(query, args, dollars)
	if b.n.Load() < maxBound {
		if _, loaded := b.m.LoadOrStore(key, q); !loaded {
			b.n.Add(1)
		}
	}
	return q, flat, true
}

// rebind writes the query's placeholders as bind says.
func rebind(query string, args []any, dollars bool) string {
	var w strings.Builder
	w.Grow(len(query) + 4*len(args))
	next := 1
	mark := func() {
		if dollars {
			w.WriteByte('$')
			w.WriteString(strconv.Itoa(next))
		} else {
			w.WriteByte('?')
		}
		next++
	}
	i := 0
	for _, a := range args {
		j := strings.IndexByte(query[i:], '?')
		w.WriteString(query[i : i+j])
		i += j + 1
		list, ok := a.([]string)
		if !ok {
			mark()
			continue
		}
		if len(list) == 0 {
			w.WriteString("(NULL)")
			continue
		}
		w.WriteByte('(')
		for k := range list {
			if k > 0 {
				w.WriteByte(',')
			}
			mark()
		}
		w.WriteByte(')')
	}
	w.WriteString(query[i:])
	return w.String()
}

// texts keeps statement texts by their form (what a text depends on besides its arguments),
// each built once: the progress statements are kilobytes long and asked on every request.
// Their forms are few, so nothing is ever dropped.
type texts[K comparable] struct{ m sync.Map }

// of is the text of form k, built the first time it is asked for.
func (t *texts[K]) of(k K, build func() string) string {
	if text, ok := t.m.Load(k); ok {
		return text.(string)
	}
	text := build()
	t.m.Store(k, text)
	return text
}

// rowRead is a raw query read row by row: each row is scanned into dest, then each is called.
type rowRead struct {
	query      string
	args, dest []any
	each       func() error
}

// read runs a raw query as rows does and, for each row, scans it into dest and calls each.
func (s *Store) read(ctx context.Context, query string, args []any, dest []any, each func() error) error {
	return s.readAll(ctx, rowRead{query: query, args: args, dest: dest, each: each})
}

// readAll runs the reads in turn. On PostgreSQL, outside a read replica's reach, pgx runs them
// on its own connection, in one round trip when there are several (a batch), and decodes
// each column straight into dest (the column types of columns.go), without database/sql's
// boxing and converting of every value: a member's record is thousands of rows.
func (s *Store) readAll(ctx context.Context, reads ...rowRead) error {
	if s.engine == Postgres && s.replica == nil {
		bound := make([]rowRead, len(reads))
		ok := true
		for i, r := range reads {
			bound[i] = r
			if bound[i].query, bound[i].args, ok = s.bound.bind(r.query, r.args, true); !ok {
				break
			}
		}
		if ok {
			if done, err := s.readNative(ctx, bound); done {
				return err
			}
		}
	}
	for _, r := range reads {
		if err := s.readRows(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// readRows is one read through database/sql.
func (s *Store) readRows(ctx context.Context, r rowRead) error {
	rows, err := s.rows(ctx, r.query, r.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return eachRow(rows, r.dest, r.each)
}

// eachRow scans each of rows (database/sql's or pgx's) into dest and calls each.
func eachRow(rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}, dest []any, each func() error) error {
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := each(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// readNative runs bound reads through pgx; done is false when the context's connection is
// not one pgx can be reached through (a transaction begun otherwise than by InTx).
func (s *Store) readNative(ctx context.Context, reads []rowRead) (done bool, err error) {
	c, inTx := ctx.Value(connKey{}).(*sql.Conn)
	if _, tx := ctx.Value(txKey{}).(*gorm.DB); tx && !inTx {
		return false, nil
	}
	if !inTx {
		if c, err = (boundedPool{s.sqlDB}).conn(ctx); err != nil {
			return true, err
		}
		defer c.Close()
	}
	return true, c.Raw(func(driverConn any) error {
		pc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("a %T is not a pgx connection", driverConn)
		}
		if len(reads) == 1 {
			rows, err := pc.Conn().Query(ctx, reads[0].query, reads[0].args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			return eachRow(rows, reads[0].dest, reads[0].each)
		}
		var b pgx.Batch
		for _, r := range reads {
			b.Queue(r.query, r.args...)
		}
		results := pc.Conn().SendBatch(ctx, &b)
		for _, r := range reads {
			rows, err := results.Query()
			if err == nil {
				err = eachRow(rows, r.dest, r.each)
				rows.Close()
			}
			if err != nil {
				_ = results.Close()
				return err
			}
		}
		return results.Close()
	})
}
