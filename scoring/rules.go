// Package scoring is supervision: complaints, sanctions, the credit score
// engine with its line items and appeals, alerts, random inspections and
// risk indicators.
package scoring

// Points are tenths of a credit point, so +0.5 is exact: 1000 is the base
// score of 100.
type Points int64

// String formats tenths as points with one decimal, e.g. "-2", "+0.5".
func (p Points) String() string {
	sign := ""
	if p > 0 {
		sign = "+"
	}
	if p < 0 {
		sign, p = "-", -p
	}
	if p%10 == 0 {
		return sign + itoa(int64(p/10))
	}
	return sign + itoa(int64(p/10)) + "." + itoa(int64(p%10))
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// Rule IDs.
const (
	RuleLateDelivery     = "late_delivery"
	RuleComplaintMinor   = "complaint_minor"
	RuleComplaintGeneral = "complaint_general"
	RuleComplaintSerious = "complaint_serious"
	RuleAbandonment      = "abandonment"
	RuleReturnedOften    = "returned_often"
	RuleRatingBelow2     = "rating_below_2"
	RuleRatingBelow3     = "rating_below_3"
	RuleRatingExcellent  = "rating_excellent"
	RuleOnTime           = "on_time"
	RuleCommendation     = "commendation"
	RuleFalseMaterials   = "false_materials"
)

// Rule is one row of the public rule table. Points apply per occurrence;
// Cap bounds the sum (per project for late delivery, per rolling year for
// on-time completions); 0 means no cap.
type Rule struct {
	ID          string
	Description string
	Points      Points
	Cap         Points
}

// DefaultRules are DESIGN.md §2.3's defaults.
func DefaultRules() []Rule {
	return []Rule{
		{RuleLateDelivery, "逾期交付：每开始逾期一周扣 2 分，每个项目最多扣 10 分", -20, -100},
		{RuleComplaintMinor, "投诉经查属实（轻微）", -30, 0},
		{RuleComplaintGeneral, "投诉经查属实（一般）", -50, 0},
		{RuleComplaintSerious, "投诉经查属实（严重）", -100, 0},
		{RuleAbandonment, "中选后放弃（弃标）", -100, 0},
		{RuleReturnedOften, "服务成果被退回超过两次", -20, 0},
		{RuleRatingBelow2, "项目评价平均分低于 2 星", -50, 0},
		{RuleRatingBelow3, "项目评价平均分低于 3 星", -20, 0},
		{RuleRatingExcellent, "项目评价平均分达到 4.5 星及以上", 10, 0},
		{RuleOnTime, "按期完成服务：每个项目加 0.5 分，一年最多加 10 分", 5, 100},
		{RuleCommendation, "监管部门通报表扬", 30, 0},
		{RuleFalseMaterials, "提供虚假材料或围标串标（同时提出列入黑名单建议）", -300, 0},
	}
}

// Score bounds and grades.
const (
	BaseScore Points = 1000
	MinScore  Points = 0
	MaxScore  Points = 1100
)

// Grade of a score: A ≥ 90, B ≥ 75, C ≥ 60, D below.
func Grade(s Points) string {
	switch {
	case s >= 900:
		return "A"
	case s >= 750:
		return "B"
	case s >= 600:
		return "C"
	}
	return "D"
}
