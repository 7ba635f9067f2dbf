package hall

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
)

// CalendarStore keeps imported holiday years; built-in years need none.
type CalendarStore interface {
	PutCalendarYear(ctx context.Context, y Year) error
	EachCalendarYear(ctx context.Context, fn func(Year) error) error
}

// LoadCalendar applies the imported years on top of the built-in ones.
func (s *Service) LoadCalendar(ctx context.Context) error {
	if s.Calendars == nil {
		return nil
	}
	return s.Calendars.EachCalendarYear(ctx, func(y Year) error { s.Calendar.Set(y); return nil })
}

// ValidateYear checks an imported year: every date inside the year, ranges
// in order, no adjusted working day that is also a holiday.
func ValidateYear(y Year) error {
	v := apperr.Invalid()
	if y.Year < 2000 || y.Year > 2100 {
		v.Field("year", "年份应在 2000–2100 之间")
	}
	off := map[registry.Date]bool{}
	for i, h := range y.Holidays {
		f := fmt.Sprintf("holidays[%d]", i)
		if strings.TrimSpace(h.Name) == "" {
			v.Field(f+".name", "请填写节日名称")
		}
		if h.From.Y != y.Year || h.To.Y != y.Year {
			v.Field(f+".from", fmt.Sprintf("放假日期应在 %d 年内", y.Year))
		}
		if h.To.Before(h.From) {
			v.Field(f+".to", "放假结束日期不能早于开始日期")
		}
		for d := h.From; !h.To.Before(d) && d.Y == y.Year; d = next(d) {
			off[d] = true
		}
	}
	for i, d := range y.Workdays {
		if d.Y != y.Year {
			v.Field(fmt.Sprintf("workdays[%d]", i), fmt.Sprintf("调休上班日期应在 %d 年内", y.Year))
		}
		if off[d] {
			v.Field(fmt.Sprintf("workdays[%d]", i), d.String()+" 同时是放假日")
		}
	}
	return v.OrNil()
}

// ImportCalendar stores imported years (admins) and applies them at once;
// importing the same year again replaces it, so a re-import changes nothing.
func (s *Service) ImportCalendar(ctx context.Context, who registry.Actor, years []Year) error {
	if who.Kind != registry.ActorAdmin {
		return apperr.Forbidden("只有平台管理员可以导入节假日安排")
	}
	if s.Calendars == nil {
		return apperr.Conflict("no_store", "节假日存储未配置")
	}
	sort.Slice(years, func(i, j int) bool { return years[i].Year < years[j].Year })
	for _, y := range years {
		if err := ValidateYear(y); err != nil {
			return err
		}
	}
	for _, y := range years {
		if err := s.Calendars.PutCalendarYear(ctx, y); err != nil {
			return err
		}
		s.Calendar.Set(y)
	}
	return nil
}
