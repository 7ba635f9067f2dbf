package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// The public directory of admitted agencies, and the regulators' Excel
// export of the registry with the same filters.

// DirectoryFilter holds the directory's filters (exported: its fields are
// promoted into query structs, which reflection must be able to set).
type DirectoryFilter struct {
	Q        string `form:"q" doc:"机构名称的一部分，或统一社会信用代码的开头"`
	Item     string `form:"item" doc:"服务事项编码：只列该事项当前有效的机构"`
	Stage    string `form:"stage" doc:"审批阶段：立项、用地、规划报建、施工许可、竣工验收"`
	Region   string `form:"region" doc:"行政区划代码或其前缀（6201 为整个兰州市）"`
	QualType string `form:"qual_type" doc:"资质类型：只列持有该类型有效资质的机构"`
	Grade    string `form:"grade" doc:"信用等级：A、B、C 或 D"`
	Sort     string `form:"sort" doc:"排序：name（名称拼音，默认）、newest（最新入驻）或 grade（信用等级从高到低）"`
	Status   string `form:"status" doc:"仅监管部门、平台管理员：状态，多个用逗号分隔，或 all；目录默认 active，导出默认 all"`
}

type directoryQuery struct {
	Paging
	DirectoryFilter
}

// query checks the filter and builds the registry query; statuses apply
// when the filter names none.
func (h *handlers) directoryQuery(c *gin.Context, f DirectoryFilter, statuses []registry.AgencyStatus) (registry.DirectoryQuery, error) {
	v := apperr.Invalid()
	q := registry.DirectoryQuery{Text: f.Q, ItemCode: registry.NormalizeCode(f.Item), Stage: registry.Stage(f.Stage),
		Region: f.Region, QualType: f.QualType, Grade: f.Grade, Sort: f.Sort, Statuses: statuses, Now: h.now()}
	if f.Stage != "" && !registry.ValidStage(q.Stage) {
		v.Field("stage", "审批阶段应为：立项、用地、规划报建、施工许可、竣工验收之一")
	}
	if f.Sort != "" && f.Sort != registry.SortName && f.Sort != registry.SortNewest && f.Sort != registry.SortGrade {
		v.Field("sort", "排序应为 name、newest 或 grade")
	}
	if f.Grade != "" && !slices.Contains([]string{"A", "B", "C", "D"}, f.Grade) {
		v.Field("grade", "信用等级应为 A、B、C 或 D")
	}
	if f.Region != "" && strings.Trim(f.Region, "0123456789") != "" {
		v.Field("region", "行政区划代码应为数字")
	}
	if f.Status != "" {
		if !actorOf(web.PrincipalOf(c)).Supervises() {
			return q, apperr.Forbidden("只有监管部门可以按状态筛选机构")
		}
		q.Statuses = nil
		for _, s := range strings.Split(f.Status, ",") {
			st := registry.AgencyStatus(strings.TrimSpace(s))
			switch {
			case st == "all":
				q.Statuses = registry.AllStatuses
			case slices.Contains(registry.AllStatuses, st):
				q.Statuses = append(q.Statuses, st)
			default:
				v.Field("status", "状态应为 draft、pending、active、suspended、rejected、withdrawn、blacklisted 或 all")
			}
		}
	}
	return q, v.OrNil()
}

func (h *handlers) listAgencies(c *gin.Context) {
	var in directoryQuery
	if !bindQueryOK(c, &in) {
		return
	}
	q, err := h.directoryQuery(c, in.DirectoryFilter, nil)
	if err != nil {
		web.Fail(c, err)
		return
	}
	q.Page, q.PageSize = in.Page, in.PageSize
	entries, total := h.Registry.Directory().Search(q)
	today := registry.DateOf(q.Now)
	c.JSON(http.StatusOK, newPage(entries, total, in.Paging, func(e registry.DirectoryEntry) directoryItemDTO {
		return h.toDirectoryItem(e, today)
	}))
}

// publicAgency is the public profile: the admitted version only, whoever
// asks (an agency's own draft is on /my/agency, a reviewer's view on
// /registry/agencies/:id).
func (h *handlers) publicAgency(c *gin.Context) {
	a, err := h.Registry.Get(c, registry.Actor{}, c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, h.toPublicAgency(a))
}

// registryColumns are the columns of the registry export.
var registryColumns = []excel.Column{
	{Header: "统一社会信用代码", Width: 22},
	{Header: "机构名称", Width: 36},
	{Header: "状态", Width: 10},
	{Header: "所在地区", Width: 10},
	{Header: "法定代表人", Width: 12},
	{Header: "联系人", Width: 12},
	{Header: "联系电话", Width: 16},
	{Header: "资质类型", Width: 40},
	{Header: "最近资质到期日", Width: 16},
	{Header: "服务事项数", Width: 12, Kind: excel.Int},
	{Header: "入驻时间", Width: 18, Kind: excel.Date},
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

type exportQuery struct{ DirectoryFilter }

// exportRegistry streams the registry, filtered like the directory, as an
// Excel workbook straight into the response.
func (h *handlers) exportRegistry(c *gin.Context) {
	var in exportQuery
	if !bindQueryOK(c, &in) {
		return
	}
	q, err := h.directoryQuery(c, in.DirectoryFilter, registry.AllStatuses)
	if err != nil {
		web.Fail(c, err)
		return
	}
	wb := excel.NewWorkbook()
	defer wb.Close()
	t, err := wb.AddTable(excel.Sheet{Name: "中介机构", Title: "中介机构名录", Filters: describeFilter(in.DirectoryFilter),
		ExportedAt: q.Now, Columns: registryColumns})
	if err != nil {
		web.Fail(c, fmt.Errorf("registry export: %w", err))
		return
	}
	q.PageSize = 100
	for q.Page = 1; ; q.Page++ {
		entries, total := h.Registry.Directory().Search(q)
		for _, e := range entries {
			if err := t.Row(registryRow(e.Agency)...); err != nil {
				web.Fail(c, fmt.Errorf("registry export: %w", err))
				return
			}
		}
		if len(entries) == 0 || q.Page*q.PageSize >= total {
			break
		}
	}
	sendWorkbook(c, "中介机构名录-"+q.Now.In(registry.Shanghai).Format("20060102")+".xlsx", wb)
}

func registryRow(a registry.Agency) []any {
	p := a.Profile
	var types []string
	var nearest registry.Date
	for _, q := range p.Qualifications {
		if !slices.Contains(types, q.Type) {
			types = append(types, q.Type)
		}
		if nearest.IsZero() || q.ValidTo.Before(nearest) {
			nearest = q.ValidTo
		}
	}
	return []any{p.USCC, p.Name, a.Status.Label(), p.Region, p.LegalRep, p.Contact, p.Phone,
		strings.Join(types, "；"), nearest.String(), len(a.Listings), a.AdmittedAt}
}

// describeFilter is the filter in words, for the sheet's title row.
func describeFilter(f DirectoryFilter) string {
	var parts []string
	for _, x := range []struct{ label, v string }{
		{"关键词", f.Q}, {"服务事项", f.Item}, {"审批阶段", f.Stage}, {"地区", f.Region},
		{"资质类型", f.QualType}, {"状态", f.Status},
	} {
		if x.v != "" {
			parts = append(parts, x.label+"："+x.v)
		}
	}
	return strings.Join(parts, "；")
}

// sendWorkbook writes a finished workbook as a download. Once the first
// byte is out the status cannot change, so a later failure is only logged
// (the client sees a truncated download).
func sendWorkbook(c *gin.Context, name string, wb *excel.Workbook) {
	setDownload(c, xlsxType, "attachment", name)
	c.Status(http.StatusOK)
	if _, err := wb.WriteTo(c.Writer); err != nil {
		web.Classify(c, fmt.Errorf("write workbook %s: %w", name, err))
		c.Abort()
	}
}
