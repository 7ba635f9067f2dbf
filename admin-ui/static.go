package adminui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/web"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded static file, read once at start-up.
type asset struct {
	body  []byte
	ctype string
	hash  string // content hash: the ETag and the cache-busting version
}

// assets are the embedded files by their path under static/.
type assets struct {
	files map[string]asset
}

// contentTypes are fixed here rather than taken from the system's MIME
// table, which differs between machines (and nosniff makes a wrong type fatal).
var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml",
	".png": "image/png",
	".txt": "text/plain; charset=utf-8",
}

func loadAssets() *assets {
	a := &assets{files: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ctype, ok := contentTypes[path.Ext(p)]
		if !ok {
			return nil // READMEs and licences stay in the repository, not on the web
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		a.files[strings.TrimPrefix(p, "static/")] = asset{body: body, ctype: ctype, hash: hex.EncodeToString(sum[:8])}
		return nil
	})
	if err != nil {
		panic("adminui: reading embedded static files: " + err.Error())
	}
	return a
}

// url is the address of an asset with its content hash, so a file can be
// cached for a year and a new release still loads its new version.
func (a *assets) url(name string) string {
	f, ok := a.files[name]
	if !ok {
		panic("adminui: template refers to missing static file " + name)
	}
	return "/static/" + name + "?v=" + f.hash
}

// static serves an embedded file with long cache headers.
func (u *ui) static(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("filepath"), "/")
	f, ok := u.assets.files[name]
	if !ok {
		web.Fail(c, apperr.NotFound("文件"))
		return
	}
	h := c.Writer.Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+f.hash+`"`)
	h.Set("Content-Type", f.ctype)
	// ServeContent answers If-None-Match with 304 and handles ranges.
	http.ServeContent(c.Writer, c.Request, name, time.Time{}, bytes.NewReader(f.body))
}
