package adminui

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// xlsxType is the content type of .xlsx workbooks.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// registryColumns are the columns of the registry export.
var registryColumns = []excel.Column{
	{Header: "统一社会信用代码", Width: 22},
	{Header: "机构名称", Width: 34},
	{Header: "状态", Width: 10},
	{Header: "所在地区", Width: 12},
	{Header: "法定代表人", Width: 12},
	{Header: "联系人", Width: 12},
	{Header: "联系电话", Width: 16},
	{Header: "资质类型", Width: 40},
	{Header: "最近到期日", Width: 13},
	{Header: "服务事项数", Width: 11, Kind: excel.Int},
	{Header: "当前可承接事项数", Width: 15, Kind: excel.Int},
	{Header: "入驻时间", Kind: excel.Date},
}

// exportRegistry streams the agencies matching the list's filters as an
// Excel workbook, one directory page at a time, so memory stays flat.
func (u *ui) exportRegistry(c *gin.Context) {
	now := u.Now()
	q, p := registryQuery(c, now)
	var filters []string
	if p.Status != "" {
		filters = append(filters, "状态："+registry.AgencyStatus(p.Status).Label())
	}
	if p.Query != "" {
		filters = append(filters, "名称或代码："+p.Query)
	}
	if p.Region != "" {
		filters = append(filters, "地区："+p.Region)
	}
	wb := excel.NewWorkbook()
	defer wb.Close()
	t, err := wb.AddTable(excel.Sheet{Name: "中介机构", Title: "中介机构名录", Filters: strings.Join(filters, "，"),
		ExportedAt: now, Columns: registryColumns})
	if err != nil {
		web.Fail(c, err)
		return
	}
	q.PageSize = 100
	for q.Page = 1; ; q.Page++ {
		entries, total := u.Registry.Directory().Search(q)
		for _, e := range entries {
			a := e.Agency
			var nearest any
			if nq, ok := nearestExpiry(a.Profile.Qualifications); ok {
				nearest = nq.ValidTo.String()
			}
			if err := t.Row(a.Profile.USCC, a.Profile.Name, a.Status.Label(), a.Profile.Region, a.Profile.LegalRep,
				a.Profile.Contact, a.Profile.Phone, strings.Join(qualTypes(a.Profile.Qualifications), "、"), nearest,
				len(a.Listings), len(e.ValidListings), a.AdmittedAt); err != nil {
				web.Fail(c, err)
				return
			}
		}
		if len(entries) == 0 || q.Page*q.PageSize >= total {
			break
		}
	}
	h := c.Writer.Header()
	h.Set("Content-Type", xlsxType)
	h.Set("Content-Disposition", contentDisposition("attachment", "中介机构名录-"+stamp(now)+".xlsx"))
	h.Set("Cache-Control", "no-store")
	if _, err := wb.WriteTo(c.Writer); err != nil {
		// The header has gone out: the download ends short and the log says why.
		web.Classify(c, err)
	}
}
