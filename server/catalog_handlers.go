package server

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

type serviceItemQuery struct {
	Paging
	Stage string `form:"stage" doc:"审批阶段：立项、用地、规划报建、施工许可、竣工验收"`
	Q     string `form:"q" doc:"事项名称、编码或类别的一部分"`
}

// listServiceItems is the public catalog: enabled items, by stage then code.
func (h *handlers) listServiceItems(c *gin.Context) {
	var q serviceItemQuery
	if !bindQueryOK(c, &q) {
		return
	}
	if q.Stage != "" && !registry.ValidStage(registry.Stage(q.Stage)) {
		web.Fail(c, apperr.Invalid().Field("stage", "审批阶段应为：立项、用地、规划报建、施工许可、竣工验收之一"))
		return
	}
	all, err := h.Catalog.List(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var keep []registry.ServiceItem
	for _, it := range all {
		if it.Enabled && (q.Stage == "" || string(it.Stage) == q.Stage) && matches(q.Q, it.Name, it.Code, it.Category) {
			keep = append(keep, it)
		}
	}
	c.JSON(http.StatusOK, pageSlice(keep, q.Paging, toServiceItem))
}

func matches(q string, fields ...string) bool {
	if q == "" {
		return true
	}
	q = strings.ToLower(q)
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), q) {
			return true
		}
	}
	return false
}

func (h *handlers) getServiceItem(c *gin.Context) {
	it, err := h.Catalog.Get(c, c.Param("code"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toServiceItem(it))
}
