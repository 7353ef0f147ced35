package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/motcua/motcua/workflow"
)

// dossierLine is a dossier and its history (docs/IMPORT.md). Events are
// decoded one by one, so that a fault in one names its index.
type dossierLine struct {
	Board      string            `json:"board"`
	Procedure  string            `json:"procedure"`
	Variant    string            `json:"variant"`
	Channel    string            `json:"channel"`
	Applicant  *applicant        `json:"applicant"`
	Title      string            `json:"title"`
	Zone       string            `json:"zone"`
	Documents  []string          `json:"documents"`
	Investment *investment       `json:"investment"`
	Events     []json.RawMessage `json:"events"`
}

// applicant is who filed the dossier.
type applicant struct {
	Name    string `json:"name"`
	TaxCode string `json:"tax_code"`
	Email   string `json:"email"`
	Phone   string `json:"phone"`
}

// investment is workflow.InvestmentInput with the zone given by name.
type investment struct {
	ProjectCode string `json:"project_code"`
	Name        string `json:"name"`
	Zone        string `json:"zone"`
	Foreign     *bool  `json:"foreign"`
	Capital     string `json:"capital"`
	Currency    string `json:"currency"`
}

// eventLine is one event of a dossier's history.
type eventLine struct {
	Event     string                 `json:"event"`
	At        string                 `json:"at"`
	Role      string                 `json:"role"`
	Actor     string                 `json:"actor"`
	Comment   string                 `json:"comment"`
	Extension *extension             `json:"extension"`
	Missing   []workflow.MissingItem `json:"missing"`
	Result    *result                `json:"result"`
}

// result is a historical decision's result document: an import carries no
// files, so it is a paper original, with its number and sign if known.
type result struct {
	Medium    string `json:"medium"`
	Reference string `json:"reference"`
}

// extension is workflow.ExtensionInput with the date as text.
type extension struct {
	Reason        string `json:"reason"`
	NewDueDate    string `json:"new_due_date"`
	ApologyLetter string `json:"apology_letter"`
}

// projectLine is an opening project: {"project": {...}}.
type projectLine struct {
	Project *project `json:"project"`
}

// project is an investment project licensed before the board moved to motcua.
type project struct {
	Board string `json:"board"`
	investment
	IssuedAt     string `json:"issued_at"`
	TerminatedAt string `json:"terminated_at"`
}

// decodeLine reads one line that is neither blank nor a comment: an opening
// project when its object has the key "project", else a dossier.
func decodeLine(raw []byte) (any, *Error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil || top == nil {
		return nil, malformed(err)
	}
	if e := nulCharacter(raw); e != nil {
		return nil, e
	}
	if _, ok := top["project"]; ok {
		var p projectLine
		if e := decodeStrict(raw, &p, ""); e != nil {
			return nil, e
		}
		if p.Project == nil {
			return nil, missing("project")
		}
		return &p, nil
	}
	var d dossierLine
	if e := decodeStrict(raw, &d, ""); e != nil {
		return nil, e
	}
	return &d, nil
}

// nulCharacter refuses a line with a NUL character (\u0000) in any key or
// text, naming the first: no database stores one, and PostgreSQL refuses
// it with an error that is no fault of the line's.
func nulCharacter(raw []byte) *Error {
	if !bytes.Contains(raw, []byte(`\u0000`)) {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	path, found := nulPath(v, "")
	if !found {
		return nil
	}
	return fault(path, CodeNULCharacter, "có ký tự NUL (\\u0000) trong "+path, "a NUL character (\\u0000) in "+path)
}

// nulPath is the JSON path of the first string of v, key or value, with a
// NUL character; keys in order.
func nulPath(v any, path string) (string, bool) {
	switch x := v.(type) {
	case string:
		return path, strings.ContainsRune(x, 0)
	case []any:
		for i, e := range x {
			if p, ok := nulPath(e, fmt.Sprintf("%s[%d]", path, i)); ok {
				return p, true
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if strings.ContainsRune(k, 0) {
				return join(path, strings.ReplaceAll(k, "\x00", `\u0000`)), true
			}
			if p, ok := nulPath(x[k], join(path, k)); ok {
				return p, true
			}
		}
	}
	return "", false
}

// decodeEvent reads events[i] of a dossier line.
func decodeEvent(raw json.RawMessage, i int) (*eventLine, *Error) {
	var ev eventLine
	return &ev, decodeStrict(raw, &ev, fmt.Sprintf("events[%d]", i))
}

// malformed reports a line that is not one JSON object.
func malformed(err error) *Error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fault("", CodeMalformedJSON, fmt.Sprintf("JSON sai cú pháp ở byte %d", syn.Offset),
			fmt.Sprintf("malformed JSON at byte %d: %v", syn.Offset, syn))
	}
	return fault("", CodeMalformedJSON, "mỗi dòng phải là một đối tượng JSON {…}", "each line must be one JSON object {…}")
}

// decodeStrict decodes raw into v, refusing unknown fields. A fault names
// its JSON path, under prefix.
func decodeStrict(raw []byte, v any, prefix string) *Error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &typ):
		field := join(prefix, typ.Field)
		return fault(field, CodeWrongType, fmt.Sprintf("%s phải là %s, không phải %s", field, kindVI(typ.Type), valueVI[typ.Value]),
			fmt.Sprintf("%s must be %s, not %s", field, kindEN(typ.Type), typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		key := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		field := unknownPath(raw, reflect.TypeOf(v), prefix, key)
		return fault(field, CodeUnknownField, "trường không có trong định dạng: "+field, "unknown field: "+field)
	}
	return malformed(err)
}

// join appends a field to a JSON path.
func join(prefix, field string) string {
	if prefix == "" || field == "" {
		return prefix + field
	}
	return prefix + "." + field
}

// kindVI and kindEN name the JSON type a Go type expects.
func kindVI(t reflect.Type) string {
	return map[string]string{"string": "chuỗi ký tự", "bool": "true hoặc false", "array": "mảng", "object": "đối tượng"}[jsonKind(t)]
}

func kindEN(t reflect.Type) string {
	return map[string]string{"string": "a string", "bool": "true or false", "array": "an array", "object": "an object"}[jsonKind(t)]
}

// valueVI names the JSON values a decoder reports.
var valueVI = map[string]string{"number": "số", "string": "chuỗi ký tự", "bool": "true/false", "array": "mảng",
	"object": "đối tượng"}

// jsonKind is the JSON type a Go type is decoded from.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "bool"
	case reflect.Slice:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return "string"
}

// unknownPath finds where the unknown key the decoder named sits in raw:
// the first, in path order, of the keys named key that t has no field for.
func unknownPath(raw []byte, t reflect.Type, prefix, key string) string {
	var found []string
	for _, p := range unknownPaths(raw, t, prefix) {
		if p == key || strings.HasSuffix(p, "."+key) {
			found = append(found, p)
		}
	}
	if len(found) == 0 {
		return join(prefix, key)
	}
	sort.Strings(found)
	return found[0]
}

// unknownPaths lists the JSON paths of the keys in raw that t has no field
// for, matching names case-insensitively as encoding/json does.
func unknownPaths(raw []byte, t reflect.Type, path string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	switch {
	case t.Kind() == reflect.Slice && t.Elem() == reflect.TypeOf(json.RawMessage{}):
		// decoded later on its own (events)
	case t.Kind() == reflect.Slice:
		var items []json.RawMessage
		json.Unmarshal(raw, &items)
		for i, item := range items {
			out = append(out, unknownPaths(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))...)
		}
	case t.Kind() == reflect.Struct:
		var obj map[string]json.RawMessage
		json.Unmarshal(raw, &obj)
		fields := jsonFields(t)
		for k, v := range obj {
			if ft, ok := fields[strings.ToLower(k)]; ok {
				out = append(out, unknownPaths(v, ft, join(path, k))...)
			} else {
				out = append(out, join(path, k))
			}
		}
	}
	return out
}

// jsonFields maps the lower-cased JSON names of t's fields, those of
// embedded structs included, to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		out[strings.ToLower(name)] = f.Type
	}
	return out
}
