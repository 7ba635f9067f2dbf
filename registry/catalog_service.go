package registry

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
)

// Catalog is the service catalog's rules over its store.
type Catalog struct {
	store CatalogStore
	now   func() time.Time
}

// NewCatalog builds the catalog service.
func NewCatalog(store CatalogStore, now func() time.Time) *Catalog {
	if now == nil {
		now = time.Now
	}
	return &Catalog{store: store, now: now}
}

// Validate checks an item and returns field errors in Chinese.
func (it ServiceItem) Validate() error {
	v := apperr.Invalid()
	if it.Code == "" || len(it.Code) > 32 {
		v.Field("code", "请填写事项编码（32 位以内）")
	}
	if strings.TrimSpace(it.Name) == "" {
		v.Field("name", "请填写事项名称")
	} else if len([]rune(it.Name)) > 100 {
		v.Field("name", "事项名称不能超过 100 个字")
	}
	if !ValidStage(it.Stage) {
		v.Field("stage", "审批阶段应为：立项、用地、规划报建、施工许可、竣工验收之一")
	}
	if it.QualMode != QualAnyOf && it.QualMode != QualAllOf {
		v.Field("qual_mode", "资质要求方式应为“任一”或“全部”")
	}
	if it.FeeBasis != FeeGovernment && it.FeeBasis != FeeMarket {
		v.Field("fee_basis", "收费方式应为“政府定价”或“市场调节”")
	}
	if it.TimeLimitDays < 1 || it.TimeLimitDays > 365 {
		v.Field("time_limit_days", "法定时限应为 1–365 天")
	}
	return v.OrNil()
}

// Put creates or replaces an item after validation.
func (c *Catalog) Put(ctx context.Context, it ServiceItem) (ServiceItem, error) {
	it.Code = NormalizeCode(it.Code)
	it.Name = strings.TrimSpace(it.Name)
	if err := it.Validate(); err != nil {
		return ServiceItem{}, err
	}
	it.UpdatedAt = c.now().UTC()
	if err := c.store.PutServiceItem(ctx, it); err != nil {
		return ServiceItem{}, err
	}
	return it, nil
}

// Get returns one item by code.
func (c *Catalog) Get(ctx context.Context, code string) (ServiceItem, error) {
	return c.store.GetServiceItem(ctx, NormalizeCode(code))
}

// List returns every item ordered by stage, then code.
func (c *Catalog) List(ctx context.Context) ([]ServiceItem, error) {
	items, err := c.store.ListServiceItems(ctx)
	if err != nil {
		return nil, err
	}
	order := map[Stage]int{}
	for i, s := range Stages {
		order[s] = i
	}
	sort.SliceStable(items, func(i, j int) bool {
		if order[items[i].Stage] != order[items[j].Stage] {
			return order[items[i].Stage] < order[items[j].Stage]
		}
		return items[i].Code < items[j].Code
	})
	return items, nil
}

// CountEnabled counts the items open for selection.
func (c *Catalog) CountEnabled(ctx context.Context) (int, error) {
	items, err := c.store.ListServiceItems(ctx)
	n := 0
	for _, it := range items {
		if it.Enabled {
			n++
		}
	}
	return n, err
}
