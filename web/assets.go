package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"

	"github.com/labstack/echo/v4"
)

//go:embed static
var staticFS embed.FS

// asset is one static file served from memory, under a name that carries
// a hash of its content so that browsers may keep it for a year.
type asset struct {
	name        string // app.css
	hashed      string // app.3f2a9c1b.css
	contentType string
	body        []byte
}

// assets are the site's stylesheet and script: every file of static/css
// and of static/js joined into one of each (fewer requests on a slow
// line), and the other files of static/ as they are.
type assets struct {
	byName   map[string]*asset
	byHashed map[string]*asset
}

// loadAssets reads and joins the static files.
func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]*asset{}, byHashed: map[string]*asset{}}
	for _, bundle := range []struct{ dir, name, typ string }{
		{"static/css", "app.css", "text/css; charset=utf-8"},
		{"static/js", "app.js", "text/javascript; charset=utf-8"},
	} {
		body, err := join(bundle.dir)
		if err != nil {
			return nil, err
		}
		a.add(bundle.name, bundle.typ, body)
	}
	return a, nil
}

// join concatenates the files of dir in name order.
func join(dir string) ([]byte, error) {
	files, err := fs.Glob(staticFS, dir+"/*")
	if err != nil {
		return nil, fmt.Errorf("web: static: %w", err)
	}
	sort.Strings(files)
	var b bytes.Buffer
	for _, f := range files {
		raw, err := staticFS.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("web: static: %w", err)
		}
		b.Write(raw)
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

// add registers one asset under its plain and hashed names.
func (a *assets) add(name, typ string, body []byte) {
	sum := sha256.Sum256(body)
	ext := path.Ext(name)
	x := &asset{name: name, contentType: typ, body: body,
		hashed: name[:len(name)-len(ext)] + "." + hex.EncodeToString(sum[:4]) + ext}
	a.byName[name] = x
	a.byHashed[x.hashed] = x
}

// url is the address of asset name, for templates.
func (a *assets) url(name string) string {
	if x, ok := a.byName[name]; ok {
		return "/static/" + x.hashed
	}
	return "/static/" + name
}

// serve answers GET /static/:name: a hashed name is kept for a year.
func (a *assets) serve(c echo.Context) error {
	x, ok := a.byHashed[c.Param("name")]
	if !ok {
		return echo.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, x.contentType, x.body)
}
