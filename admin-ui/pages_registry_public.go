package adminui

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// directoryPageSize is the page size of the public directory.
const directoryPageSize = 20

// directoryPage is the public agency directory (中介机构库).
type directoryPage struct {
	Query, Item, Stage, Region, Qual, Sort string
	Grade                                  string      // A–D filter
	Grades                                 []string    // the filter's choices
	Groups                                 []itemGroup // service items by stage, for the filter
	Stages                                 []registry.Stage
	QualTypes                              []string
	Rows                                   []directoryRow
	Pager                                  pager
	Filter                                 bool
	ItemName                               string // the chosen item's name, for the heading
}

// directoryRow is one agency of the directory list.
type directoryRow struct {
	Agency    registry.Agency
	Services  []string // names of the listings valid today
	QualTypes []string
	Grade     string // credit grade, "" before the first scoring
}

func (u *ui) directory(c *gin.Context) {
	items, err := u.Catalog.List(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	p := directoryPage{Query: strings.TrimSpace(c.Query("q")), Item: registry.NormalizeCode(c.Query("item")),
		Region: strings.TrimSpace(c.Query("region")), Qual: strings.TrimSpace(c.Query("qual")), Sort: registry.SortName,
		Groups: groupItems(items, false), Stages: registry.Stages, QualTypes: catalogQualTypes(items),
		Grades: []string{"A", "B", "C", "D"}}
	if s := registry.Stage(c.Query("stage")); registry.ValidStage(s) {
		p.Stage = string(s)
	}
	if s := c.Query("sort"); s == registry.SortNewest || s == registry.SortGrade {
		p.Sort = s
	}
	if g := c.Query("grade"); g == "A" || g == "B" || g == "C" || g == "D" {
		p.Grade = g
	}
	if it, ok := u.Registry.Directory().Item(p.Item); ok {
		p.ItemName = it.Name
	}
	p.Filter = p.Query != "" || p.Item != "" || p.Stage != "" || p.Region != "" || p.Qual != "" || p.Grade != ""
	entries, total := u.Registry.Directory().Search(registry.DirectoryQuery{Text: p.Query, ItemCode: p.Item,
		Stage: registry.Stage(p.Stage), Region: p.Region, QualType: p.Qual, Grade: p.Grade, Sort: p.Sort,
		Page: queryPage(c), PageSize: directoryPageSize, Now: u.Now()})
	for _, e := range entries {
		row := directoryRow{Agency: e.Agency, QualTypes: qualTypes(e.Agency.Profile.Qualifications), Grade: e.Grade}
		for _, l := range e.ValidListings {
			row.Services = append(row.Services, u.itemName(l.ItemCode))
		}
		p.Rows = append(p.Rows, row)
	}
	p.Pager = newPager(c, total, queryPage(c), directoryPageSize)
	u.render(c, http.StatusOK, "directory", view{Title: "中介机构库", Nav: "agencies", Data: p})
}

// publicAgencyPage is an admitted agency's public profile.
type publicAgencyPage struct {
	Agency        registry.Agency
	Quals         []qualView
	Listings      []listingView
	Practitioners int
	Own           bool        // the visitor is one of the agency's users
	Credit        *creditView // 监管: the credit section (pages_credit.go)
}

// qualView is a qualification with its expiry warning.
type qualView struct {
	registry.Qualification
	Expiry expiry
}

// listingView is a listing with its catalog item and whether it counts today.
type listingView struct {
	registry.Listing
	Item   registry.ServiceItem
	Known  bool
	Valid  bool
	Reason string
}

func (u *ui) qualViews(quals []registry.Qualification) []qualView {
	day := u.today()
	out := make([]qualView, len(quals))
	for i, q := range quals {
		out[i] = qualView{Qualification: q, Expiry: expiryOn(q, day)}
	}
	return out
}

func (u *ui) listingViews(a registry.Agency) []listingView {
	out := make([]listingView, 0, len(a.Listings))
	for _, l := range a.Listings {
		v := listingView{Listing: l}
		v.Item, v.Known = u.Registry.Directory().Item(l.ItemCode)
		if !v.Known {
			v.Reason = "服务事项已不在目录中"
		} else {
			v.Valid, v.Reason = registry.ListingValid(v.Item, a.Profile.Qualifications, u.Now())
		}
		out = append(out, v)
	}
	return out
}

// publicAgency shows what the public may see of an agency: the admitted
// version only, whoever asks (its own users see their pending edits in
// the workspace, not here), with no ID numbers and no certificate files.
func (u *ui) publicAgency(c *gin.Context) {
	a, err := u.Registry.Get(c.Request.Context(), registry.Actor{}, c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	if !a.Status.Admitted() { // Get already hides these; never show one by mistake
		web.Fail(c, apperr.NotFound("中介机构"))
		return
	}
	p := publicAgencyPage{Agency: a, Quals: u.qualViews(a.Profile.Qualifications), Listings: u.listingViews(a),
		Practitioners: len(a.Practitioners), Own: actor(c).Owns(a.ID)}
	if p.Credit, err = u.publicCredit(c.Request.Context(), a.ID); err != nil {
		web.Fail(c, err)
		return
	}
	u.render(c, http.StatusOK, "agency_public", view{Title: a.Profile.Name, Nav: "agencies", Data: p})
}
