package httpapi

import (
	"bytes"
	"context"
	"html/template"
	"net/http"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/recert"
)

// problemPage is what a problem's type URI shows a person: the problem and what to do, in
// the pages' style sheet, without scripts.
var problemPage = template.Must(template.New("problem").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · Recert problem types</title>
<link rel="stylesheet" href="/app/assets/app.css">
</head>
<body>
<header class="top"><a class="brand" href="/docs">Recert API</a></header>
<main id="main">
<h1>{{.Title}}</h1>
<p>HTTP status {{.Status}}. A problem response (<code>application/problem+json</code>) whose <code>type</code> is <code>{{.Type}}</code>.</p>
<p>{{.What}}</p>
<h2>What to do</h2>
<p>{{.Todo}}</p>
<p>Every problem also carries a <code>detail</code> about the request that failed and a <code>request_id</code> to quote when asking for help. <a href="/docs">The API's documentation</a> lists where each problem can occur.</p>
</main>
</body>
</html>
`))

// GetProblemType serves the page of one problem type.
func (s *Server) GetProblemType(_ context.Context, req api.GetProblemTypeRequestObject) (api.GetProblemTypeResponseObject, error) {
	for _, k := range problemKinds {
		if k.slug != req.ProblemType {
			continue
		}
		var b bytes.Buffer
		err := problemPage.Execute(&b, map[string]any{
			"Title": http.StatusText(k.status), "Status": k.status, "Type": s.problemTypeURI(k.status),
			"What": k.what, "Todo": k.todo,
		})
		if err != nil {
			return nil, err
		}
		return api.GetProblemType200TextHTMLResponse{Body: &b, ContentLength: int64(b.Len())}, nil
	}
	return nil, recert.Errorf(recert.ENOTFOUND, "no problem type %q; the contract's Problem schema lists them", req.ProblemType)
}
