package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/ocds"
	"github.com/agencyhall/agencyhall/web"
)

// ocdsQuery pages the release feed.
type ocdsQuery struct {
	Since string `form:"since" doc:"从此位置之后开始：上一页返回的 links.next 中的游标，或日期（2026-11-01，北京时间）/ RFC 3339 时间；为空从头开始"`
	Limit int    `form:"limit" doc:"每页发布数，1–1000，默认 100"`
}

const (
	defaultOCDSLimit = 100
	maxOCDSLimit     = 1000
)

// ocdsReleases is one page of the OCDS release feed.
func (h *handlers) ocdsReleases(c *gin.Context) {
	var q ocdsQuery
	if !bindQueryOK(c, &q) {
		return
	}
	if c.Query("limit") != "" && (q.Limit < 1 || q.Limit > maxOCDSLimit) {
		web.Fail(c, apperr.Invalid().Field("limit", "每页发布数应为 1–1000"))
		return
	}
	if q.Limit == 0 {
		q.Limit = defaultOCDSLimit
	}
	since, err := ocds.ParseCursor(q.Since)
	if err != nil {
		web.Fail(c, apperr.Invalid().Field("since", "since 应为上一页给出的游标，或 2026-11-01 这样的日期"))
		return
	}
	rels, next, more := h.OCDS.Page(since, q.Limit)
	pkg := ocds.ReleasePackage{URI: h.absURL(c, c.Request.URL.RequestURI()), Version: ocds.Version,
		PublishedDate: h.now().In(shanghai).Format(time.RFC3339), Publisher: h.publisher(c), Releases: rels}
	if pkg.Releases == nil {
		pkg.Releases = []ocds.Release{}
	}
	if more {
		v := url.Values{"since": {next.String()}}
		if c.Query("limit") != "" {
			v.Set("limit", strconv.Itoa(q.Limit))
		}
		pkg.Links = &ocds.Links{Next: h.absURL(c, "/api/v1/ocds/releases?"+v.Encode())}
	}
	// The cursor of the last release lets a consumer that reached the end
	// poll for what comes next.
	c.Header("X-OCDS-Next-Since", next.String())
	c.JSON(http.StatusOK, pkg)
}

// ocdsRelease is one release in a package of its own.
func (h *handlers) ocdsRelease(c *gin.Context) {
	r, ok := h.OCDS.Release(c.Param("id"))
	if !ok {
		web.Fail(c, apperr.NotFound("这条公开发布"))
		return
	}
	c.JSON(http.StatusOK, ocds.ReleasePackage{URI: h.absURL(c, c.Request.URL.RequestURI()), Version: ocds.Version,
		PublishedDate: h.now().In(shanghai).Format(time.RFC3339), Publisher: h.publisher(c), Releases: []ocds.Release{r}})
}

// ocdsRecord is the record of one project: its releases and the
// compiled release.
func (h *handlers) ocdsRecord(c *gin.Context) {
	rec, ok := h.OCDS.Record(c.Param("ocid"), func(id string) string {
		return h.absURL(c, "/api/v1/ocds/releases/"+url.PathEscape(id))
	})
	if !ok {
		web.Fail(c, apperr.NotFound("这个项目的公开记录"))
		return
	}
	c.JSON(http.StatusOK, ocds.RecordPackage{URI: h.absURL(c, c.Request.URL.RequestURI()), Version: ocds.Version,
		PublishedDate: h.now().In(shanghai).Format(time.RFC3339), Publisher: h.publisher(c), Records: []ocds.Record{rec}})
}

func (h *handlers) publisher(c *gin.Context) ocds.Publisher {
	return ocds.Publisher{Name: h.SiteName, URI: h.absURL(c, "/")}
}

// absURL makes a path absolute with the configured external address, or
// the address the request came to.
func (h *handlers) absURL(c *gin.Context, path string) string {
	if h.BaseURL != "" {
		return strings.TrimRight(h.BaseURL, "/") + path
	}
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host + path
}

// Examples for the API document.
var (
	exampleOCDSRelease = ocds.Release{OCID: "ocds-213czf-P20261103001", ID: "ocds-213czf-P20261103001-0004",
		Date: "2026-11-10T10:00:00+08:00", Tag: []string{"award"}, InitiationType: "tender", Language: "zh",
		Tender: &ocds.Tender{ID: "P20261103001", Title: "兰州新区道路工程环境影响评价", Status: "complete",
			ProcurementMethod: "open", ProcurementMethodDetails: "竞价·最低价", MainProcurementCategory: "services"},
		Awards: []ocds.Award{{ID: "P20261103001-A1", Status: "pending", Date: "2026-11-10T10:00:00+08:00",
			Value: &ocds.Value{Amount: "87654.32", Currency: "CNY"}, Suppliers: []ocds.OrgRef{{ID: exampleAgencyID, Name: "甘肃陇原工程咨询有限公司"}}}}}
	exampleReleasePackage = ocds.ReleasePackage{URI: "https://zjcs.example.gov.cn/api/v1/ocds/releases?since=2026-11-01",
		Version: ocds.Version, PublishedDate: "2026-11-27T09:00:00+08:00", Publisher: ocds.Publisher{Name: "兰州市网上中介服务超市"},
		Releases: []ocds.Release{exampleOCDSRelease},
		Links:    &ocds.Links{Next: "https://zjcs.example.gov.cn/api/v1/ocds/releases?since=MTc2Mjc0MDAwMDAwMDAwMDAwMHxvY2RzLTIxM2N6Zi1QMjAyNjExMDMwMDEtMDAwNA"}}
	exampleRecordPackage = ocds.RecordPackage{URI: "https://zjcs.example.gov.cn/api/v1/ocds/records/ocds-213czf-P20261103001",
		Version: ocds.Version, PublishedDate: "2026-11-27T09:00:00+08:00", Publisher: ocds.Publisher{Name: "兰州市网上中介服务超市"},
		Records: []ocds.Record{{OCID: "ocds-213czf-P20261103001", Releases: []ocds.LinkedRelease{{
			URL: "https://zjcs.example.gov.cn/api/v1/ocds/releases/ocds-213czf-P20261103001-0004", Date: "2026-11-10T10:00:00+08:00",
			Tag: []string{"award"}}}, CompiledRelease: exampleOCDSRelease}}}
)
