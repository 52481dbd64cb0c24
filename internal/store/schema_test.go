package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// schema is an engine-neutral description of the tables, columns, keys and indexes.
type schema map[string]table

type table struct {
	Columns     []string // "name type-family [not null]"
	PrimaryKey  []string
	ForeignKeys []string // "(cols) -> table(cols) on delete ACTION"
	Indexes     []string // "[unique] (cols)"
}

// TestEnginesHaveTheSameSchema proves the two migration folders build the same database.
func TestEnginesHaveTheSameSchema(t *testing.T) {
	engines := dbtest.Engines(t)
	if !slices.Contains(engines, store.Postgres) {
		t.Skipf("needs PostgreSQL: set %s", dbtest.EnvURL)
	}
	lite := sqliteSchema(t, dbtest.New(t, store.SQLite).DB())
	pg := postgresSchema(t, dbtest.New(t, store.Postgres).DB())
	if diff := cmp.Diff(lite, pg); diff != "" {
		t.Errorf("schemas differ (-sqlite +postgres):\n%s", diff)
	}
}

func TestMigrationsApplyOnEveryEngine(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		states, err := st.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		v, err := st.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(states) == 0 || v != states[len(states)-1].Version {
			t.Fatalf("schema version %d, migrations %+v", v, states)
		}
		for _, s := range states {
			if !s.Applied {
				t.Errorf("migration %d not applied", s.Version)
			}
		}
		// Applying again is a no-op.
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func family(sqlType string) string {
	t := strings.ToLower(sqlType)
	switch {
	case strings.Contains(t, "int") || t == "serial" || t == "bigserial":
		return "integer"
	case strings.Contains(t, "bool"):
		return "boolean"
	case strings.Contains(t, "timestamp") || strings.Contains(t, "datetime"):
		return "timestamp"
	case t == "date":
		return "date"
	case strings.Contains(t, "char") || strings.Contains(t, "text") || strings.Contains(t, "clob"):
		return "text"
	case t == "bytea" || t == "blob":
		return "blob"
	case strings.Contains(t, "json"):
		return "json"
	}
	return t
}

func column(name, typ string, notNull bool) string {
	s := name + " " + family(typ)
	if notNull {
		s += " not null"
	}
	return s
}

func scan(t *testing.T, db *gorm.DB, query string, args ...any) [][]string {
	t.Helper()
	rows, err := db.Raw(query, args...).Rows()
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			row[i] = fmt.Sprint(v)
		}
		out = append(out, row)
	}
	return out
}

func sqliteSchema(t *testing.T, db *gorm.DB) schema {
	s := schema{}
	for _, r := range scan(t, db, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version' AND name NOT LIKE 'river_%' ORDER BY name`) {
		name := r[0]
		var tb table
		pk := map[int]string{}
		for _, c := range scan(t, db, `SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY cid`, name) {
			tb.Columns = append(tb.Columns, column(c[0], c[1], c[2] == "1" || c[3] != "0"))
			if c[3] != "0" {
				var n int
				fmt.Sscan(c[3], &n)
				pk[n] = c[0]
			}
		}
		for i := 1; i <= len(pk); i++ {
			tb.PrimaryKey = append(tb.PrimaryKey, pk[i])
		}
		fks := map[string][3][]string{}
		for _, f := range scan(t, db, `SELECT id, "table", "from", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, name) {
			k := fks[f[0]]
			k[0] = append(k[0], f[2])
			k[1] = append(k[1], f[3])
			k[2] = []string{f[1], f[4]}
			fks[f[0]] = k
		}
		for _, k := range fks {
			tb.ForeignKeys = append(tb.ForeignKeys, fmt.Sprintf("(%s) -> %s(%s) on delete %s",
				strings.Join(k[0], ","), k[2][0], strings.Join(k[1], ","), k[2][1]))
		}
		for _, ix := range scan(t, db, `SELECT name, "unique", origin FROM pragma_index_list(?)`, name) {
			if ix[2] == "pk" {
				continue
			}
			var cols []string
			for _, c := range scan(t, db, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, ix[0]) {
				cols = append(cols, c[0])
			}
			tb.Indexes = append(tb.Indexes, index(ix[1] == "1", cols))
		}
		s[name] = tb.sorted()
	}
	return s
}

func postgresSchema(t *testing.T, db *gorm.DB) schema {
	s := schema{}
	for _, r := range scan(t, db, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version'
		AND table_name NOT LIKE 'river_%'`) {
		name := r[0]
		var tb table
		for _, c := range scan(t, db, `SELECT column_name, data_type, is_nullable FROM information_schema.columns
			WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position`, name) {
			tb.Columns = append(tb.Columns, column(c[0], c[1], c[2] == "NO"))
		}
		for _, c := range scan(t, db, `SELECT a.attname FROM pg_index i
			JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
			WHERE i.indrelid = ?::regclass AND i.indisprimary
			ORDER BY array_position(i.indkey, a.attnum)`, name) {
			tb.PrimaryKey = append(tb.PrimaryKey, c[0])
		}
		for _, f := range scan(t, db, `SELECT
			(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY k(att, n)
				JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att),
			c.confrelid::regclass::text,
			(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.confkey) WITH ORDINALITY k(att, n)
				JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.att),
			CASE c.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE'
				WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' END
			FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = ?::regclass`, name) {
			tb.ForeignKeys = append(tb.ForeignKeys, fmt.Sprintf("(%s) -> %s(%s) on delete %s", f[0], f[1], f[2], f[3]))
		}
		// References checked by statement-level triggers (migration 00015) are named in the
		// comment of their insert trigger, in the form above.
		for _, c := range scan(t, db, `SELECT obj_description(tg.oid, 'pg_trigger') FROM pg_trigger tg
			WHERE tg.tgrelid = ?::regclass AND obj_description(tg.oid, 'pg_trigger') LIKE 'references %'`, name) {
			tb.ForeignKeys = append(tb.ForeignKeys, strings.Split(strings.TrimPrefix(c[0], "references "), "; ")...)
		}
		for _, ix := range scan(t, db, `SELECT i.indisunique,
			(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(i.indkey) WITH ORDINALITY k(att, n)
				JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.att)
			FROM pg_index i WHERE i.indrelid = ?::regclass AND NOT i.indisprimary`, name) {
			tb.Indexes = append(tb.Indexes, index(ix[0] == "true", strings.Split(ix[1], ",")))
		}
		s[name] = tb.sorted()
	}
	return s
}

func index(unique bool, cols []string) string {
	s := "(" + strings.Join(cols, ",") + ")"
	if unique {
		return "unique " + s
	}
	return s
}

func (tb table) sorted() table {
	slices.Sort(tb.Columns)
	slices.Sort(tb.ForeignKeys)
	slices.Sort(tb.Indexes)
	return tb
}
