package httpapi

import "testing"

func TestJSONTextProblemPointsAtTheValue(t *testing.T) {
	cases := []struct {
		name, body, pointer, detail string
	}{
		{"nested array", `{"sessions":[{"title":"ok","n":1},{"title":"a\u0000"}]}`, "#/sessions/1/title", "holds a NUL character"},
		{"after nested values", `{"a":{"b":[1,2,{"c":null}]},"d":"\u0000"}`, "#/d", "holds a NUL character"},
		{"top-level array", `[1,"x",{"a":["\u0000"]}]`, "#/2/a/0", "holds a NUL character"},
		{"raw invalid byte", "{\"rows\":[{\"name\":\"ok\"},{\"name\":\"b\xc3\x28\"}]}", "#/rows/1/name", "is not valid UTF-8"},
		{"key", `{"ok":1,"a\u0000b":2}`, "#/ab", "has a name that holds a NUL character"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, ok := jsonTextProblem([]byte(c.body))
			if !ok || f.Pointer != c.pointer || f.Detail != c.detail {
				t.Errorf("got %+v %v, want %s %q", f, ok, c.pointer, c.detail)
			}
		})
	}
	if f, ok := jsonTextProblem([]byte(`{"a":"fine \u00e9"}`)); ok {
		t.Errorf("clean text flagged: %+v", f)
	}
}
