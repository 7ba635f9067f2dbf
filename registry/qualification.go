package registry

import (
	"slices"
	"time"
)

// ValidOn reports whether the qualification is in force on day d
// (both ends inclusive).
func (q Qualification) ValidOn(d Date) bool {
	return !d.Before(q.ValidFrom) && !q.ValidTo.Before(d)
}

// MeetsRequirement reports whether qualifications valid on day d satisfy
// the item's requirement (any one, or all, of its types). An item that
// names no type is open to every admitted agency.
func MeetsRequirement(item ServiceItem, quals []Qualification, d Date) bool {
	if len(item.Qualifications) == 0 {
		return true
	}
	holds := func(t string) bool {
		return slices.ContainsFunc(quals, func(q Qualification) bool { return q.Type == t && q.ValidOn(d) })
	}
	if item.QualMode == QualAllOf {
		for _, t := range item.Qualifications {
			if !holds(t) {
				return false
			}
		}
		return true
	}
	return slices.ContainsFunc(item.Qualifications, holds)
}

// ListingValid reports whether a listing of item by an agency holding quals
// counts at instant now, with the reason in Chinese when it does not.
func ListingValid(item ServiceItem, quals []Qualification, now time.Time) (bool, string) {
	if !item.Enabled {
		return false, "服务事项已停用"
	}
	if !MeetsRequirement(item, quals, DateOf(now)) {
		return false, "缺少在有效期内且符合要求的资质"
	}
	return true, ""
}

// ExpiryThresholds are the days before expiry at which holders are warned.
var ExpiryThresholds = []int{60, 30, 15}

// ExpiryLevel says how close a qualification is to expiry on day d: the
// smallest threshold (60, 30 or 15) it is within, 0 when further away, and
// -1 when it has expired. The job that warns agencies raises one warning
// per level reached.
func ExpiryLevel(q Qualification, d Date) int {
	left := d.DaysUntil(q.ValidTo)
	if left < 0 {
		return -1
	}
	level := 0
	for _, t := range ExpiryThresholds {
		if left <= t {
			level = t
		}
	}
	return level
}
