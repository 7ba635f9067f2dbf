package adminui

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// hallPageSize is the page size of the hall's project lists.
const hallPageSize = 20

// statusFilter is one choice of the hall's status filter: a group of states.
type statusFilter struct {
	Key, Label string
	States     []hall.State
}

var statusFilters = []statusFilter{
	{"open", "报名中", []hall.State{hall.StateOpen}},
	{"selecting", "选取中", []hall.State{hall.StateOpening}},
	{"publicity", "公示中", []hall.State{hall.StatePublicity, hall.StateObjection}},
	{"contracting", "待签约", []hall.State{hall.StateContracting}},
	{"service", "服务中", []hall.State{hall.StateInService, hall.StateDelivered, hall.StateAccepted}},
	{"done", "已完成", []hall.State{hall.StateEvaluated}},
	{"failed", "流标或已终止", []hall.State{hall.StateFailed, hall.StateCancelled}},
}

func statesOf(key string) []hall.State {
	for _, f := range statusFilters {
		if f.Key == key {
			return f.States
		}
	}
	return nil
}

// hallPage is the public selection hall (选取大厅).
type hallPage struct {
	Query, Method, Item, Stage, Region, Status, Sort string
	Groups                                           []itemGroup
	Stages                                           []registry.Stage
	Methods                                          []hall.Method
	Statuses                                         []statusFilter
	Rows                                             []hall.Project
	Pager                                            pager
	Filter                                           bool
	OpenCount                                        int
}

// hallQuery reads the hall's filters from the query string.
func hallQuery(c *gin.Context) (hallPage, hall.ListQuery) {
	p := hallPage{Query: strings.TrimSpace(c.Query("q")), Item: registry.NormalizeCode(c.Query("item")),
		Region: strings.TrimSpace(c.Query("region")), Sort: "newest", Methods: hall.Methods, Statuses: statusFilters,
		Stages: registry.Stages}
	for _, m := range hall.Methods {
		if string(m) == c.Query("method") {
			p.Method = string(m)
		}
	}
	if s := registry.Stage(c.Query("stage")); registry.ValidStage(s) {
		p.Stage = string(s)
	}
	if statesOf(c.Query("status")) != nil {
		p.Status = c.Query("status")
	}
	if c.Query("sort") == "deadline" {
		p.Sort = "deadline"
	}
	p.Filter = p.Query != "" || p.Method != "" || p.Item != "" || p.Stage != "" || p.Region != "" || p.Status != ""
	return p, hall.ListQuery{Text: p.Query, States: statesOf(p.Status), Method: hall.Method(p.Method), ItemCode: p.Item,
		Stage: p.Stage, Region: p.Region, Sort: p.Sort, Page: queryPage(c), PageSize: hallPageSize}
}

// hallList is the public list of published projects: everyone, logged in
// or not, sees the same list (drafts are in the owner's workspace).
func (u *ui) hallList(c *gin.Context) {
	items, err := u.Catalog.List(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	p, q := hallQuery(c)
	p.Groups = groupItems(items, false)
	var total int
	p.Rows, total = u.Hall.List(registry.Actor{}, q)
	p.Pager = newPager(c, total, q.Page, hallPageSize)
	p.OpenCount = u.Hall.Counts()[hall.StateOpen]
	u.render(c, http.StatusOK, "hall_list", view{Title: "选取大厅", Nav: "hall", Data: p})
}
