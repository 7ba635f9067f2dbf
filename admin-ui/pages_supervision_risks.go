package adminui

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/scoring"
)

// Risk indicators (围标串标风险线索) with drill-down links.

type riskAgency struct{ ID, Name string }

type riskRow struct {
	scoring.Risk
	Label    string
	Agencies []riskAgency
}

type riskKind struct {
	Key, Label string
	Count      int
}

type risksPage struct {
	Kind  string
	Kinds []riskKind
	Rows  []riskRow
	Pager pager
	Total int
}

var riskOrder = []string{"low_quote", "identical_quotes", "co_bidding", "shared_contact"}

func (u *ui) superviseRisks(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	all := u.Scoring.Risks(c.Request.Context())
	p := risksPage{Total: len(all)}
	counts := map[string]int{}
	for _, r := range all {
		counts[r.Kind]++
	}
	for _, k := range riskOrder {
		p.Kinds = append(p.Kinds, riskKind{Key: k, Label: scoring.RiskLabels[k], Count: counts[k]})
		if c.Query("kind") == k {
			p.Kind = k
		}
	}
	idx := u.agencyIndex("")
	var rows []riskRow
	for _, r := range all {
		if p.Kind != "" && r.Kind != p.Kind {
			continue
		}
		row := riskRow{Risk: r, Label: scoring.RiskLabels[r.Kind]}
		for _, id := range r.Agencies {
			row.Agencies = append(row.Agencies, riskAgency{ID: id, Name: nameOf(idx, id)})
		}
		rows = append(rows, row)
	}
	p.Rows, p.Pager = pageSlice(c, rows, 30)
	u.render(c, http.StatusOK, "sup_risks", view{Title: "风险线索", Section: "risks", Data: p})
}
