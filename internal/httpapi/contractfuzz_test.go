package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// minVariants is the least number of malformed requests sent to each operation.
const minVariants = 30

// TestContractFuzz sends, for every operation of openapi.yaml, at least minVariants
// malformed requests made from its contract (wrong types, missing and extra fields, huge,
// empty, NUL and invalid UTF-8 strings, deep nesting, boundary numbers, impossible dates,
// bad ids and cursors, wrong content types) with an administrator's token, on each engine.
// No answer may be a 5xx, every answer must match the contract (errors as problems), and a
// refused request must leave every table's row count as it was. The requests are the same
// on every run. It is heavy, so it runs only with RECERT_FUZZ=1 (.ci/run sets it in a step of
// its own) and never under the race detector.
func TestContractFuzz(t *testing.T) {
	if os.Getenv("RECERT_FUZZ") != "1" {
		t.Skip("set RECERT_FUZZ=1 to run the contract fuzz test")
	}
	if raceDetector {
		t.Skip("the contract fuzz test runs without the race detector")
	}
	spec, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		w := newWorld(t, env)
		ids := fuzzIDs(t, w)
		tables := tableNames(t, st)
		start := time.Now()
		var sent, ops, findings int
		before := rowCounts(t, st, tables)
		for _, op := range operations(spec) {
			ops++
			variants := variantsFor(op, ids)
			if len(variants) < minVariants {
				t.Errorf("%s %s: only %d variants", op.method, op.path, len(variants))
			}
			for _, v := range variants {
				status, ct := send(t, env, w.tokens["admin"], op, v)
				sent++
				after := rowCounts(t, st, tables)
				problem := ""
				switch {
				case status >= 500:
					problem = "a server error"
				case status >= 400 && ct != "application/problem+json":
					problem = "an error that is not a problem: " + ct
				case status >= 400 && after != before:
					problem = "a refused request changed stored rows: " + diffCounts(tables, before, after)
				}
				if problem != "" {
					findings++
					if findings <= 40 {
						t.Errorf("%s %s [%s] answered %d: %s", op.method, op.path, v.name, status, problem)
					}
				}
				before = after
			}
		}
		t.Logf("contract fuzz on %s: %d requests over %d operations in %s", st.Engine(), sent, ops, time.Since(start).Round(time.Millisecond))
	})
}

// operation is one method on one path of the contract.
type operation struct {
	method, path string
	op           *openapi3.Operation
	params       openapi3.Parameters
}

// operations lists the contract's operations in a stable order.
func operations(spec *openapi3.T) []operation {
	var out []operation
	paths := spec.Paths.InMatchingOrder()
	slices.Sort(paths)
	for _, p := range paths {
		item := spec.Paths.Value(p)
		methods := item.Operations()
		names := make([]string, 0, len(methods))
		for m := range methods {
			names = append(names, m)
		}
		slices.Sort(names)
		for _, m := range names {
			op := methods[m]
			params := append(openapi3.Parameters{}, item.Parameters...)
			params = append(params, op.Parameters...)
			out = append(out, operation{method: m, path: p, op: op, params: params})
		}
	}
	return out
}

// variant is one malformed request: changes to the valid path, query, headers and body.
type variant struct {
	name        string
	path        map[string]string // raw (already escaped) path values by parameter
	query       string            // raw query string
	header      http.Header
	contentType string
	body        []byte
}

// fuzzIDs are existing objects' ids, so that malformed requests reach past "not found".
func fuzzIDs(t *testing.T, w *world) map[string]string {
	act := w.activity(t)
	ev := w.evidence(t)
	return map[string]string{
		"organization_id": w.orgA.ID, "member_id": w.member.ID, "event_id": w.event.ID,
		"attendance_id": w.attendance.ID, "user_id": w.organizerA, "client_id": w.clientA.ID,
		"activity_id": act.ID, "evidence_id": ev.ID, "dispute_id": w.dispute(t).ID,
		"program_id": "abcp-ccp", "asset": "swagger-ui.css",
		"entry_id": "cln_aaaaaaaaaaaaaaaaaaaaaaaa", "leave_id": "lve_aaaaaaaaaaaaaaaaaaaaaaaa",
	}
}

// variantsFor makes the malformed requests of one operation from its contract.
func variantsFor(op operation, ids map[string]string) []variant {
	var out []variant
	add := func(v variant) { out = append(out, v) }
	base := baseQuery(op)

	for _, p := range op.params {
		p := p.Value
		switch p.In {
		case "path":
			for _, bad := range []struct{ name, value string }{
				{"NUL", "x%00y"}, {"invalid UTF-8", "%ff%fe"}, {"huge", strings.Repeat("a", 3000)},
				{"wrong kind of id", "usr_aaaaaaaaaaaaaaaaaaaaaaaa"}, {"SQL", url.PathEscape("' OR 1=1 --")},
				{"unicode", url.PathEscape("ünï€😀")}, {"dot segments", "..%2f..%2fetc"}, {"number", "-1"},
			} {
				add(variant{name: "path " + p.Name + " " + bad.name, path: map[string]string{p.Name: bad.value}, query: base})
			}
		case "query":
			for _, bad := range queryValues(p.Schema) {
				q := setQuery(base, p.Name, bad.value)
				add(variant{name: "query " + p.Name + " " + bad.name, query: q})
			}
			add(variant{name: "query " + p.Name + " repeated", query: base + "&" + p.Name + "=1&" + p.Name + "=2"})
		case "header":
			for _, bad := range []struct{ name, value string }{
				{"NUL", "a\x00b"}, {"invalid UTF-8", "a\xffb"}, {"huge", strings.Repeat("k", 5000)}, {"junk", `W/"?"`}, {"stale", `"zzz"`},
			} {
				if strings.ContainsRune(bad.value, 0) {
					continue // the HTTP client refuses to send it; the server's own check is in TestBadTextIsRefusedAtTheEdge
				}
				add(variant{name: "header " + p.Name + " " + bad.name, query: base, header: http.Header{p.Name: {bad.value}}})
			}
		}
	}
	if op.op.RequestBody != nil {
		out = append(out, bodyVariants(op.op.RequestBody.Value, base)...)
	}
	generic := []variant{
		{name: "unknown query parameter", query: setQuery(base, "zz_unknown", "1")},
		{name: "query key NUL", query: base + "&a%00b=1"},
		{name: "query key invalid UTF-8", query: base + "&%ff=1"},
		{name: "query value bad escape", query: base + "&x=%zz"},
		{name: "cursor not base64", query: setQuery(base, "cursor", "!!!")},
		{name: "cursor of junk", query: setQuery(base, "cursor", "YWJj")},
		{name: "limit huge", query: setQuery(base, "limit", "99999999999999999999")},
		{name: "Accept XML", query: base, header: http.Header{"Accept": {"application/xml"}}},
		{name: "Request id invalid UTF-8", query: base, header: http.Header{"X-Request-Id": {"\xff\xfe"}}},
		{name: "If-Match invalid UTF-8", query: base, header: http.Header{"If-Match": {"\"v\xff\""}}},
		{name: "If-Match stale", query: base, header: http.Header{"If-Match": {`"zzz"`}}},
		{name: "Idempotency-Key invalid UTF-8", query: base, header: http.Header{"Idempotency-Key": {"\xff"}}},
		{name: "body of junk bytes", query: base, contentType: "application/octet-stream", body: []byte{0, 0xff, 0xfe, 1}},
		{name: "body as XML", query: base, contentType: "application/xml", body: []byte("<a>1</a>")},
		{name: "body as text", query: base, contentType: "text/plain", body: []byte("hello")},
		{name: "body with a bad charset", query: base, contentType: "application/json; charset=ebcdic", body: []byte(`{}`)},
		{name: "JSON truncated", query: base, contentType: "application/json", body: []byte(`{"a":`)},
		{name: "JSON nested 20000 deep", query: base, contentType: "application/json", body: []byte(strings.Repeat("[", 20000))},
		{name: "body over the limit", query: base, contentType: "application/json", body: bytes.Repeat([]byte(" "), 2<<20)},
	}
	for i := 0; len(out) < minVariants || i < len(generic); i++ {
		if i < len(generic) {
			add(generic[i])
			continue
		}
		add(variant{name: fmt.Sprintf("unknown query parameter %d", i), query: setQuery(base, fmt.Sprintf("zz%d", i), strings.Repeat("\u00e9", i))})
	}
	for i := range out {
		if out[i].path == nil {
			out[i].path = map[string]string{}
		}
		for name, id := range ids {
			if _, ok := out[i].path[name]; !ok {
				out[i].path[name] = id
			}
		}
	}
	return out
}

// baseQuery holds a valid value for each required query parameter.
func baseQuery(op operation) string {
	q := url.Values{}
	for _, p := range op.params {
		if p.Value.In == "query" && p.Value.Required {
			b, _ := json.Marshal(sample(p.Value.Schema, 0))
			q.Set(p.Value.Name, strings.Trim(string(b), `"`))
		}
	}
	return q.Encode()
}

func setQuery(raw, name, value string) string {
	if raw != "" {
		raw += "&"
	}
	return raw + url.QueryEscape(name) + "=" + value
}

// queryValues are malformed values for a query parameter, already escaped.
func queryValues(ref *openapi3.SchemaRef) []struct{ name, value string } {
	vals := []struct{ name, value string }{
		{"NUL", "a%00b"}, {"invalid UTF-8", "%ff"}, {"huge", strings.Repeat("q", 10000)}, {"empty", ""},
		{"SQL", url.QueryEscape("' OR '1'='1")},
	}
	if ref == nil || ref.Value == nil {
		return vals
	}
	s := ref.Value
	switch {
	case s.Type.Is("integer") || s.Type.Is("number"):
		vals = append(vals, struct{ name, value string }{"not a number", "abc"}, struct{ name, value string }{"negative", "-1"},
			struct{ name, value string }{"zero", "0"}, struct{ name, value string }{"beyond int64", "9223372036854775808"},
			struct{ name, value string }{"fraction", "1.5"})
	case s.Type.Is("boolean"):
		vals = append(vals, struct{ name, value string }{"not a boolean", "yes"})
	case s.Format == "date":
		vals = append(vals, struct{ name, value string }{"impossible date", "2026-02-30"}, struct{ name, value string }{"month 13", "2026-13-01"},
			struct{ name, value string }{"year 0", "0000-01-01"})
	}
	return vals
}

// bodyVariants are malformed bodies built from the operation's JSON or form schema.
func bodyVariants(body *openapi3.RequestBody, query string) []variant {
	var out []variant
	ct, media := "", (*openapi3.MediaType)(nil)
	for _, want := range []string{"application/json", "application/x-www-form-urlencoded"} {
		if m := body.Content.Get(want); m != nil {
			ct, media = want, m
			break
		}
	}
	if media == nil || media.Schema == nil {
		return nil
	}
	schema := media.Schema.Value
	base, _ := sample(media.Schema, 0).(map[string]any)
	if base == nil {
		base = map[string]any{}
	}
	encode := func(m map[string]any) []byte {
		if ct == "application/json" {
			b, _ := json.Marshal(m)
			return b
		}
		f := url.Values{}
		for k, v := range m {
			f.Set(k, fmt.Sprint(v))
		}
		return []byte(f.Encode())
	}
	add := func(name string, b []byte) {
		out = append(out, variant{name: "body " + name, query: query, contentType: ct, body: b})
	}
	with := func(k string, v any) []byte {
		m := map[string]any{}
		for bk, bv := range base {
			m[bk] = bv
		}
		m[k] = v
		return encode(m)
	}
	add("empty", nil)
	add("null", []byte("null"))
	add("array", []byte("[]"))
	add("no fields", encode(map[string]any{}))
	add("extra field", with("zz_extra", 1))
	add("duplicate keys", []byte(`{"a":1,"a":2}`))
	add("nested 5000 deep", []byte(strings.Repeat(`{"a":`, 5000)+"1"+strings.Repeat("}", 5000)))
	for _, req := range schema.Required {
		m := map[string]any{}
		for k, v := range base {
			if k != req {
				m[k] = v
			}
		}
		add("missing "+req, encode(m))
	}
	names := make([]string, 0, len(schema.Properties))
	for k := range schema.Properties {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		p := schema.Properties[k].Value
		if p == nil {
			continue
		}
		switch {
		case p.Type.Is("string"):
			add(k+" wrong type", with(k, 12345))
			add(k+" huge", with(k, strings.Repeat("s", 200_000)))
			add(k+" empty", with(k, ""))
			add(k+" NUL", with(k, "a\x00b"))
			add(k+" invalid UTF-8", bytes.Replace(with(k, "INVALID-UTF8"), []byte("INVALID-UTF8"), []byte("a\xffb"), 1))
			add(k+" lone surrogate", bytes.Replace(with(k, "SURROGATE"), []byte("SURROGATE"), []byte(`\ud800`), 1))
			if p.Format == "date" || p.Format == "date-time" {
				add(k+" impossible date", with(k, "2026-02-30"))
				add(k+" year 99999", with(k, "99999-01-01"))
			}
			if strings.HasSuffix(k, "_id") || strings.HasSuffix(k, "_token") {
				add(k+" bad id", with(k, "' OR 1=1 --"))
			}
		case p.Type.Is("integer") || p.Type.Is("number"):
			add(k+" wrong type", with(k, "x"))
			add(k+" beyond int64", []byte(strings.Replace(string(with(k, 777)), "777", "9223372036854775808", 1)))
			add(k+" 1e309", []byte(strings.Replace(string(with(k, 777)), "777", "1e309", 1)))
			add(k+" negative", with(k, -1))
			add(k+" fraction", with(k, 1.5))
			if p.Max != nil {
				add(k+" above maximum", with(k, *p.Max+1))
			}
		case p.Type.Is("boolean"):
			add(k+" wrong type", with(k, "yes"))
		case p.Type.Is("array"):
			add(k+" wrong type", with(k, map[string]any{"a": 1}))
			add(k+" of nulls", with(k, []any{nil, nil}))
			if p.MaxItems != nil && *p.MaxItems <= 1000 {
				add(k+" over maxItems", with(k, make([]any, *p.MaxItems+1)))
			}
		case p.Type.Is("object"):
			add(k+" wrong type", with(k, []any{1}))
		}
	}
	return out
}

// sample is a plain value of schema: its example, first enum value, or a value of its type.
func sample(ref *openapi3.SchemaRef, depth int) any {
	if ref == nil || ref.Value == nil || depth > 4 {
		return nil
	}
	s := ref.Value
	if s.Example != nil {
		return s.Example
	}
	if len(s.Enum) > 0 {
		return s.Enum[0]
	}
	if len(s.OneOf) > 0 {
		return sample(s.OneOf[0], depth+1)
	}
	if len(s.AllOf) > 0 {
		return sample(s.AllOf[0], depth+1)
	}
	switch {
	case s.Type.Is("object"):
		m := map[string]any{}
		for _, k := range s.Required {
			m[k] = sample(s.Properties[k], depth+1)
		}
		return m
	case s.Type.Is("array"):
		return []any{}
	case s.Type.Is("integer"), s.Type.Is("number"):
		if s.Min != nil {
			return *s.Min
		}
		return 1
	case s.Type.Is("boolean"):
		return false
	case s.Format == "date":
		return "2026-01-05"
	case s.Format == "date-time":
		return "2026-01-05T10:00:00Z"
	case s.Format == "email":
		return "fuzz@example.org"
	}
	return "x"
}

// send makes one request and returns its status and content type.
func send(t *testing.T, env *apitest.Env, token string, op operation, v variant) (int, string) {
	t.Helper()
	path := op.path
	for name, value := range v.path {
		path = strings.ReplaceAll(path, "{"+name+"}", value)
	}
	target := env.URL + path
	if v.query != "" {
		target += "?" + v.query
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var body io.Reader
	if v.body != nil {
		body = bytes.NewReader(v.body)
	}
	req, err := http.NewRequestWithContext(ctx, op.method, target, body)
	if err != nil {
		t.Fatalf("%s %s [%s]: %v", op.method, op.path, v.name, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if v.contentType != "" {
		req.Header.Set("Content-Type", v.contentType)
	}
	for k, vs := range v.header {
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	res, err := env.HTTP.Do(req)
	if err != nil {
		t.Fatalf("%s %s [%s]: %v", op.method, op.path, v.name, err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, res.Header.Get("Content-Type")
}

// tableNames lists the tables of the store's schema, migrations bookkeeping aside, and River's
// job tables too: they change on River's own schedule (periodic sweeps), and a job a request
// enqueues is inserted in the request's transaction, which a refusal rolls back. The attempt
// counters (rate_limits) are left out as well: a refused attempt against a limit, such as a
// wrong password, must be counted, or the limit would let guesses through.
func tableNames(t *testing.T, st *store.Store) []string {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
	if st.Engine() == store.Postgres {
		q = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
	}
	var names []string
	if err := st.DB().Raw(q).Scan(&names).Error; err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(names, func(n string) bool {
		return n == "goose_db_version" || n == "rate_limits" || strings.HasPrefix(n, "river_")
	})
}

// rowCounts is every table's row count in one query, as "n,n,…".
func rowCounts(t *testing.T, st *store.Store, tables []string) string {
	t.Helper()
	parts := make([]string, len(tables))
	for i, n := range tables {
		parts[i] = "CAST((SELECT count(*) FROM " + n + ") AS TEXT)"
	}
	var out string
	if err := st.DB().Raw("SELECT " + strings.Join(parts, " || ',' || ")).Scan(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

func diffCounts(tables []string, before, after string) string {
	b, a := strings.Split(before, ","), strings.Split(after, ",")
	var out []string
	for i := range tables {
		if i < len(b) && i < len(a) && b[i] != a[i] {
			nb, _ := strconv.Atoi(b[i])
			na, _ := strconv.Atoi(a[i])
			out = append(out, fmt.Sprintf("%s %+d", tables[i], na-nb))
		}
	}
	return strings.Join(out, ", ")
}
