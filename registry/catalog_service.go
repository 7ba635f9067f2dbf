package registry

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
)

// Catalog is the service catalog's rules over its store. It keeps the
// sorted list in memory: every hall and directory page shows the catalog's
// filters, and reading a few hundred items per page from the database
// queued those pages behind the writes under load. A write through this
// Catalog drops the copy; Reload re-reads it when another process changed
// the items (the change feed, RefreshCatalog).
type Catalog struct {
	store  CatalogStore
	now    func() time.Time
	sorted atomic.Pointer[[]ServiceItem]
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
	err := c.store.PutServiceItem(ctx, it)
	c.sorted.Store(nil) // even after an error: the write may have happened
	if err != nil {
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
	if items := c.sorted.Load(); items != nil {
		return slices.Clone(*items), nil
	}
	return c.Reload(ctx)
}

// Reload reads the items from the store again and returns them.
func (c *Catalog) Reload(ctx context.Context) ([]ServiceItem, error) {
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
	c.sorted.Store(&items)
	return slices.Clone(items), nil
}

// CountEnabled counts the items open for selection.
func (c *Catalog) CountEnabled(ctx context.Context) (int, error) {
	items, err := c.List(ctx)
	n := 0
	for _, it := range items {
		if it.Enabled {
			n++
		}
	}
	return n, err
}

// ImportResult counts what an import did.
type ImportResult struct {
	Created, Updated, Unchanged int
}

// Import creates or updates items by code; items equal to the stored ones
// are left alone, so importing the same file twice changes nothing. The
// items must already be valid (the Excel reader validates each row).
func (c *Catalog) Import(ctx context.Context, items []ServiceItem) (ImportResult, error) {
	var res ImportResult
	existing, err := c.store.ListServiceItems(ctx)
	if err != nil {
		return res, err
	}
	byCode := make(map[string]ServiceItem, len(existing))
	for _, it := range existing {
		byCode[it.Code] = it
	}
	for _, it := range items {
		it.Code = NormalizeCode(it.Code)
		old, ok := byCode[it.Code]
		if ok && sameItem(old, it) {
			res.Unchanged++
			continue
		}
		if _, err := c.Put(ctx, it); err != nil {
			return res, fmt.Errorf("import %s: %w", it.Code, err)
		}
		if ok {
			res.Updated++
		} else {
			res.Created++
		}
	}
	return res, nil
}

// sameItem compares everything an import can set.
func sameItem(a, b ServiceItem) bool {
	a.UpdatedAt, b.UpdatedAt = time.Time{}, time.Time{}
	return a.Code == b.Code && a.Name == b.Name && a.Category == b.Category && a.Stage == b.Stage &&
		a.ApprovalMatter == b.ApprovalMatter && a.Department == b.Department && a.LegalBasis == b.LegalBasis &&
		slices.Equal(a.Qualifications, b.Qualifications) && a.QualMode == b.QualMode && a.FeeBasis == b.FeeBasis &&
		a.TimeLimitDays == b.TimeLimitDays && a.Enabled == b.Enabled && a.Source == b.Source
}
