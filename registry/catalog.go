package registry

import (
	"context"
	"strings"
	"time"
)

// Stage is one of the five approval stages (审批阶段) a service item serves.
type Stage string

// The five approval modules, in the order a project meets them.
const (
	StageInitiation   Stage = "立项"
	StageLandUse      Stage = "用地"
	StagePlanning     Stage = "规划报建"
	StageConstruction Stage = "施工许可"
	StageCompletion   Stage = "竣工验收"
)

// Stages lists the stages in order.
var Stages = []Stage{StageInitiation, StageLandUse, StagePlanning, StageConstruction, StageCompletion}

// ValidStage reports whether s is one of the five stages.
func ValidStage(s Stage) bool {
	for _, x := range Stages {
		if x == s {
			return true
		}
	}
	return false
}

// FeeBasis says how an item's fee is set.
type FeeBasis string

const (
	FeeGovernment FeeBasis = "政府定价"
	FeeMarket     FeeBasis = "市场调节"
)

// QualMode says whether an agency needs any one or all of the listed
// qualification types.
type QualMode string

const (
	QualAnyOf QualMode = "any"
	QualAllOf QualMode = "all"
)

// ServiceItem is an intermediary service item (中介服务事项) of the catalog.
type ServiceItem struct {
	Code           string
	Name           string
	Category       string
	Stage          Stage
	ApprovalMatter string // the administrative approval it serves
	Department     string // competent department
	LegalBasis     string
	Qualifications []string // required qualification types
	QualMode       QualMode
	FeeBasis       FeeBasis
	TimeLimitDays  int // statutory time limit
	Enabled        bool
	Source         string // where the item's facts come from
	UpdatedAt      time.Time
}

// CatalogStore is what the catalog needs from storage.
type CatalogStore interface {
	// PutServiceItem creates or replaces the item with its code.
	PutServiceItem(ctx context.Context, it ServiceItem) error
	GetServiceItem(ctx context.Context, code string) (ServiceItem, error)
	ListServiceItems(ctx context.Context) ([]ServiceItem, error)
}

// NormalizeCode trims and upper-cases a service item code.
func NormalizeCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
