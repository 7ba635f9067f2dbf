package adminui

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// homePage shows counts read from the database on every visit; there are
// no placeholder figures.
type homePage struct {
	Agencies     int // admitted and active (已入驻)
	Owners       int
	Items        int
	OpenProjects int // projects open for sign-up in the selection hall
	Stages       []stageCount
}

type stageCount struct {
	Stage  registry.Stage
	Anchor string
	Count  int
}

func (u *ui) home(c *gin.Context) {
	ctx := c.Request.Context()
	// Admitted agencies in service, from the directory's read model: the
	// same set the public directory lists.
	agencies := u.Registry.Directory().Counts()[registry.StatusActive]
	owners, err := u.Auth.CountOrgs(ctx, auth.OrgOwner)
	if err != nil {
		web.Fail(c, err)
		return
	}
	items, err := u.Catalog.List(ctx)
	if err != nil {
		web.Fail(c, err)
		return
	}
	p := homePage{Agencies: agencies, Owners: owners, OpenProjects: u.Hall.Counts()[hall.StateOpen]}
	perStage := map[registry.Stage]int{}
	for _, it := range items {
		if it.Enabled {
			p.Items++
			perStage[it.Stage]++
		}
	}
	for i, s := range registry.Stages {
		p.Stages = append(p.Stages, stageCount{Stage: s, Anchor: stageAnchor(i), Count: perStage[s]})
	}
	u.render(c, http.StatusOK, "home", view{Title: "首页", Nav: "home", Data: p})
}

// catalogPage is the public service catalog, grouped by approval stage.
type catalogPage struct {
	Stages []registry.Stage
	Stage  string // filter: one stage or all
	Query  string // filter: part of the name, code, category or department
	Total  int    // enabled items in the catalog
	Shown  int
	Groups []catalogGroup
	Manage bool // the visitor is an admin: show links to manage items
}

type catalogGroup struct {
	Stage  registry.Stage
	Anchor string
	Items  []registry.ServiceItem
}

func stageAnchor(i int) string { return "stage-" + string(rune('1'+i)) }

func (u *ui) catalog(c *gin.Context) {
	items, err := u.Catalog.List(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	p := catalogPage{Stages: registry.Stages, Query: strings.TrimSpace(c.Query("q"))}
	if s := registry.Stage(c.Query("stage")); registry.ValidStage(s) {
		p.Stage = string(s)
	}
	for i, s := range registry.Stages {
		g := catalogGroup{Stage: s, Anchor: stageAnchor(i)}
		for _, it := range items {
			if !it.Enabled || it.Stage != s {
				continue
			}
			p.Total++
			if (p.Stage == "" || p.Stage == string(s)) && matchesItem(it, p.Query) {
				g.Items = append(g.Items, it)
			}
		}
		p.Shown += len(g.Items)
		if p.Stage == "" || p.Stage == string(s) {
			p.Groups = append(p.Groups, g)
		}
	}
	p.Manage = web.PrincipalOf(c).Role == auth.RoleAdmin
	u.render(c, http.StatusOK, "catalog", view{Title: "服务事项", Nav: "catalog", Data: p})
}

func matchesItem(it registry.ServiceItem, q string) bool {
	if q == "" {
		return true
	}
	for _, s := range []string{it.Name, it.Code, it.Category, it.Department, it.ApprovalMatter} {
		if strings.Contains(strings.ToLower(s), strings.ToLower(q)) {
			return true
		}
	}
	return false
}
