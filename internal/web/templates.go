package web

import (
	"html/template"
	"io/fs"
	"strings"
)

// parseTemplates pairs the layout with each page: pages["dashboard"] renders
// templates/dashboard.html inside templates/layout.html.
func parseTemplates() (map[string]*template.Template, error) {
	funcs := template.FuncMap{"join": strings.Join, "add": func(a, b int) int { return a + b },
		"list": func(s ...string) []string { return s }, "format": formatWord, "scope": scopeWord,
		"field": fieldAttrs, "problem": fieldProblem}
	layout, err := template.New("layout").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}
