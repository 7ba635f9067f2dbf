package adminui

import (
	"fmt"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
)

// criteriaRow is one bidder's line of the owner's criteria scoring form.
type criteriaRow struct {
	AgencyID, Name, Error string
	Cells                 []criteriaCell
}

// criteriaCell is one criterion's score input, in points.
type criteriaCell struct {
	ID, Name, Label, Value, Error string
	Max                           int64
}

// scoreField is the input name of a score; it is also the key of the
// service's field error for it.
func scoreField(agencyID string, i int) string { return fmt.Sprintf("scores.%s[%d]", agencyID, i) }

// criteriaRows lists the valid bidders of a comprehensive-scoring project
// with an input per criterion.
func criteriaRows(p hall.Project, f *form) []criteriaRow {
	if p.Opening == nil || p.Weights == nil {
		return nil
	}
	names := agencyNames(p)
	var rows []criteriaRow
	for _, b := range p.Opening.Bids {
		if !b.Valid {
			continue
		}
		r := criteriaRow{AgencyID: b.AgencyID, Name: names[b.AgencyID]}
		if f != nil {
			r.Error = f.Errors["scores."+b.AgencyID]
		}
		for i, c := range p.Weights.Criteria {
			name := scoreField(b.AgencyID, i)
			cell := criteriaCell{ID: fieldID(name), Name: name, Label: c.Name, Max: c.Max}
			if f != nil {
				cell.Value, cell.Error = f.Values[name], f.Errors[name]
			}
			r.Cells = append(r.Cells, cell)
		}
		rows = append(rows, r)
	}
	return rows
}

// scoreCriteria records the owner's criteria scores; the platform then
// computes the totals and decides the result.
func (u *ui) scoreCriteria(c *gin.Context, f *form, id string) (string, error) {
	ctx := c.Request.Context()
	p, err := u.Hall.Get(ctx, actor(c), id)
	if err != nil {
		return "", err
	}
	if p.Weights == nil || p.Opening == nil {
		return "", apperr.Conflict("not_scoring", "项目当前不在评分阶段")
	}
	v := apperr.Invalid()
	scores := map[string][]int64{}
	for _, b := range p.Opening.Bids {
		if !b.Valid {
			continue
		}
		for i, cr := range p.Weights.Criteria {
			name := scoreField(b.AgencyID, i)
			f.Values[name] = c.PostForm(name)
			x, ok := parseDecimal(f.Values[name], 4)
			if !ok {
				v.Field(name, "请填写“"+cr.Name+"”的得分（0–"+strconv.FormatInt(cr.Max, 10)+" 分，最多四位小数）")
			}
			scores[b.AgencyID] = append(scores[b.AgencyID], x)
		}
	}
	if err := v.OrNil(); err != nil {
		return "", err
	}
	p, err = u.Hall.ScoreCriteria(ctx, actor(c), id, scores)
	if err != nil {
		return "", err
	}
	audited(c, p, "评审因素打分")
	if p.State == hall.StateFailed {
		return "评分已提交，项目流标：" + p.Opening.Outcome.FailReason, nil
	}
	return "评分已提交，选取结果已确定并公示", nil
}
