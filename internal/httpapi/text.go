package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/recert"
)

// valueHeaders are the request headers whose values the API reads as text.
var valueHeaders = []string{"Idempotency-Key", "If-Match"}

// requestIDShape is what a caller's X-Request-Id must look like to be kept; any other is
// replaced by one of ours, since it is echoed in headers, bodies and logs.
var requestIDShape = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// sanitizeRequestID drops a caller's X-Request-Id that is not a plain token (runs before
// routing, ahead of the request id middleware).
func sanitizeRequestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header
		if id := h.Get(echo.HeaderXRequestID); id != "" && !requestIDShape.MatchString(id) {
			h.Del(echo.HeaderXRequestID)
		}
		return next(c)
	}
}

// checkText refuses, before any handler or the database sees them, a NUL character or
// invalid UTF-8 in a path parameter, a query value, a header read as a value, a form field
// or a string (or key) of a JSON body: a 400 problem that points at the value. CSV bodies
// are left to the roster reader, which decides their encoding line by line.
func checkText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		var fields []recert.FieldError
		bad := func(location, pointer, value string) {
			if d := textProblem(value); d != "" {
				fields = append(fields, recert.FieldError{Location: location, Pointer: pointer, Detail: d})
			}
		}
		req := c.Request()
		for i, name := range c.ParamNames() {
			v := c.ParamValues()[i]
			if u, err := url.PathUnescape(v); err == nil {
				v = u
			}
			bad("path", "#/"+escapePointer(name), v)
		}
		if len(fields) == 0 {
			bad("path", "#", req.URL.Path)
		}
		if q, err := url.ParseQuery(req.URL.RawQuery); err == nil {
			checkValues(q, "query", bad)
		}
		for _, h := range valueHeaders {
			for _, v := range req.Header.Values(h) {
				bad("header", "#/"+h, v)
			}
		}
		if len(fields) == 0 && req.Body != nil && req.ContentLength != 0 {
			more, err := checkBody(c)
			if err != nil {
				return err
			}
			fields = append(fields, more...)
		}
		if len(fields) > 0 {
			return &recert.Error{Code: recert.EBADREQUEST, Message: "the request holds text that is not valid UTF-8 or holds a NUL character", Fields: fields[:1]}
		}
		return next(c)
	}
}

// checkBody reads a JSON or form body, checks its text and puts it back for the next
// reader; other bodies pass unread.
func checkBody(c echo.Context) ([]recert.FieldError, error) {
	req := c.Request()
	media, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	isJSON := media == "application/json" || strings.HasSuffix(media, "+json")
	isForm := media == "application/x-www-form-urlencoded"
	if !isJSON && !isForm {
		return nil, nil
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return nil, he // the body limit
		}
		return nil, echo.NewHTTPError(400, "the body could not be read").SetInternal(err)
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	var fields []recert.FieldError
	if isForm {
		if form, err := url.ParseQuery(string(body)); err == nil {
			checkValues(form, "body", func(location, pointer, value string) {
				if d := textProblem(value); d != "" {
					fields = append(fields, recert.FieldError{Location: location, Pointer: pointer, Detail: d})
				}
			})
		}
		return fields, nil
	}
	// The common case costs one scan: valid UTF-8 and no escaped NUL.
	if utf8.Valid(body) && !bytes.Contains(body, []byte(`\u0000`)) {
		return nil, nil
	}
	if f, ok := jsonTextProblem(body); ok {
		fields = append(fields, f)
	}
	return fields, nil
}

func checkValues(values url.Values, location string, bad func(location, pointer, value string)) {
	for k, vs := range values {
		bad(location, "#/"+escapePointer(strings.ToValidUTF8(k, "?")), k)
		for _, v := range vs {
			bad(location, "#/"+escapePointer(strings.ToValidUTF8(k, "?")), v)
		}
	}
}

// textProblem says what is wrong with s as text, or "" when nothing is.
func textProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case strings.ContainsRune(s, 0):
		return "holds a NUL character"
	}
	return ""
}

// jsonTextProblem walks a JSON document and returns the first string (value or key) that
// holds invalid UTF-8 or a NUL character, located by a JSON Pointer. A document that is not
// JSON is left to the request validator.
func jsonTextProblem(body []byte) (recert.FieldError, bool) {
	firstInvalid := int64(-1)
	if !utf8.Valid(body) {
		for i := 0; i < len(body); {
			r, size := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && size == 1 {
				firstInvalid = int64(i)
				break
			}
			i += size
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	w := &jsonWalk{}
	for {
		tok, err := dec.Token()
		if err != nil {
			return recert.FieldError{}, false
		}
		pointer := w.pointer()
		s, isString := tok.(string)
		isKey := isString && w.expectingKey()
		w.step(tok)
		if !isString {
			continue
		}
		detail := ""
		switch {
		case firstInvalid >= 0 && dec.InputOffset() > firstInvalid:
			detail = "is not valid UTF-8"
		case strings.ContainsRune(s, 0):
			detail = "holds a NUL character"
		}
		if detail == "" {
			continue
		}
		if isKey {
			pointer = w.pointer() // the member the key names
			detail = "has a name that " + detail
		}
		return recert.FieldError{Location: "body", Pointer: pointer, Detail: detail}, true
	}
}

// jsonWalk follows where a json.Decoder is in a document, to name each token's pointer.
type jsonWalk struct {
	frames []jsonFrame
}

type jsonFrame struct {
	array   bool
	index   int    // arrays: the next element's index
	key     string // objects: the current member's name
	haveKey bool   // objects: a key was read and its value is next
}

func (w *jsonWalk) expectingKey() bool {
	n := len(w.frames)
	return n > 0 && !w.frames[n-1].array && !w.frames[n-1].haveKey
}

// pointer is the JSON Pointer of the value the next token starts.
func (w *jsonWalk) pointer() string {
	var b strings.Builder
	b.WriteString("#")
	for _, f := range w.frames {
		b.WriteString("/")
		if f.array {
			b.WriteString(strconv.Itoa(f.index))
		} else if f.haveKey {
			b.WriteString(escapePointer(strings.ToValidUTF8(strings.ReplaceAll(f.key, "\x00", ""), "?")))
		}
	}
	return strings.TrimSuffix(b.String(), "/")
}

// step records a token just read.
func (w *jsonWalk) step(tok json.Token) {
	n := len(w.frames)
	if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
		w.frames = w.frames[:n-1]
		w.valueDone()
		return
	}
	if n > 0 && !w.frames[n-1].array && !w.frames[n-1].haveKey {
		w.frames[n-1].key, _ = tok.(string)
		w.frames[n-1].haveKey = true
		return
	}
	if d, ok := tok.(json.Delim); ok {
		w.frames = append(w.frames, jsonFrame{array: d == '['})
		return
	}
	w.valueDone()
}

// valueDone moves past a complete value in the enclosing array or object.
func (w *jsonWalk) valueDone() {
	n := len(w.frames)
	if n == 0 {
		return
	}
	if w.frames[n-1].array {
		w.frames[n-1].index++
	} else {
		w.frames[n-1].haveKey = false
	}
}
