package adminui

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/web"
)

// verifyPage recomputes a project's draws in the server from the published
// values (docs/DRAW.md) and shows every input and step.
type verifyPage struct {
	P          hall.Project
	Opened     bool
	SecretHash string // SHA-256 of the revealed secret
	SecretOK   bool
	Draws      []drawCheck
	Command    string
}

// drawCheck is one draw with its inputs, its recomputation and the verdict.
type drawCheck struct {
	D          hall.Draw
	Purpose    string
	Candidates []namedNote // in the sorted order the draw uses
	Digest     string
	Seed       string // recomputed
	SeedOK     bool
	Picks      []pickSteps
	Winners    []string
	OK         bool
	Message    string
}

// pickSteps are the HMAC blocks tried for one pick.
type pickSteps struct {
	N      int // candidates remaining
	Limit  string
	Blocks []block
	Index  int
	Winner string
}

type block struct {
	Counter  uint64
	Hex      string // the first 8 bytes of HMAC-SHA256(seed, counter)
	X        string
	Accepted bool
}

func (u *ui) verifyDraws(c *gin.Context) {
	p, err := u.Hall.Get(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	pg := verifyPage{P: p, Command: "agencyhall verify-draw --url " + siteURL(c) + " --project " + p.ID}
	if p.Opening != nil && p.Opening.Secret != "" {
		pg.Opened = true
		if b, err := hex.DecodeString(p.Opening.Secret); err == nil {
			sum := sha256.Sum256(b)
			pg.SecretHash = hex.EncodeToString(sum[:])
			pg.SecretOK = pg.SecretHash == p.Commitment
			names := agencyNames(p)
			for _, d := range p.Opening.Outcome.Draws {
				pg.Draws = append(pg.Draws, checkDraw(p, d, b, names))
			}
		}
	}
	u.render(c, http.StatusOK, "project_verify", view{Title: "抽取验证 · " + p.Name, Nav: "hall", Data: pg})
}

// siteURL is this site's address as the visitor reached it.
func siteURL(c *gin.Context) string {
	scheme := "http"
	if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

func checkDraw(p hall.Project, d hall.Draw, secret []byte, names map[string]string) drawCheck {
	dc := drawCheck{D: d, Purpose: drawPurpose(d.Purpose)}
	dc.D.ProjectID = p.ID
	sorted := slices.Clone(d.Candidates)
	slices.Sort(sorted)
	for _, id := range sorted {
		dc.Candidates = append(dc.Candidates, namedNote{ID: id, Name: candidateName(d.Purpose, id, names)})
	}
	digest := sha256.Sum256([]byte(strings.Join(sorted, "\n")))
	dc.Digest = hex.EncodeToString(digest[:])
	h := sha256.New()
	h.Write(secret)
	h.Write([]byte(p.ID))
	h.Write(digest[:])
	h.Write([]byte(d.Witness))
	seed := h.Sum(nil)
	dc.Seed = hex.EncodeToString(seed)
	dc.SeedOK = dc.Seed == d.Seed
	dc.Picks = replay(seed, sorted, len(d.Winners), d.Purpose, names)
	for _, w := range d.Winners {
		dc.Winners = append(dc.Winners, candidateName(d.Purpose, w, names))
	}
	dc.OK, dc.Message = hall.VerifyDraw(p.Opening.Secret, p.Commitment, dc.D)
	dc.OK = dc.OK && dc.SeedOK
	return dc
}

// replay recomputes the picks step by step, independently of hall.RunDraw,
// so the page shows each HMAC block and whether it was accepted.
func replay(seed []byte, sorted []string, k int, purpose string, names map[string]string) []pickSteps {
	remaining := slices.Clone(sorted)
	var out []pickSteps
	var counter uint64
	for len(out) < k && len(remaining) > 0 {
		n := uint64(len(remaining))
		limit := (^uint64(0) / n) * n
		ps := pickSteps{N: len(remaining), Limit: strconv.FormatUint(limit, 10)}
		for {
			mac := hmac.New(sha256.New, seed)
			var cb [8]byte
			binary.BigEndian.PutUint64(cb[:], counter)
			mac.Write(cb[:])
			sum := mac.Sum(nil)
			x := binary.BigEndian.Uint64(sum[:8])
			b := block{Counter: counter, Hex: hex.EncodeToString(sum[:8]), X: strconv.FormatUint(x, 10), Accepted: x < limit}
			ps.Blocks = append(ps.Blocks, b)
			counter++
			if b.Accepted {
				ps.Index = int(x % n)
				break
			}
		}
		ps.Winner = candidateName(purpose, remaining[ps.Index], names)
		remaining = slices.Delete(remaining, ps.Index, ps.Index+1)
		out = append(out, ps)
	}
	return out
}

// candidateName shows a candidate: an agency's name, or a coefficient.
func candidateName(purpose, id string, names map[string]string) string {
	if purpose == "coefficient" {
		if bp, err := strconv.Atoi(id); err == nil {
			return formatBP(bp)
		}
	}
	if n := names[id]; n != "" {
		return n
	}
	return id
}
